#!/bin/sh
# glib_dlopen.sh BUILD_DIR: a program that is not linked with GLib loads a
# library that uses GLib with dlopen (RTLD_LOCAL), after start. The runtime
# finds libglib then, outside the global scope, and sees the library's
# GMutexes: the ABBA between a g_thread_new thread and the main thread is
# reported, at the library's lines. Natively the program runs clean.
. "$(dirname "$0")/prelude.sh"

cflags=$(pkg-config --cflags glib-2.0) && libs=$(pkg-config --libs glib-2.0) ||
	{ echo "FAIL: no glib-2.0 for pkg-config (Debian: libglib2.0-dev)"; exit 1; }
L=$SRC/tests/report/glib_dl_lib.c
# shellcheck disable=SC2086 # the flags are words
gcc -O0 -g -shared -fPIC $cflags -o "$T/libgdl.so" "$L" $libs &&
	gcc -O0 -g -o "$T/main" "$SRC/tests/report/dl_main.c" -ldl ||
	{ echo "FAIL: cannot build the test programs"; exit 1; }
ldd "$T/main" | grep -q libglib && fail "the program is linked with GLib"

"$T/main" "$T/libgdl.so" 2>"$T/native.err" || fail "natively: exit $?: $(cat "$T/native.err")"
"$U" run -- "$T/main" "$T/libgdl.so" 2>"$T/err"; rc=$?
[ $rc -eq 66 ] || fail "under ulockdep: exit $rc, expected 66"
grep -q '^WARNING: possible circular locking dependency detected' "$T/err" ||
	fail "no circular report"
line() { grep -n "MARK:$1" "$L" | cut -d: -f1; }
for m in forward_b backward_a; do
	grep -q "glib_dl_lib.c:$(line $m)" "$T/err" || fail "no site at glib_dl_lib.c:$(line $m) ($m)"
done
grep -q '(a){' "$T/err" || fail "class a not named"
grep -q '(b){' "$T/err" || fail "class b not named"
[ "$fails" -eq 0 ] || cat "$T/err"

finish "a GLib library loaded by dlopen is watched"
