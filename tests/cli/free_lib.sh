#!/bin/sh
# free_lib.sh BUILD_DIR: free(), realloc() and munmap() are interposed by
# libulockdep_free.so, loaded only with check_free=1.
#  - `ulockdep run` preloads it after the runtime with check_free=1 only, and
#    refuses to start when it is missing next to the runtime library;
#  - linked with -lulockdep -lulockdep_free, a program reports a held lock
#    freed with check_free=1 in ULOCKDEP_OPTIONS; linked with -lulockdep
#    alone, the runtime says the library is missing and reports nothing.
. "$(dirname "$0")/prelude.sh"
unset LD_PRELOAD

pre=$("$U" run -- sh -c 'echo "$LD_PRELOAD"')
[ "$pre" = "$B/libulockdep.so" ] || fail "without check_free: LD_PRELOAD '$pre'"
pre=$("$U" run --check-free -- sh -c 'echo "$LD_PRELOAD"')
[ "$pre" = "$B/libulockdep.so:$B/libulockdep_free.so" ] || fail "check_free: LD_PRELOAD '$pre'"
pre=$(ULOCKDEP_OPTIONS=check_free=1 LD_PRELOAD="$B/libulockdep_free.so:/x.so" "$U" run -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)
[ "$pre" = "$B/libulockdep.so:$B/libulockdep_free.so:/x.so" ] || fail "check_free, nested: LD_PRELOAD '$pre'"

mkdir "$T/lib"
cp "$B/libulockdep.so" "$T/lib/"
ULOCKDEP_LIB="$T/lib/libulockdep.so" "$U" run --check-free -- true 2>"$T/err"; rc=$?
[ $rc -eq 2 ] || fail "free library missing: exit $rc, expected 2"
grep -q "check_free=1 needs $T/lib/libulockdep_free.so" "$T/err" || fail "free library missing: $(cat "$T/err")"
ULOCKDEP_LIB="$T/lib/libulockdep.so" "$U" run -- true || fail "free library missing, not needed: exit $?"

P=$SRC/tests/scenarios/free_held.c
gcc -O0 -g -pthread -o "$T/both" "$P" -Wl,--no-as-needed -L"$B" -lulockdep -lulockdep_free -Wl,-rpath,"$B" &&
	gcc -O0 -g -pthread -o "$T/rt_only" "$P" -Wl,--no-as-needed -L"$B" -lulockdep -Wl,-rpath,"$B" ||
	{ echo "FAIL: cannot link the test program"; exit 1; }
ULOCKDEP_OPTIONS=check_free=1 "$T/both" 2>"$T/both.err"; rc=$?
[ $rc -eq 66 ] || fail "linked, check_free=1: exit $rc, expected 66"
grep -q 'WARNING: held lock freed!' "$T/both.err" || fail "linked, check_free=1: no held lock freed report"
"$T/both" 2>"$T/off.err"; rc=$?
grep -q 'held lock freed' "$T/off.err" && fail "linked, check_free=0: held lock freed reported"
ULOCKDEP_OPTIONS=check_free=1 "$T/rt_only" 2>"$T/rt.err"
grep -q 'libulockdep_free.so is not loaded' "$T/rt.err" || fail "rt only: no word about the missing library"
grep -q 'held lock freed' "$T/rt.err" && fail "rt only: held lock freed reported"

finish "libulockdep_free.so preloaded with check_free=1 only, and usable by linking"
