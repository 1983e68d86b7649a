#!/bin/sh
# suite.sh BUILD: the whole-suite benchmark (docs/suite.md). Writes 1,000
# process records holding 10,000 classes and 100,000 dependencies in all
# (bench/gen_records.py), then times `ulockdep merge` of them into a new
# store and `ulockdep check` of that store. The goal: both in under 10 s
# together. Exits 1 if the check does not find the ten cycles the records
# hold, or if the goal is missed.
set -u
BUILD=${1:?usage: bench/suite.sh BUILD}
SRC=$(cd "$(dirname "$0")" && pwd)
W=$BUILD/bench/suite
rm -rf "$W"
mkdir -p "$W" || exit 1
python3 "$SRC/gen_records.py" "$W/records" || exit 1

now() { date +%s.%N; }
t0=$(now)
"$BUILD/ulockdep" merge "$W/g.db" "$W/records" || { echo "bench: merge failed"; exit 1; }
t1=$(now)
"$BUILD/ulockdep" check "$W/g.db" >"$W/check.out"
rc=$?
t2=$(now)
cycles=$(grep -c '^WARNING: possible circular locking dependency detected' "$W/check.out")
tail -n 1 "$W/check.out"
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
	printf "bench: suite: merge %.2f s, check %.2f s, total %.2f s (goal: under 10 s)\n",
		b - a, c - b, c - a }'
if [ "$rc" -ne 1 ] || [ "$cycles" -ne 10 ]; then
	echo "bench: suite: check found $cycles cycles (status $rc), expected 10"
	exit 1
fi
awk -v a="$t0" -v c="$t2" 'BEGIN { exit (c - a < 10) ? 0 : 1 }' ||
	{ echo "bench: suite: over the goal of 10 s"; exit 1; }
