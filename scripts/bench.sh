#!/usr/bin/env bash
# bench.sh: tkauth's process-level figures (docs/benchmarks.md), at 10,
# 100, 1,000 and 10,000 stored sessions, each ratio against its floor run
# in turn with it (interleaved), as medians of per-pair ratios:
#   - tkauth list --json: wall time (hyperfine);
#   - list and list --json at 10,000 against encoding/json decoding the file;
#   - peak memory (GNU time) of both lists over the file's size;
#   - the TUI's first frame showing the sessions against a minimal Bubble
#     Tea v2 program's;
#   - logout of one session, logout --all, and a filter keystroke, each
#     timed in one loop with its floor (Go benchmarks);
#   - start-up (version, current) against hello-world, and the libraries'
#     own floor (scripts/libfloor) against the same;
#   - under a Secret Service, tkauth list at 100 sessions on the real keyring.
# Run it as  scripts/with-keyring scripts/bench.sh  for all of it. Needs
# hyperfine (Debian's package; installed if missing and run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

# BENCH_LOAD=1: a busy loop holds one CPU throughout, to see which
# figures hold on a loaded machine.
if [ -n "${BENCH_LOAD:-}" ]; then
	sh -c 'while :; do :; done' &
	hog=$!
	trap 'kill $hog 2>/dev/null' EXIT
	echo "(one CPU held busy throughout)"
fi

if ! command -v hyperfine >/dev/null; then
	apt-get install -y -qq --no-install-recommends hyperfine >/dev/null
fi
# static binaries, as the README installs tkauth; floors built the same way
export CGO_ENABLED=0
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -z "${hog:-}" ] || kill "$hog" 2>/dev/null' EXIT
go build -o "$work/tkauth" .
go build -o "$work/minimaltea" ./scripts/minimaltea
go build -o "$work/firstframe" ./scripts/firstframe
go build -o "$work/genstore" ./scripts/genstore
go build -o "$work/decodefloor" ./scripts/decodefloor
go build -o "$work/ratio" ./scripts/ratio
go build -o "$work/hello" ./scripts/hello
go build -o "$work/libfloor" ./scripts/libfloor
sizes=(10 100 1000 10000)
for n in "${sizes[@]}"; do
	"$work/genstore" -n "$n" -dir "$work/s$n"
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# peak KiB of a command, median of 5 runs; peaks leaves the 5 in $work/peaks
peak() { for _ in 1 2 3 4 5; do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; done | tee "$work/peaks" | median; }
# the spread of the last peak's runs, as the ratio to the file: lowest to highest
spread() { sort -n "$work/peaks" | awk -v h="$1" -v f="$2" 'NR==1 {lo=$1} {hi=$1} END {printf "%.2f to %.2f", (lo-h)/f, (hi-h)/f}'; }

echo "## tkauth list --json, file key store"
args=()
for n in "${sizes[@]}"; do
	args+=(-n "$n sessions" "$work/tkauth --home $work/s$n --keyring file list --json")
done
hyperfine -N --warmup 3 --runs 30 --style basic --export-markdown "$work/list.md" "${args[@]}" >/dev/null
cat "$work/list.md"

echo
echo "## list at 10,000 sessions against encoding/json's decode of the file (interleaved, 40 pairs)"
for a in "list" "list --json"; do
	echo "tkauth $a: $("$work/ratio" -runs 40 -warmup 3 -floor "$work/decodefloor $work/s10000/sessions.json" -- "$work/tkauth" --home "$work/s10000" --keyring file $a)"
done

echo
echo "## peak memory (KiB, median of 5), over the store file's size"
echo "| command | sessions | store file | peak RSS | above hello-world (spread of the 5) | above tkauth version |"
echo "|---|---|---|---|---|---|"
hello=$(peak "$work/hello")
base=$(peak "$work/tkauth" version)
for n in "${sizes[@]}"; do
	file=$(( $(stat -c %s "$work/s$n/sessions.json") / 1024 ))
	for a in "list" "list --json"; do
		p=$(peak "$work/tkauth" --home "$work/s$n" --keyring file $a)
		echo "| $a | $n | $file | $p | $(awk "BEGIN {printf \"%.2f\", ($p - $hello) / $file}") ($(spread "$hello" "$file")) | $(awk "BEGIN {printf \"%.2f\", ($p - $base) / $file}") |"
	done
done

echo
echo "## first frame showing the sessions, against a minimal Bubble Tea v2 program (interleaved, 30 pairs)"
echo "At Bubble Tea's default 60 frames a second (the issue's floor), and at tkauth's 120 (like for like):"
for n in "${sizes[@]}"; do
	echo "$n sessions, floor at 60: $("$work/firstframe" -runs 30 -floor "$work/minimaltea" -floor-marker "minimal ready" -marker "org-000/user-00000" -- "$work/tkauth" --home "$work/s$n" --keyring file)"
	echo "$n sessions, floor at 120: $("$work/firstframe" -runs 30 -floor "$work/minimaltea -fps 120" -floor-marker "minimal ready" -marker "org-000/user-00000" -- "$work/tkauth" --home "$work/s$n" --keyring file)"
done

echo
echo "## in one process, each against its floor in the same loop, the order swapped every two pairs (Go benchmarks)"
echo "x-floor / x-ten: median of the per-pair ratios, with its quartiles (-q1, -q3)"
go test -run '^$' -bench 'LogoutVsFloor/sessions=(1000|10000)$' -benchtime 200x ./store | grep '^Benchmark'
go test -run '^$' -bench 'LogoutAllVsFloor/sessions=10000$' -benchtime 7x ./store | grep '^Benchmark'
go test -run '^$' -bench 'FilterKeystrokeVsTen' -benchtime 2000x ./ui | grep '^Benchmark'

echo
echo "## start-up against hello-world (interleaved, 300 pairs)"
echo "tkauth version: $("$work/ratio" -runs 300 -floor "$work/hello" -- "$work/tkauth" version)"
echo "tkauth current, 100 sessions: $("$work/ratio" -runs 300 -floor "$work/hello" -- "$work/tkauth" --home "$work/s100" current)"
echo "scripts/libfloor (links tkauth's libraries, runs none): $("$work/ratio" -runs 300 -floor "$work/hello" -- "$work/libfloor")"

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

	# The Secret Service of this session (with-keyring's own), frozen as a
	# keyring stuck on an unlock prompt is: auto must not hold the first
	# frame back.
	pid=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '/uint32/ {print $2}')
	echo
	echo "## first frame with auto, 100 sessions, against a minimal Bubble Tea v2 program (interleaved, 20 pairs)"
	ff() { "$work/firstframe" -runs 20 -floor "$work/minimaltea" -floor-marker "minimal ready" -marker "org-000/user-00000" -- "$work/tkauth" --home "$work/s100" --keyring auto; }
	echo "Secret Service answering: $(ff)"
	kill -STOP "$pid"
	trap 'kill -CONT "$pid"; rm -rf "$work"; [ -z "${hog:-}" ] || kill "$hog" 2>/dev/null' EXIT
	echo "Secret Service frozen: $(ff)"
	kill -CONT "$pid"
fi
