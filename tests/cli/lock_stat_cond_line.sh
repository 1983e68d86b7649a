#!/bin/sh
# lock_stat_cond_line.sh BUILD_DIR: condition statistics are counted per
# wait call site and written to the process record by function and line;
# two sites on one line (tests/report/cond_one_line.c) give one cond_stat
# line of their sums (3 waits, 3 timed out), and the record is read.
. "$(dirname "$0")/prelude.sh"
P=$T/prog
gcc -O1 -g -pthread -o "$P" "$SRC/tests/report/cond_one_line.c" ||
	{ echo "FAIL: cannot build the test program"; exit 1; }
[ "$(objdump -d "$P" | grep -c 'call.*pthread_cond_timedwait')" -ge 2 ] ||
	fail "the program does not have two wait sites"

"$U" run --lock-stat --graph="$T/g.db" -- "$P" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] || fail "exit status $rc"
grep -q 'unreadable' "$T/err" && fail "record unreadable: $(grep unreadable "$T/err")"
grep -q '^ulockdep: 1 process, ' "$T/err" || fail "summary: $(tail -1 "$T/err")"
row=$(sqlite3 "$T/g.db" "SELECT waits, timed_out FROM cond_stat WHERE identity LIKE '%cond_one_line.c:%'")
[ "$row" = "3|3" ] || fail "cond_stat rows in the store: '$row' (expected one, 3|3)"
finish "lock_stat_cond_line"
