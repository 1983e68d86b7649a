#!/bin/sh
# report_exit.sh BUILD_DIR: exitcode, halt_on_error, stop_validating and
# report_max with a program that has three distinct problems
# (tests/report/multi.c: circular, bad unlock, held at exit).
. "$(dirname "$0")/prelude.sh"
gcc -O0 -g -pthread -o "$T/multi" "$SRC/tests/report/multi.c" || { echo "FAIL: gcc"; exit 1; }

# run NAME WANT_RC WANT_WARNINGS OPTIONS...
run() {
	name=$1 want_rc=$2 want_n=$3
	shift 3
	"$U" run "$@" -- "$T/multi" 1 say >"$T/$name.out" 2>"$T/$name.err"; rc=$?
	[ $rc -eq "$want_rc" ] || fail "$name: exit $rc, expected $want_rc"
	n=$(grep -c '^WARNING: ' "$T/$name.err")
	[ "$n" -eq "$want_n" ] || fail "$name: $n reports, expected $want_n"
}

run default 66 3
grep -q '^ulockdep: 3 distinct problems reported (3 hits)$' "$T/default.err" || fail "default: summary line"
run exitcode 3 3 --exitcode=3
run exitcode0 0 3 --exitcode=0
grep -q '^multi: done$' "$T/default.out" || fail "default: the program did not run to its end"
# halt_on_error ends the program at its first report, as the sanitizers do.
run halt 66 1 --halt-on-error
grep -q 'WARNING: possible circular locking dependency detected' "$T/halt.err" || fail "halt: the first report is not the circular one"
grep -q '^ulockdep: 1 distinct problem' "$T/halt.err" || fail "halt: no summary line"
[ -s "$T/halt.out" ] && fail "halt: the program ran on after the first report"
run halt_code 9 1 --halt-on-error --exitcode=9
# stop_validating stops checking and lets the program run on, as the kernel does.
run stop 66 1 --stop-validating
grep -q 'WARNING: possible circular locking dependency detected' "$T/stop.err" || fail "stop: the first report is not the circular one"
grep -q 'bad unlock' "$T/stop.err" && fail "stop: validation went on after the first report"
grep -q '^multi: done$' "$T/stop.out" || fail "stop: the program did not run to its end"
# A suppressed report is not "the first report": validation goes on to the
# next one, which is shown and then stops it.
printf 'deadlock:order_two_one\n' > "$T/supp"
run stop_supp 66 1 --stop-validating --suppressions="$T/supp"
grep -q 'WARNING: bad unlock balance detected!' "$T/stop_supp.err" ||
	fail "stop_supp: the report after the suppressed one is not shown"
grep -q 'still has locks held' "$T/stop_supp.err" &&
	fail "stop_supp: validation went on after the first shown report"
run halt_supp 66 1 --halt-on-error --suppressions="$T/supp"
grep -q 'WARNING: bad unlock balance detected!' "$T/halt_supp.err" ||
	fail "halt_supp: the report after the suppressed one is not shown"
[ -s "$T/halt_supp.out" ] && fail "halt_supp: the program ran on after the first shown report"
run max2 66 2 --report-max=2
grep -q '^  1x locks held at exit in keeper (m_kept) (not shown: report_max)$' "$T/max2.err" ||
	fail "max2: the third problem is not listed as not shown"
run max1_exit 5 1 --report-max=1 --exitcode=5
run nosummary 66 3 --no-summary
grep -q 'distinct problem' "$T/nosummary.err" && fail "nosummary: summary printed"

finish "exitcode, halt_on_error, stop_validating and report_max"
