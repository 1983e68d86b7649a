#!/bin/sh
# class_user_rule.sh BUILD_DIR: the suppressions file's wrapper: and
# constructor: lines (docs/reports.md, "Suppressions"; the class rule is
# docs/design.md's "Lock classes"), with tests/report/class_user_rule.c:
#  - guard: a helper whose name does not say "lock" merges the locks made
#    through it into one class, a false cycle; wrapper:make_guard splits
#    them by caller and the report is gone;
#  - box: a constructor whose name says "mutex" is taken for a lock wrapper,
#    its objects split by caller and an inversion between them missed;
#    constructor:mutex_box_new makes them one class and it is reported;
#  - the lines are accepted by `ulockdep run` and match no report.
. "$(dirname "$0")/prelude.sh"
gcc -O0 -g -pthread -o "$T/prog" "$SRC/tests/report/class_user_rule.c" ||
	{ echo "FAIL: gcc"; exit 1; }

# run NAME ARG WANT_REPORTS [LINES...]: run the program's part ARG, with a
# suppressions file of LINES if any.
run() {
	name=$1 arg=$2 want_n=$3
	shift 3
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" >"$T/$name.supp"
		set -- --suppressions="$T/$name.supp" --print-suppressions
	fi
	"$U" run "$@" -- "$T/prog" "$arg" >/dev/null 2>"$T/$name.err"; rc=$?
	n=$(grep -c '^WARNING: ' "$T/$name.err")
	[ "$n" -eq "$want_n" ] || fail "$name: $n reports, expected $want_n: $(head -30 "$T/$name.err")"
	if [ "$want_n" -eq 0 ]; then want_rc=0; else want_rc=66; fi
	[ $rc -eq "$want_rc" ] || fail "$name: exit $rc, expected $want_rc"
}

run guard guard 1
grep -q '(make_guard@class_user_rule.c:' "$T/guard.err" ||
	fail "guard: the merged class is not make_guard's site: $(grep -m3 '^ *(' "$T/guard.err")"
run guard_wrapper guard 0 '# a lock wrapper whatever its name' 'wrapper:make_guard'
grep -q '^ulockdep: no suppression matched$' "$T/guard_wrapper.err" ||
	fail "guard_wrapper: a wrapper: line counted as a match"
run guard_anchored guard 0 'wrapper:^make_gu*$'
run guard_other guard 1 'wrapper:make_box'

run box box 0
run box_ctor box 1 'constructor:mutex_box_new'
grep -q '(mutex_box_new@class_user_rule.c:' "$T/box_ctor.err" ||
	fail "box_ctor: the class is not mutex_box_new's site"
# The first line that matches wins.
run box_first box 1 'constructor:mutex_box_*' 'wrapper:mutex_box_new'
run box_first2 box 0 'wrapper:mutex_box_new' 'constructor:mutex_box_*'

finish "wrapper: and constructor: lines decide what is a lock wrapper"
