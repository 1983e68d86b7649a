#!/bin/sh
# free_lib.sh BUILD_DIR: free(), realloc() and munmap() are interposed by
# libulockdep_free.so, loaded unless check_free_held=0 and check_free=0.
#  - `ulockdep run` preloads it after the runtime by default, not with both
#    options off; it refuses to start when the library is missing next to the
#    runtime library with check_free=1, and warns by default;
#  - linked with -lulockdep -lulockdep_free, a program reports a held lock
#    freed by default and with check_free=1, and not with check_free_held=0;
#    linked with -lulockdep alone, the runtime says the library is missing
#    (check_free=1) and reports nothing.
. "$(dirname "$0")/prelude.sh"
unset LD_PRELOAD

pre=$("$U" run -- sh -c 'echo "$LD_PRELOAD"')
[ "$pre" = "$B/libulockdep.so:$B/libulockdep_free.so" ] || fail "default: LD_PRELOAD '$pre'"
pre=$(ULOCKDEP_OPTIONS=check_free_held=0 "$U" run -- sh -c 'echo "$LD_PRELOAD"')
[ "$pre" = "$B/libulockdep.so" ] || fail "check_free_held=0: LD_PRELOAD '$pre'"
pre=$("$U" run --check-free -- sh -c 'echo "$LD_PRELOAD"')
[ "$pre" = "$B/libulockdep.so:$B/libulockdep_free.so" ] || fail "check_free: LD_PRELOAD '$pre'"
pre=$(ULOCKDEP_OPTIONS=check_free=1 LD_PRELOAD="$B/libulockdep_free.so:/x.so" "$U" run -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)
[ "$pre" = "$B/libulockdep.so:$B/libulockdep_free.so:/x.so" ] || fail "check_free, nested: LD_PRELOAD '$pre'"

mkdir "$T/lib"
cp "$B/libulockdep.so" "$T/lib/"
ULOCKDEP_LIB="$T/lib/libulockdep.so" "$U" run --check-free -- true 2>"$T/err"; rc=$?
[ $rc -eq 2 ] || fail "free library missing: exit $rc, expected 2"
grep -q "check_free=1 needs $T/lib/libulockdep_free.so" "$T/err" || fail "free library missing: $(cat "$T/err")"
ULOCKDEP_LIB="$T/lib/libulockdep.so" "$U" run -- true 2>"$T/err" || fail "free library missing, default: exit $?"
grep -q "warning: no $T/lib/libulockdep_free.so next to the runtime library" "$T/err" ||
	fail "free library missing, default: no warning: $(cat "$T/err")"
ULOCKDEP_LIB="$T/lib/libulockdep.so" ULOCKDEP_OPTIONS=check_free_held=0 "$U" run -- true 2>"$T/err" ||
	fail "free library missing, not needed: exit $?"
grep -q "libulockdep_free" "$T/err" && fail "free library missing, not needed: $(cat "$T/err")"

P=$SRC/tests/scenarios/free_held.c
gcc -O0 -g -pthread -o "$T/both" "$P" -Wl,--no-as-needed -L"$B" -lulockdep -lulockdep_free -Wl,-rpath,"$B" &&
	gcc -O0 -g -pthread -o "$T/rt_only" "$P" -Wl,--no-as-needed -L"$B" -lulockdep -Wl,-rpath,"$B" ||
	{ echo "FAIL: cannot link the test program"; exit 1; }
ULOCKDEP_OPTIONS=check_free=1 "$T/both" 2>"$T/both.err"; rc=$?
[ $rc -eq 66 ] || fail "linked, check_free=1: exit $rc, expected 66"
grep -q 'WARNING: held lock freed!' "$T/both.err" || fail "linked, check_free=1: no held lock freed report"
"$T/both" 2>"$T/def.err"; rc=$?
[ $rc -eq 66 ] || fail "linked, default: exit $rc, expected 66"
grep -q 'WARNING: held lock freed!' "$T/def.err" || fail "linked, default: no held lock freed report"
ULOCKDEP_OPTIONS=check_free_held=0 "$T/both" 2>"$T/off.err"; rc=$?
grep -q 'held lock freed' "$T/off.err" && fail "linked, check_free_held=0: held lock freed reported"
ULOCKDEP_OPTIONS=check_free=1 "$T/rt_only" 2>"$T/rt.err"
grep -q 'libulockdep_free.so is not loaded' "$T/rt.err" || fail "rt only: no word about the missing library"
grep -q 'held lock freed' "$T/rt.err" && fail "rt only: held lock freed reported"

finish "libulockdep_free.so preloaded unless both free checks are off, and usable by linking"
