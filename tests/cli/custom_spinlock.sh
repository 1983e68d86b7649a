#!/bin/sh
# custom_spinlock.sh BUILD_DIR: the annotated spinlock example.
# Under `ulockdep run` its ABBA against a pthread mutex is a circular
# dependency (and sleeping on the mutex under the spinlock an invalid wait
# context), exit 66; run on its own, the annotations do nothing: no output at
# all, exit 0.
set -u

build=${1:?usage: custom_spinlock.sh BUILD_DIR}
ulockdep=$build/ulockdep
prog=$build/examples/custom-spinlock/custom_spinlock
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

for f in "$ulockdep" "$prog"; do
	[ -x "$f" ] || { echo "FAIL: $f not built" >&2; exit 1; }
done

timeout 60 "$ulockdep" run -- "$prog" >"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
[ "$rc" -eq 66 ] || fail "under ulockdep run: exit status $rc, expected 66"
grep -q -F 'WARNING: possible circular locking dependency detected' "$tmp/run.err" ||
	fail "under ulockdep run: no circular dependency report"
grep -q -F '(queue_lock){+...}-{2:2}' "$tmp/run.err" ||
	fail "under ulockdep run: the spinlock is not named in the report"
grep -q -F '(stats_lock){+...}-{3:3}' "$tmp/run.err" ||
	fail "under ulockdep run: the mutex is not named in the report"
grep -q -F '[ BUG: Invalid wait context ]' "$tmp/run.err" ||
	fail "under ulockdep run: no invalid wait context report"
n=$(grep -c -E 'WARNING:|BUG:' "$tmp/run.err")
[ "$n" -eq 2 ] || fail "under ulockdep run: $n reports, expected 2"

# Without the runtime: the same binary, nothing printed.
env -u LD_PRELOAD timeout 60 "$prog" >"$tmp/plain.out" 2>"$tmp/plain.err"
rc=$?
[ "$rc" -eq 0 ] || fail "on its own: exit status $rc, expected 0"
[ -s "$tmp/plain.out" ] && fail "on its own: printed on stdout: $(head -n 3 "$tmp/plain.out")"
[ -s "$tmp/plain.err" ] && fail "on its own: printed on stderr: $(head -n 3 "$tmp/plain.err")"

if [ "$failures" -ne 0 ]; then
	echo "--- stderr under ulockdep run:" >&2
	cat "$tmp/run.err" >&2
	echo "custom_spinlock.sh: $failures failure(s)" >&2
	exit 1
fi
echo "custom_spinlock.sh: all checks passed"
