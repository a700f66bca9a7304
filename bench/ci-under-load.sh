#!/usr/bin/env bash
# Issue 16: the fresh-clone CI passes on a busy machine. Clones HEAD, starts N CPU-burning processes
# (default 2, one per core of the CI size), runs .ci/run the way CI does (CI=true, no TTY), stops the
# burners and prints the outcome, the wall time and the load average seen.
# Usage: bash bench/ci-under-load.sh [BURNERS]   (the log goes to $TMPDIR/kaito-ci-under-load.log)
set -uo pipefail
burners=${1:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
log=${TMPDIR:-/tmp}/kaito-ci-under-load.log
git clone -q "$root" "$dir"
pids=()
for _ in $(seq "$burners"); do
  node -e 'for (;;) {}' &
  pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null' EXIT
start=$(date +%s)
(cd "$dir" && CI=true bash .ci/run </dev/null) >"$log" 2>&1
rc=$?
end=$(date +%s)
kill "${pids[@]}" 2>/dev/null
echo "commit $(git -C "$dir" rev-parse --short HEAD), $burners CPU burners beside it: .ci/run exit $rc in $(( (end - start) / 60 )) min $(( (end - start) % 60 )) s; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E "^[0-9]+ passed, [0-9]+ failed|test pass on" "$log"
rm -rf "$dir"
exit $rc
