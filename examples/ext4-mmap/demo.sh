#!/bin/sh
# demo.sh BUILD_DIR: the ext4 mmap lock inversion, then the proposed fix.
# Runs the model twice under `ulockdep run`: as patched (a report, exit 66)
# and with f_op->pre_mmap (no report, exit 0). Exits 0 when both turn out so.
set -u

build=${1:-build}
ulockdep=$build/ulockdep
prog=$build/examples/ext4-mmap/ext4_mmap

for f in "$ulockdep" "$prog"; do
	if [ ! -x "$f" ]; then
		echo "demo.sh: $f not found; build first (make)" >&2
		exit 2
	fi
done

heading() {
	printf '\n==== %s ====\n\n' "$1"
}

heading "1. mmap converts inline data under i_rwsem while holding mmap_lock (the patch)"
echo "\$ $ulockdep run -- $prog"
"$ulockdep" run -- "$prog"
first=$?

heading "2. the conversion moved to f_op->pre_mmap, before mmap_lock (the fix)"
echo "\$ $ulockdep run -- $prog --pre-mmap"
"$ulockdep" run -- "$prog" --pre-mmap
second=$?

heading "outcome"
if [ "$first" -eq 66 ]; then
	echo "run 1: exit 66: mmap_lock -> i_rwsem (mmap) against i_rwsem -> mmap_lock (write fault) is a possible deadlock."
else
	echo "run 1: exit $first: expected 66, a circular locking report."
fi
if [ "$second" -eq 0 ]; then
	echo "run 2: exit 0: i_rwsem is no longer taken under mmap_lock, so the only order left is i_rwsem -> mmap_lock."
else
	echo "run 2: exit $second: expected 0, no report."
fi

[ "$first" -eq 66 ] && [ "$second" -eq 0 ]
