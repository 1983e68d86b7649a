#!/bin/sh
# ring_rule.sh BUILD_DIR: a `ring:CLASS` line of the suppressions file.
#  - a ring of one class's instances (tests/report/ring_cross.c) is reported
#    without it, with a hit at each turn of the ring;
#  - with it the ring is silent, and the class's instances are no longer
#    ordered: the rule is hit once, not at every turn;
#  - an inversion between that class and another class is still reported;
#  - a ring: line names the class of a one-class cycle only: naming the other
#    class of a two-class cycle silences nothing.
. "$(dirname "$0")/prelude.sh"
gcc -O0 -g -pthread -o "$T/ring" "$SRC/tests/report/ring_cross.c" || { echo "FAIL: gcc"; exit 1; }

# run NAME WANT_RC WANT_REPORTS SUPP_LINE ARGS...
run() {
	name=$1 want_rc=$2 want_n=$3 line=$4
	shift 4
	set -- --print-suppressions -- "$T/ring" "$@"
	if [ -n "$line" ]; then
		printf '%s\n' "$line" >"$T/$name.supp"
		set -- --suppressions="$T/$name.supp" "$@"
	fi
	"$U" run "$@" >/dev/null 2>"$T/$name.err"; rc=$?
	[ $rc -eq "$want_rc" ] || fail "$name: exit $rc, expected $want_rc"
	n=$(grep -c '^WARNING: ' "$T/$name.err")
	[ "$n" -eq "$want_n" ] || fail "$name: $n reports, expected $want_n"
}

run plain 66 1 ''
grep -q 'buffer_init@ring_cross.c:[0-9]* -> buffer_init@ring_cross.c' "$T/plain.err" ||
	fail "plain: the ring is not a cycle of the buffers' class"
hits=$(sed -n 's/.*distinct problem reported (\([0-9]*\) hits).*/\1/p' "$T/plain.err")
[ "${hits:-0}" -gt 5 ] || fail "plain: the ring was hit ${hits:-0} times, expected one per turn"

run ring 0 0 'ring:^buffer_init@ring_cross.c'
grep -q '^ *1 ring:^buffer_init@ring_cross.c$' "$T/ring.err" ||
	fail "ring: the rule is not listed as hit once (the instances are still ordered)"

run cross 66 1 'ring:^buffer_init@ring_cross.c' cross
grep -q 'possible deadlock in .*(registry -> buffer_init@ring_cross.c:[0-9]* -> registry)' "$T/cross.err" ||
	fail "cross: the inversion with registry is not reported"

run other 66 2 'ring:^registry$' cross
grep -q '^ulockdep: no suppression matched$' "$T/other.err" ||
	fail "other: a ring: line matched a two-class cycle"

finish "ring_rule"
