#!/bin/sh
# `ulockdep graph`: the class graph of a store for Graphviz. The SVG of a
# cycle holds the cycle's classes, drawn in red, and each edge names its
# function and process; --around keeps a class's neighbourhood; without
# Graphviz's dot, --format=svg says what is missing.
# Usage: suite_graph.sh BUILD_DIR
. "$(dirname "$0")/prelude.sh"

MK="$SRC/tests/suite/mkrec.py"
python3 "$MK" "$T/ab.rec" 4242 /t/test_ab 'db_lock>cache_lock' 'x1>x2'
python3 "$MK" "$T/ba.rec" 4243 /t/test_ba 'cache_lock>db_lock'
"$U" merge "$T/g.db" "$T/ab.rec" "$T/ba.rec" || fail "merge"

"$U" graph "$T/g.db" --format=dot >"$T/g.dot"; rc=$?
[ $rc -eq 0 ] || fail "graph --format=dot: status $rc"
grep -q '^digraph ulockdep {$' "$T/g.dot" || fail "not a DOT graph"
grep -q 'label="db_lock", tooltip="id:db_lock", color=red' "$T/g.dot" ||
	fail "db_lock is not drawn as part of a cycle"
grep -q 'label="db_lock_then_cache_lock\\ntest_ab/4242", color=red' "$T/g.dot" ||
	fail "the cycle's edge does not name its function and process"
grep -q 'label="x1", tooltip="id:x1"];' "$T/g.dot" || fail "x1 missing or red"

if command -v dot >/dev/null 2>&1; then
	"$U" graph "$T/g.db" --format=svg >"$T/g.svg"; rc=$?
	[ $rc -eq 0 ] || fail "graph --format=svg: status $rc"
	grep -q '<svg' "$T/g.svg" || fail "no SVG"
	for c in db_lock cache_lock; do
		grep -q ">$c</text>" "$T/g.svg" || fail "the SVG lacks the class $c"
	done
	grep -q 'stroke="red"' "$T/g.svg" || fail "nothing red in the SVG"
else
	fail "Graphviz's dot is not installed (scripts/install-deps)"
fi

# --around: the class and its neighbours, not the rest.
"$U" graph "$T/g.db" --format=dot --around=x2 >"$T/a.dot" || fail "--around"
grep -q 'label="x1"' "$T/a.dot" || fail "--around=x2 lacks its neighbour x1"
grep -q 'label="db_lock"' "$T/a.dot" && fail "--around=x2 drew db_lock"
"$U" graph "$T/g.db" --format=dot --around=nothing >/dev/null 2>"$T/e"; rc=$?
[ $rc -eq 1 ] && grep -q "no class named 'nothing'" "$T/e" ||
	fail "--around=nothing: status $rc: $(cat "$T/e")"

# Without dot in PATH: a clear message, no output.
mkdir "$T/bin"
PATH="$T/bin" "$U" graph "$T/g.db" --format=svg >"$T/none.svg" 2>"$T/e"; rc=$?
[ $rc -eq 2 ] || fail "svg without dot: status $rc"
grep -q "needs Graphviz's 'dot' program" "$T/e" || fail "svg without dot: $(cat "$T/e")"
[ -s "$T/none.svg" ] && fail "svg without dot wrote something"
"$U" graph "$T/g.db" --format=png >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "--format=png: status $rc"

finish "graphs of a store: cycles in red, edges named, --around, no dot"
