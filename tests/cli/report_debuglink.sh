#!/bin/sh
# report_debuglink.sh BUILD_DIR: debug information in a separate file.
# A binary whose DWARF was moved out with objcopy --only-keep-debug and
# linked back with .gnu_debuglink, the debug file in a .debug folder beside
# it (where distributions' tools look first after /usr/lib/debug): the report
# still shows function+off/size file:line for its frames. With the debug file
# gone, it falls back to the symbol table without file:line, and does not
# crash.
. "$(dirname "$0")/prelude.sh"

A=$SRC/tests/report/abba_inline.c
L_bb=$(grep -n "MARK:bwd_b " "$A" | cut -d: -f1)
[ -n "$L_bb" ] || { echo "FAIL: MARK:bwd_b missing in $A"; exit 1; }

mkdir -p "$T/bin/.debug"
gcc -O0 -g -pthread -o "$T/bin/prog" "$A" || { echo "FAIL: gcc"; exit 1; }
objcopy --only-keep-debug "$T/bin/prog" "$T/bin/.debug/prog.debug" &&
	strip --strip-debug "$T/bin/prog" &&
	objcopy --add-gnu-debuglink="$T/bin/.debug/prog.debug" "$T/bin/prog" ||
	{ echo "FAIL: objcopy/strip"; exit 1; }
if readelf -S "$T/bin/prog" | grep -q debug_info; then
	fail "the binary still carries .debug_info"
fi

"$U" run -- "$T/bin/prog" >/dev/null 2>"$T/split.err"; rc=$?
[ $rc -eq 66 ] || fail "split debug: exit $rc, expected 66"
grep -q "backward+0x[0-9a-f]*/0x[0-9a-f]* .*abba_inline.c:$L_bb\$" "$T/split.err" ||
	fail "split debug: no 'backward+0xOFF/0xSIZE ...abba_inline.c:$L_bb' frame"

rm -f "$T/bin/.debug/prog.debug"
"$U" run -- "$T/bin/prog" >/dev/null 2>"$T/nodebug.err"; rc=$?
[ $rc -eq 66 ] || fail "debug file gone: exit $rc, expected 66"
grep -q "^       backward+0x[0-9a-f]*/0x[0-9a-f]*\$" "$T/nodebug.err" ||
	fail "debug file gone: no 'backward+0xOFF/0xSIZE' frame without file:line"

if [ $fails -ne 0 ]; then
	echo "--- with the debug file ---"; cat "$T/split.err"
	echo "--- without it ---"; cat "$T/nodebug.err"
fi
finish "frames named through a separate debug file, and without it"
