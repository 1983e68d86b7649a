#!/bin/sh
# The store (graph=FILE) and the commands on it: a later run is checked
# against what earlier runs learnt, a cycle is reported once per store,
# eight runs writing one store at once lose nothing, a writer killed in the
# middle of a write leaves the store as it was, `merge`, `check` (text, JSON,
# SARIF) and `stats`; damaged, truncated, foreign and newer stores and
# records get a clear error and never a crash.
# Usage: suite_store.sh BUILD_DIR
. "$(dirname "$0")/prelude.sh"

MK="$SRC/tests/suite/mkrec.py"
ULOCKDEP_LIB=$(find /lib /usr/lib /lib64 -name 'libm.so.6' 2>/dev/null | head -n 1)
export ULOCKDEP_LIB

python3 "$MK" "$T/ab.rec" 4242 /t/test_ab 'db_lock>cache_lock'
python3 "$MK" "$T/ba.rec" 4243 /t/test_ba 'cache_lock>db_lock'
python3 "$MK" "$T/ok.rec" 4244 /t/test_ok 'a>b' 'b>c'

# shellcheck disable=SC2016 # expanded by the shell of the run
drop() {
	printf 'cp %s "$ULOCKDEP_RECORD_DIR"/' "$*"
}
G="$T/g.db"

# --- two separate runs sharing a store: the second closes the cycle --------
"$U" run --graph="$G" -- sh -c "$(drop "$T/ab.rec")" 2>"$T/err1"; rc=$?
[ $rc -eq 0 ] || fail "first half: status $rc: $(cat "$T/err1")"
grep -q 'circular' "$T/err1" && fail "first half alone was reported"
"$U" run --graph="$G" -- sh -c "$(drop "$T/ba.rec")" 2>"$T/err2"; rc=$?
[ $rc -eq 66 ] || fail "second half: status $rc, expected 66"
n=$(grep -c '^WARNING: possible circular locking dependency detected' "$T/err2")
[ "$n" = 1 ] || fail "second half: $n reports, expected 1"
grep -q '\[learnt by test_ab/4242: /t/test_ab (an earlier run)\]' "$T/err2" ||
	fail "the earlier run's link is not named: $(cat "$T/err2")"
grep -q '\[learnt by test_ba/4243: /t/test_ba\]' "$T/err2" ||
	fail "this run's link is not named"
grep -q '^ulockdep: 1 process, 2 lock classes, 1 dependency, 1 chain checked; 1 problem reported$' \
	"$T/err2" || fail "summary line of the second run: $(tail -n 1 "$T/err2")"

# --- the same program again: no duplicate report ----------------------------
"$U" run --graph="$G" -- sh -c "$(drop "$T/ba.rec")" 2>"$T/err3"; rc=$?
grep -q 'circular' "$T/err3" && fail "the same run twice: reported again"
[ $rc -eq 0 ] || fail "the same run twice: status $rc, expected 0"
grep -q 'no problems (1 cycle reported by an earlier run)$' "$T/err3" ||
	fail "the known cycle is not mentioned: $(cat "$T/err3")"

# --- check: every cycle the store holds --------------------------------------
"$U" check "$G" >"$T/check"; rc=$?
[ $rc -eq 1 ] || fail "check: status $rc, expected 1"
[ "$(grep -c '^WARNING: possible circular' "$T/check")" = 1 ] || fail "check: not one report"
grep -q '^ulockdep: 3 processes in 3 runs, 2 lock classes, 2 dependencies, 3 chains checked; 1 problem$' \
	"$T/check" || fail "check summary: $(tail -n 1 "$T/check")"
"$U" check --format=json "$G" >"$T/check.json" || true
python3 - "$T/check.json" <<'PY' || fail "check --format=json"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert [o.get("kind") for o in objs[:-1]] == ["circular"], objs
assert objs[-1]["check"]["cycles"] == 1 and objs[-1]["check"]["runs"] == 3
PY
"$U" check --format=sarif "$G" >"$T/check.sarif" || true
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]; assert len(r["results"])==1 and r["properties"]["processes"]==3' \
	"$T/check.sarif" || fail "check --format=sarif"
"$U" check --format=xml "$G" 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "check --format=xml: status $rc, expected 2"
python3 "$MK" "$T/ok2.rec" 1 /t/ok 'p>q'
"$U" check "$T/ok2.rec" >/dev/null; rc=$?
[ $rc -eq 0 ] || fail "check of a clean record: status $rc"

# --- stats: /proc/lockdep_stats figures and the class list -----------------
"$U" stats "$G" >"$T/stats" || fail "stats failed"
grep -q '^ lock-classes: *2$' "$T/stats" || fail "stats: lock-classes"
grep -q '^ direct dependencies: *2$' "$T/stats" || fail "stats: direct dependencies"
grep -q '^ cycles across processes: *1$' "$T/stats" || fail "stats: cycles"
grep -q '^all lock classes:$' "$T/stats" || fail "stats: no class list"
grep -q '^[0-9a-f]\{16\} FD:    1 BD:    1 +...: db_lock$' "$T/stats" ||
	fail "stats: db_lock's line: $(grep db_lock "$T/stats")"
grep -q '^ -> \[[0-9a-f]\{16\}\] cache_lock$' "$T/stats" || fail "stats: no direct edge line"

# --- merge: shards into one store; merging twice adds nothing ---------------
"$U" merge "$T/s1.db" "$T/ab.rec" || fail "merge of a record"
"$U" merge "$T/s2.db" "$T/ba.rec" "$T/ok.rec" || fail "merge of two records"
"$U" check "$T/s1.db" >/dev/null; rc=$?
[ $rc -eq 0 ] || fail "one shard alone: status $rc"
"$U" merge "$T/all.db" "$T/s1.db" "$T/s2.db" || fail "merge of stores"
"$U" merge "$T/all.db" "$T/s1.db" "$T/s2.db" || fail "merge of stores, again"
"$U" check "$T/all.db" >"$T/all"; rc=$?
[ $rc -eq 1 ] || fail "merged shards: status $rc, expected 1"
grep -q '^ulockdep: 3 processes in 3 runs, 5 lock classes, 4 dependencies' "$T/all" ||
	fail "merged twice: $(tail -n 1 "$T/all")"
"$U" check "$T/s1.db" "$T/s2.db" >/dev/null; rc=$?
[ $rc -eq 1 ] || fail "check of two shards: status $rc, expected 1"

# --- eight runs writing one store at once: every dependency kept -----------
i=0
while [ $i -lt 8 ]; do
	deps=""
	j=0
	while [ $j -lt 40 ]; do
		deps="$deps r${i}_$j>r${i}_$((j + 1))"
		j=$((j + 1))
	done
	# shellcheck disable=SC2086 # one word per dependency
	python3 "$MK" "$T/par$i.rec" $((5000 + i)) /t/par$i $deps
	i=$((i + 1))
done
i=0
pids=""
while [ $i -lt 8 ]; do
	"$U" run --quiet --graph="$T/par.db" -- sh -c "$(drop "$T/par$i.rec")" &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do
	wait "$p" || fail "a concurrent run failed"
done
"$U" stats "$T/par.db" >"$T/par" || fail "stats of the concurrent store"
grep -q '^ direct dependencies: *320$' "$T/par" ||
	fail "concurrent runs lost dependencies: $(grep 'direct dep' "$T/par")"
grep -q '^ processes: *8$' "$T/par" || fail "concurrent runs lost processes"

# --- a writer killed in the middle of a write -------------------------------
cp "$G" "$T/k.db"
"$U" check "$T/k.db" >"$T/k.before"
mkfifo "$T/fifo"
sqlite3 "$T/k.db" <"$T/fifo" >/dev/null 2>&1 &
sq=$!
exec 3>"$T/fifo"
cat >&3 <<'SQL'
PRAGMA cache_size = 1;
BEGIN IMMEDIATE;
DELETE FROM dep_process;
DELETE FROM dep;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO class(identity, name) SELECT 'junk' || i, 'junk' FROM n;
SELECT 'written';
SQL
k=0
while [ ! -s "$T/k.db-journal" ] && [ $k -lt 300 ]; do
	sleep 0.1
	k=$((k + 1))
done
sleep 0.5
kill -9 $sq
wait $sq 2>/dev/null
exec 3>&-
[ -s "$T/k.db-journal" ] || fail "the killed writer left no journal (the test did not kill it mid-write)"
"$U" check "$T/k.db" >"$T/k.after"; rc=$?
[ $rc -eq 1 ] || fail "store of a killed writer: status $rc, expected 1"
cmp -s "$T/k.before" "$T/k.after" || fail "store of a killed writer: not as before: $(diff "$T/k.before" "$T/k.after")"

# --- damaged, truncated, foreign and newer stores: clear errors -------------
# clean_error CMD... : exits 1 or 2 (not a signal) with one ulockdep: line.
clean_error() {
	"$@" >/dev/null 2>"$T/e"
	rc=$?
	if [ $rc -ne 1 ] && [ $rc -ne 2 ]; then
		fail "$*: status $rc: $(cat "$T/e")"
	elif ! grep -q "^ulockdep.*: .*$WANT" "$T/e"; then
		fail "$*: no message with '$WANT': $(cat "$T/e")"
	fi
}
head -c 3000 "$G" >"$T/trunc.db"
WANT='damaged\|malformed' clean_error "$U" check "$T/trunc.db"
cp "$G" "$T/bad.db"
size=$(stat -c %s "$T/bad.db")
dd if=/dev/urandom of="$T/bad.db" bs=1024 seek=4 count=$(((size - 4096) / 1024)) \
	conv=notrunc 2>/dev/null
WANT='damaged\|malformed' clean_error "$U" check "$T/bad.db"
cp "$G" "$T/newer.db"
sqlite3 "$T/newer.db" 'PRAGMA user_version = 3'
WANT='format version 3 is newer than this ulockdep reads' clean_error "$U" check "$T/newer.db"
WANT='newer' clean_error "$U" run --graph="$T/newer.db" -- true
WANT='newer' clean_error "$U" merge "$T/newer.db" "$T/ab.rec"
sqlite3 "$T/other.db" 'CREATE TABLE t(x)'
WANT='not a ulockdep store' clean_error "$U" check "$T/other.db"
head -c 5000 /dev/urandom >"$T/noise"
WANT='neither a ulockdep store nor a process record' clean_error "$U" check "$T/noise"
WANT='not a ulockdep store' clean_error "$U" run --graph="$T/noise" -- true
: >"$T/empty.db"
WANT='empty' clean_error "$U" check "$T/empty.db"
WANT='No such file' clean_error "$U" check "$T/missing.db"
python3 "$MK" "$T/t.rec" 1 /t/t --truncate 'a>b'
WANT='truncated record' clean_error "$U" check "$T/t.rec"
python3 "$MK" "$T/v.rec" 1 /t/t --version 7 'a>b'
WANT='record format version 7 is newer' clean_error "$U" check "$T/v.rec"
printf '{"process":{"version":1,"pid":1}}\n{"dep":{"from":1,"to":2}}\n' >"$T/d.rec"
WANT='class 1, which the record does not list' clean_error "$U" merge "$T/d.db" "$T/d.rec"
printf '{"process":{"version":1,"pid":1}}\n{"class":{"n":1,"id":"x"' >"$T/j.rec"
WANT='not JSON' clean_error "$U" check "$T/j.rec"

finish "the store accumulates runs, once per cycle; merge, check, stats; damaged inputs refused"
