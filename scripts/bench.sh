#!/usr/bin/env bash
# bench.sh: tkauth's process-level figures (docs/benchmarks.md), at 10,
# 100, 1,000 and 10,000 stored sessions:
#   - tkauth list --json: wall time (hyperfine) and peak memory (GNU time);
#   - time from start to the TUI's first frame showing the sessions, beside
#     a minimal Bubble Tea v2 program's first frame;
#   - under a Secret Service, tkauth list at 100 sessions on the real keyring.
# Run it as  scripts/with-keyring scripts/bench.sh  for all of it. Needs
# hyperfine (Debian's package; installed if missing and run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v hyperfine >/dev/null; then
	apt-get install -y -qq --no-install-recommends hyperfine >/dev/null
fi
# static binaries, as the README installs tkauth; floors built the same way
export CGO_ENABLED=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/tkauth" .
go build -o "$work/minimaltea" ./scripts/minimaltea
go build -o "$work/firstframe" ./scripts/firstframe
go build -o "$work/genstore" ./scripts/genstore
sizes=(10 100 1000 10000)
for n in "${sizes[@]}"; do
	"$work/genstore" -n "$n" -dir "$work/s$n"
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# peak KiB of a command, median of 5 runs
peak() { for _ in 1 2 3 4 5; do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; done | median; }

echo "## tkauth list --json, file key store"
args=()
for n in "${sizes[@]}"; do
	args+=(-n "$n sessions" "$work/tkauth --home $work/s$n --keyring file list --json")
done
hyperfine -N --warmup 3 --runs 30 --style basic --export-markdown "$work/list.md" "${args[@]}" >/dev/null
cat "$work/list.md"

echo
echo "## peak memory of tkauth list --json (KiB, median of 5)"
echo "| sessions | store file | peak RSS | baseline (tkauth version) | (peak - baseline) / file |"
echo "|---|---|---|---|---|"
base=$(peak "$work/tkauth" version)
for n in "${sizes[@]}"; do
	file=$(( $(stat -c %s "$work/s$n/sessions.json") / 1024 ))
	p=$(peak "$work/tkauth" --home "$work/s$n" --keyring file list --json)
	echo "| $n | $file | $p | $base | $(awk "BEGIN {printf \"%.2f\", ($p - $base) / $file}") |"
done

echo
echo "## first frame (median of 20, ms)"
echo "minimal Bubble Tea v2 program: $("$work/firstframe" -runs 20 -marker "minimal ready" -- "$work/minimaltea")"
for n in "${sizes[@]}"; do
	echo "tkauth, $n sessions, first frame showing them: $("$work/firstframe" -runs 20 -marker "org-000/user-00000" -- "$work/tkauth" --home "$work/s$n" --keyring file)"
done

if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v secret-tool >/dev/null; then
	service=tkauth-bench-$$
	"$work/genstore" -n 100 -dir "$work/k100" -keyring system -service "$service"
	echo
	echo "## tkauth list, 100 sessions, real keyring (51 key pairs)"
	TKAUTH_KEYRING_SERVICE=$service hyperfine -N --warmup 3 --runs 30 --style basic --export-markdown "$work/k.md" \
		-n "list, system keyring" "$work/tkauth --home $work/k100 --keyring system list" \
		-n "list, auto (probes the keyring first)" "$work/tkauth --home $work/k100 list" >/dev/null
	cat "$work/k.md"
	secret-tool clear service "$service" || true
fi
