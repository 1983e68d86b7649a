#!/bin/sh
# report_small_stacks.sh BUILD_DIR: threads with 16, 64 and 128 KiB stacks
# each make a report (tests/report/small_stacks.c). The reports are made and
# symbolized in full (file and line, by libdw) without crashing the program:
# the runtime symbolizes on a stack of its own.
. "$(dirname "$0")/prelude.sh"

gcc -O0 -g -pthread -o "$T/ss" "$SRC/tests/report/small_stacks.c" ||
	{ echo "FAIL: cannot build small_stacks.c"; exit 1; }
timeout 30 "$T/ss" 16 64 128; rc=$?
[ $rc -eq 0 ] || fail "native run: exit $rc, expected 0"

for kib in 16 64 128; do
	timeout 60 "$U" run -- "$T/ss" "$kib" "$kib" >"$T/out" 2>&1; rc=$?
	[ $rc -eq 66 ] || fail "$kib KiB: exit $rc, expected 66 (139: crashed); $(tail -5 "$T/out")"
	n=$(grep -c "WARNING: possible circular locking dependency detected" "$T/out")
	[ "$n" -eq 2 ] || fail "$kib KiB: $n reports, expected 2"
	for i in 0 1; do
		grep -qF "(a[$i]){+...}-{3:3}, at: inverter+0x" "$T/out" ||
			fail "$kib KiB: no report on a[$i]: $(cat "$T/out")"
		grep -qF "1x possible deadlock in inverter (a[$i] -> b[$i] -> a[$i])" "$T/out" ||
			fail "$kib KiB: no summary line for a[$i]"
	done
	# Symbolized in full: the source file and line of the call.
	grep -qE "inverter\+0x[0-9a-f]+/0x[0-9a-f]+ .*small_stacks\.c:[0-9]+" "$T/out" ||
		fail "$kib KiB: frames without file:line: $(cat "$T/out")"
done

finish "reports from threads with 16 to 128 KiB stacks"
