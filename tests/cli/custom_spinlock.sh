#!/bin/sh
# custom_spinlock.sh BUILD_DIR: the annotated spinlock example.
# Under `ulockdep run` its ABBA against a pthread mutex is a circular
# dependency (and sleeping on the mutex under the spinlock an invalid wait
# context), exit 66; run on its own, the annotations do nothing: no output at
# all, exit 0.
. "$(dirname "$0")/prelude.sh"
prog=$B/examples/custom-spinlock/custom_spinlock

for f in "$U" "$prog"; do
	[ -x "$f" ] || { echo "FAIL: $f not built"; exit 1; }
done

timeout 60 "$U" run -- "$prog" >"$T/run.out" 2>"$T/run.err"
rc=$?
[ "$rc" -eq 66 ] || fail "under ulockdep run: exit status $rc, expected 66"
grep -q -F 'WARNING: possible circular locking dependency detected' "$T/run.err" ||
	fail "under ulockdep run: no circular dependency report"
grep -q -F '(queue_lock){+...}-{2:2}' "$T/run.err" ||
	fail "under ulockdep run: the spinlock is not named in the report"
grep -q -F '(stats_lock){+...}-{3:3}' "$T/run.err" ||
	fail "under ulockdep run: the mutex is not named in the report"
grep -q -F '[ BUG: Invalid wait context ]' "$T/run.err" ||
	fail "under ulockdep run: no invalid wait context report"
n=$(grep -c -E 'WARNING:|BUG:' "$T/run.err")
[ "$n" -eq 2 ] || fail "under ulockdep run: $n reports, expected 2"

# Without the runtime: the same binary, nothing printed.
env -u LD_PRELOAD timeout 60 "$prog" >"$T/plain.out" 2>"$T/plain.err"
rc=$?
[ "$rc" -eq 0 ] || fail "on its own: exit status $rc, expected 0"
[ -s "$T/plain.out" ] && fail "on its own: printed on stdout: $(head -n 3 "$T/plain.out")"
[ -s "$T/plain.err" ] && fail "on its own: printed on stderr: $(head -n 3 "$T/plain.err")"

if [ "$fails" -ne 0 ]; then
	echo "--- stderr under ulockdep run:"
	cat "$T/run.err"
fi
finish "the annotated spinlock reported under ulockdep run, silent on its own"
