#!/bin/sh
# report_suppress.sh BUILD_DIR: suppressions=FILE.
#  - a matching entry silences its report and the exit status (0), a
#    non-matching one changes nothing; deadlock:, lock:, unlock:, exit: each
#    match what docs/reports.md says; print_suppressions lists what matched;
#  - a malformed file is refused by `ulockdep run` with FILE:LINE and what is
#    wrong, exit 2, and the program is not started;
#  - the runtime preloaded by hand with a malformed file says why and keeps
#    reporting without suppressions.
. "$(dirname "$0")/prelude.sh"
gcc -O0 -g -pthread -o "$T/abba" "$SRC/tests/report/abba_inline.c" &&
	gcc -O0 -g -pthread -o "$T/multi" "$SRC/tests/report/multi.c" || { echo "FAIL: gcc"; exit 1; }

# supp NAME PROGRAM WANT_RC WANT_REPORTS LINES...: run PROGRAM with a file of LINES.
supp() {
	name=$1 prog=$2 want_rc=$3 want_n=$4
	shift 4
	printf '%s\n' "$@" >"$T/$name.supp"
	"$U" run --suppressions="$T/$name.supp" --print-suppressions -- "$T/$prog" >/dev/null 2>"$T/$name.err"; rc=$?
	[ $rc -eq "$want_rc" ] || fail "$name: exit $rc, expected $want_rc"
	n=$(grep -c '^WARNING: ' "$T/$name.err")
	[ "$n" -eq "$want_n" ] || fail "$name: $n reports, expected $want_n"
}

supp func abba 0 0 '# the known inversion' '' 'deadlock:backward'
grep -q '^ulockdep: suppressions used:$' "$T/func.err" || fail "func: no 'suppressions used' list"
grep -q '^ *1 deadlock:backward$' "$T/func.err" || fail "func: 'deadlock:backward' not listed with count 1"
grep -q 'distinct problem' "$T/func.err" && fail "func: a suppressed problem is in the summary"
supp file abba 0 0 'deadlock:*abba_inline.c'
supp inline abba 0 0 'deadlock:^take_b_inl$'
supp class abba 0 0 'lock:lock_?'
supp nomatch abba 66 1 'deadlock:no_such_function' 'lock:^lock$' 'unlock:backward' 'exit:backward'
grep -q '^ulockdep: no suppression matched$' "$T/nomatch.err" || fail "nomatch: print_suppressions silent"
supp anchored abba 66 1 'deadlock:^ackward'
supp some multi 66 1 'deadlock:order_two_one' 'unlock:release_unheld'
grep -q 'WARNING: .* still has locks held!' "$T/some.err" || fail "some: the held-at-exit report is gone"
supp all multi 0 0 'deadlock:order_two_one' 'unlock:release_unheld' 'exit:keeper'

# Malformed files: refused before the program runs.
bad() {
	name=$1 want=$2
	shift 2
	printf '%s\n' "$@" >"$T/$name.supp"
	rm -f "$T/ran"
	"$U" run --suppressions="$T/$name.supp" -- sh -c ": >'$T/ran'" >/dev/null 2>"$T/$name.err"; rc=$?
	[ $rc -eq 2 ] || fail "$name: exit $rc, expected 2"
	[ -e "$T/ran" ] && fail "$name: the program ran"
	grep -q -F -- "ulockdep: $T/$name.supp:$want" "$T/$name.err" ||
		fail "$name: expected 'ulockdep: $T/$name.supp:$want', got: $(cat "$T/$name.err")"
}
bad type "3: unknown suppression type 'race'" '# comment' 'deadlock:f' 'race:foo'
bad colon "2: missing ':' in 'deadlock foo'" '' 'deadlock foo'
bad empty "1: empty pattern after 'lock:'" 'lock:  '
bad anchors "2: empty pattern after 'deadlock:'" 'lock:x' 'deadlock:^$'
rm -f "$T/ran"
"$U" run --suppressions="$T/missing.supp" -- sh -c ": >'$T/ran'" 2>"$T/missing.err"; rc=$?
[ $rc -eq 2 ] || fail "missing file: exit $rc, expected 2"
[ -e "$T/ran" ] && fail "missing file: the program ran"
grep -q "^ulockdep: $T/missing.supp: cannot read suppressions: No such file or directory$" "$T/missing.err" ||
	fail "missing file: message: $(cat "$T/missing.err")"
"$U" run --format=xml -- /bin/true 2>"$T/fmt.err"; rc=$?
[ $rc -eq 2 ] || fail "format=xml: exit $rc, expected 2"
grep -q "option 'format' expects text, json or sarif, not 'xml'" "$T/fmt.err" || fail "format=xml: message"

# A relative path still works after the program changes directory.
mkdir "$T/sub" && printf 'deadlock:backward\n' >"$T/sub/rel.supp"
(cd "$T/sub" && "$U" run --suppressions=rel.supp -- sh -c "cd / && exec '$T/abba'") 2>"$T/rel.err"; rc=$?
[ $rc -eq 0 ] || fail "relative path: exit $rc, expected 0: $(head -5 "$T/rel.err")"

# The runtime alone, preloaded by hand: says why, validates without them.
lib=$(ls "$B"/libulockdep.so 2>/dev/null)
if [ -n "$lib" ]; then
	ULOCKDEP_OPTIONS="suppressions=$T/type.supp" LD_PRELOAD="$lib" "$T/abba" 2>"$T/rt.err"; rc=$?
	[ $rc -eq 66 ] || fail "runtime, bad file: exit $rc, expected 66"
	grep -q "^ulockdep: $T/type.supp:3: unknown suppression type 'race'.*; running without suppressions$" "$T/rt.err" ||
		fail "runtime, bad file: no message: $(head -3 "$T/rt.err")"
	grep -q '^WARNING: possible circular' "$T/rt.err" || fail "runtime, bad file: report missing"
else
	fail "libulockdep.so not found in $B"
fi

finish "suppressions silence what they match, malformed files are refused"
