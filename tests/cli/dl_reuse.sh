#!/bin/sh
# dl_reuse.sh BUILD_DIR: unloading a module ends its locks. libA takes m1
# then m2 and is dlclose()d; libB, loaded at the same addresses, takes m2 then
# m1: those locks never existed at the same time, and there is no report,
# with or without check_free. Kept loaded, the same two orders are reported.
. "$(dirname "$0")/prelude.sh"
for v in a b; do
	gcc -O0 -g -shared -fPIC -pthread -o "$T/lib$v.so" "$SRC/tests/report/dl_reuse_lib.c" ||
		{ echo "FAIL: gcc lib$v"; exit 1; }
done
gcc -O0 -g -pthread -o "$T/main" "$SRC/tests/report/dl_reuse_main.c" -ldl ||
	{ echo "FAIL: gcc main"; exit 1; }

for opt in "" --check-free; do
	timeout 30 "$U" run $opt -- "$T/main" reload "$T/liba.so" "$T/libb.so" \
		>"$T/reload.out" 2>"$T/reload.err"
	rc=$?
	# The check means something only if libB reused libA's addresses.
	[ "$(cat "$T/reload.out")" = same ] ||
		fail "reload$opt: libB's locks are not at libA's addresses ($(cat "$T/reload.out"))"
	[ $rc -eq 0 ] || fail "reload$opt: exit $rc, expected 0"
	grep -q '^WARNING' "$T/reload.err" &&
		fail "reload$opt: a report about locks that never coexisted: $(grep '^WARNING' "$T/reload.err")"
done

timeout 30 "$U" run -- "$T/main" kept "$T/liba.so" "$T/libb.so" >/dev/null 2>"$T/kept.err"
rc=$?
[ $rc -eq 66 ] || fail "kept: exit $rc, expected 66"
grep -q '^WARNING: possible circular locking dependency' "$T/kept.err" ||
	fail "kept: the inversion in one loaded library is not reported"

finish "an unloaded library's locks end with it"
