#!/usr/bin/env bash
# bench.sh [REV]: tkauth's figures (docs/benchmarks.md), the work tree's
# binary against REV's (default HEAD), each pair of runs interleaved
# (scripts/abtime, scripts/firstframe), as medians with quartiles:
#   - list, current, show, switch and a logout of one session at 20
#     sessions, and the TUI's first frame;
#   - list at 20 sessions on a real Secret Service, when there is one;
#   - current against version (start-up), and version against a binary
#     that links the same libraries and runs nothing (scripts/libfloor);
#   - growth: list and a logout at 10,000 sessions against 1,000;
#   - the Go benchmarks at 10, 100 and 10,000 sessions.
# Run it as  scripts/with-keyring scripts/bench.sh  for all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-HEAD}
runs=${BENCH_RUNS:-200}

export CGO_ENABLED=0 # static binaries, as the README installs tkauth
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git worktree add -q --detach "$work/base-src" "$rev"
(cd "$work/base-src" && go build -o "$work/base" .)
git worktree remove --force "$work/base-src"
go build -o "$work/new" .
for p in abtime firstframe genstore libfloor; do
	go build -o "$work/$p" "./scripts/$p"
done
for n in 20 1000 10000; do
	"$work/genstore" -n "$n" -dir "$work/s$n"
done
ab() { "$work/abtime" -runs "$runs" "$@"; }
on() { echo "--home $work/$1 --keyring file"; }

echo "# tkauth at $(git rev-parse --short HEAD)$( [ -z "$(git status --porcelain)" ] || echo '+changes') against $rev ($(git rev-parse --short "$rev"))"
echo "## 20 sessions"
for cmd in "list" "current" "show" "show org-005/user-00005"; do
	printf '%-26s ' "$cmd"
	ab -a "$work/base $(on s20) $cmd" -- $work/new $(on s20) $cmd
done
# switch - goes back and forth, writing the store each time.
cp -a "$work/s20" "$work/sw"
"$work/new" $(on sw) switch org-001/user-00001 >/dev/null
printf '%-26s ' "switch -"
ab -a "$work/base $(on sw) switch -" -- $work/new $(on sw) switch -
printf '%-26s ' "logout of one"
ab -runs $((runs / 2)) -prepare "rm -rf $work/lo && cp -a $work/s20 $work/lo" \
	-a "$work/base $(on lo) logout zz-target" -- $work/new $(on lo) logout zz-target
printf '%-26s ' "TUI first frame"
"$work/firstframe" -runs 40 -marker org-000/user-00000 -base "$work/base $(on s20)" -- $work/new $(on s20)

if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
	export TKAUTH_KEYRING_SERVICE="tkauth-bench-$$"
	"$work/genstore" -n 20 -dir "$work/ss20" -keyring system -service "$TKAUTH_KEYRING_SERVICE"
	printf '%-26s ' "list, Secret Service"
	ab -runs $((runs / 2)) -a "$work/base --home $work/ss20 --keyring system list" -- $work/new --home $work/ss20 --keyring system list
	"$work/new" --home "$work/ss20" --keyring system logout --all --yes >/dev/null
	unset TKAUTH_KEYRING_SERVICE
else
	echo "(no D-Bus session bus: run under scripts/with-keyring for the Secret Service figure)"
fi

echo "## start-up (new binary)"
printf '%-26s ' "version vs libfloor"
ab -a "$work/libfloor" -- $work/new version
printf '%-26s ' "current vs version"
ab -a "$work/new version" -- $work/new $(on s20) current

echo "## growth: 10,000 sessions against 1,000 (new binary)"
printf '%-26s ' "list"
ab -runs 20 -warmup 2 -a "$work/new $(on s1000) list" -- $work/new $(on s10000) list
printf '%-26s ' "logout of one"
ab -runs 20 -warmup 2 -prepare "rm -rf $work/g1 $work/g2 && cp -a $work/s1000 $work/g1 && cp -a $work/s10000 $work/g2" \
	-a "$work/new $(on g1) logout zz-target" -- $work/new $(on g2) logout zz-target

echo "## Go benchmarks"
go test -run '^$' -bench . -benchtime 200ms ./store ./session ./ui | grep -E '^Benchmark'
