#!/bin/sh
# report_handler_malloc.sh BUILD_DIR: a report made in a signal handler that
# interrupted malloc or free (tests/report/handler_malloc.c) neither hangs
# nor crashes the program, six runs in a row: each run exits with the
# report's status, within its time limit, and the report is complete, its
# frames named from the symbol tables (no libdw, which would call malloc);
# the record keeps the identity libdw gives.
. "$(dirname "$0")/prelude.sh"

gcc -O0 -g -pthread -o "$T/hm" "$SRC/tests/report/handler_malloc.c" ||
	{ echo "FAIL: cannot build handler_malloc.c"; exit 1; }
timeout 30 "$T/hm"; rc=$?
[ $rc -eq 0 ] || fail "native run: exit $rc, expected 0"

for i in 1 2 3 4 5 6; do
	timeout 30 "$U" run -- "$T/hm" >"$T/out" 2>&1; rc=$?
	if [ $rc -ne 66 ]; then
		fail "run $i: exit $rc, expected 66 (124: hung)"
		continue
	fi
	for text in "WARNING: inconsistent lock state" \
		"inconsistent {SIGUSR1-ON-W} -> {IN-SIGUSR1-W} usage." \
		"[in a SIGUSR1 handler] takes:" "(H){?...}-{3:3}, at: on_usr1+0x" \
		"{SIGUSR1-ON-W} state was registered at:" "stack backtrace:" \
		"1x inconsistent lock state in on_usr1 (H)"; do
		grep -qF -e "$text" "$T/out" || fail "run $i: no \"$text\" in: $(cat "$T/out")"
	done
	# The handler's frame, then the code it interrupted, down to main.
	sed -n '/^stack backtrace:/,$p' "$T/out" | grep -q '^ *main+0x' ||
		fail "run $i: the backtrace does not reach main: $(cat "$T/out")"
done

# The handler's report names classes from the symbol tables only; the
# process record, written after the handler, still gives H the identity
# that libdw makes (a local variable: with its file), not the poorer one.
mkdir "$T/rec"
ULOCKDEP_RECORD_DIR="$T/rec" LD_PRELOAD="$B/libulockdep.so" timeout 30 "$T/hm" >/dev/null 2>&1
grep -h '"name":"H"' "$T"/rec/*.rec | grep -q '"id":"static:H@handler_malloc.c","stable":true' ||
	fail "record: H's identity is not libdw's: $(grep -h '"name":"H"' "$T"/rec/*.rec)"

finish "reports made in a handler that interrupted malloc, 6 runs"
