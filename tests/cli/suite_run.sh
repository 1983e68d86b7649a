#!/bin/sh
# `ulockdep run` checks the whole process tree: hand-written process records
# (tests/suite/mkrec.py, format v1) dropped into ULOCKDEP_RECORD_DIR stand for
# the processes. A cycle split over two processes is reported once, in the
# kernel's layout, each link naming its process; the exit status, the
# summary line, quiet=1, JSON and the one SARIF log of the run.
# The runtime is replaced by a library that records nothing (libm), so that
# only the hand-written records are seen.
# Usage: suite_run.sh BUILD_DIR
. "$(dirname "$0")/prelude.sh"

MK="$SRC/tests/suite/mkrec.py"
ULOCKDEP_LIB=$(find /lib /usr/lib /lib64 -name 'libm.so.6' 2>/dev/null | head -n 1)
export ULOCKDEP_LIB
[ -n "$ULOCKDEP_LIB" ] || fail "no libm.so.6 to stand in for the runtime"

python3 "$MK" "$T/ab.rec" 4242 /t/test_ab --argv "./test_ab --case 3" \
	'db_lock>cache_lock' || fail "mkrec.py"
python3 "$MK" "$T/ba.rec" 4243 /t/test_ba --argv "./test_ba" \
	'cache_lock>db_lock' 'cache_lock>log_lock' || fail "mkrec.py"
python3 "$MK" "$T/ok.rec" 4244 /t/test_ok 'a>b' 'b>c' || fail "mkrec.py"
python3 "$MK" "$T/self.rec" 4245 /t/test_self --report circular \
	'x_lock>y_lock' 'y_lock>x_lock' || fail "mkrec.py"

# drop FILE...: a command for `ulockdep run` that copies records into the
# record directory, then exits with $STATUS (0).
# shellcheck disable=SC2016 # expanded by the shell of the run
drop() {
	printf 'cp %s "$ULOCKDEP_RECORD_DIR"/ && exit %s' "$*" "${STATUS:-0}"
}

# --- an inversion split over two processes: one report naming both ---------
"$U" run -- sh -c "$(drop "$T/ab.rec" "$T/ba.rec" "$T/ok.rec")" 2>"$T/err"; rc=$?
[ $rc -eq 66 ] || fail "cross-process cycle: status $rc, expected 66 (exitcode)"
n=$(grep -c '^WARNING: possible circular locking dependency detected' "$T/err")
[ "$n" = 1 ] || fail "cross-process cycle: $n reports, expected 1"
grep -q '^ulockdep 0\.[0-9.]* across 2 processes$' "$T/err" ||
	fail "no ident line naming 2 processes"
grep -q '^       \[learnt by test_ab/4242: \./test_ab --case 3\]$' "$T/err" ||
	fail "the link of test_ab does not name its process"
grep -q '^       \[learnt by test_ba/4243: \./test_ba\]$' "$T/err" ||
	fail "the link of test_ba does not name its process"
grep -q '^-> #1 (.*_lock){+...}-{3:3}:$' "$T/err" || fail "no kernel-format link #1"
grep -q '^       db_lock_then_cache_lock db_lock\.c:10$' "$T/err" ||
	fail "the stack of the db_lock -> cache_lock dependency is missing"
grep -q '^ \*\*\* DEADLOCK \*\*\*$' "$T/err" || fail "no scenario"
grep -q '^ulockdep: 3 processes, 6 lock classes, 5 dependencies, 5 chains checked; 1 problem reported$' \
	"$T/err" || fail "summary line: $(tail -n 1 "$T/err")"
# The record directory (in TMPDIR) is removed afterwards.
mkdir "$T/tmp"
TMPDIR="$T/tmp" "$U" run -- sh -c "$(drop "$T/ab.rec")" 2>/dev/null
[ -z "$(ls -A "$T/tmp")" ] || fail "record directory left: $(ls -A "$T/tmp")"

# --- a cycle that one process learnt whole is that process's to report -----
"$U" run -- sh -c "$(drop "$T/self.rec")" 2>"$T/err"; rc=$?
grep -q 'circular locking' "$T/err" && fail "a one-process cycle was reported again"
[ $rc -eq 66 ] || fail "a process's own report: status $rc, expected 66"
grep -q '; 1 problem reported$' "$T/err" || fail "the process's report is not counted"

# --- the summary lists the processes' reports (a harness may hide their
# stderr): one line per distinct report, naming a process and the rest ------
python3 "$MK" "$T/self2.rec" 4246 /t/test_self2 --report circular \
	--signature "$(printf '%016x' $((4245 * 7919)))" 'x_lock>y_lock' || fail "mkrec.py"
python3 "$MK" "$T/bal.rec" 4247 /t/test_bal --report unlock_balance 'p>q' || fail "mkrec.py"
"$U" run -- sh -c "$(drop "$T/self.rec" "$T/self2.rec" "$T/bal.rec")" 2>"$T/err"; rc=$?
[ $rc -eq 66 ] || fail "report list: status $rc, expected 66"
grep -q '; 3 problems reported$' "$T/err" || fail "report list: $(cat "$T/err")"
[ "$(grep -c '^ulockdep:   ' "$T/err")" = 2 ] || fail "report list: not two lines: $(cat "$T/err")"
grep -q '^ulockdep:   circular: possible deadlock in main, reported by test_self/4245: .* and 1 more process$' \
	"$T/err" || fail "report list: the circular line: $(cat "$T/err")"
grep -q '^ulockdep:   unlock_balance: possible deadlock in main, reported by test_bal/4247: ' \
	"$T/err" || fail "report list: the unlock_balance line: $(cat "$T/err")"
"$U" run --quiet -- sh -c "$(drop "$T/self.rec")" 2>"$T/err"
grep -q '^ulockdep:   ' "$T/err" && fail "quiet=1 still lists the reports"

# --- the same records twice in one tree: still one report ------------------
cp "$T/ab.rec" "$T/ab2.rec"
"$U" run -- sh -c "$(drop "$T/ab.rec" "$T/ab2.rec" "$T/ba.rec")" 2>"$T/err"
n=$(grep -c '^WARNING: possible circular' "$T/err")
[ "$n" = 1 ] || fail "records given twice: $n reports, expected 1"
grep -q 'learnt by test_ab/4242: ./test_ab --case 3, and 1 more process\]' "$T/err" ||
	fail "a link learnt by two processes does not say so"

# --- readers: two read acquisitions pass each other --------------------------
python3 "$MK" "$T/r1.rec" 4260 /t/r1 'ra>>rb'
python3 "$MK" "$T/r2.rec" 4261 /t/r2 'rb>>ra'
python3 "$MK" "$T/w1.rec" 4262 /t/w1 'ra>rb'
"$U" run -- sh -c "$(drop "$T/r1.rec" "$T/r2.rec")" 2>"$T/err"; rc=$?
[ $rc -eq 0 ] || fail "readers only: status $rc, expected 0"
grep -q 'circular' "$T/err" && fail "a cycle of read acquisitions was reported"
"$U" run -- sh -c "$(drop "$T/w1.rec" "$T/r2.rec")" 2>"$T/err"
grep -q '^  rlock(rb);$' "$T/err" || fail "a writer against readers: no report with rlock: $(cat "$T/err")"

# --- exit status -------------------------------------------------------------
"$U" run -- sh -c 'exit 3' 2>/dev/null; rc=$?
[ $rc -eq 3 ] || fail "clean tree: status $rc, expected the child's 3"
STATUS=3 "$U" run -- sh -c "$(STATUS=3 drop "$T/ab.rec" "$T/ba.rec")" 2>/dev/null; rc=$?
[ $rc -eq 66 ] || fail "cycle, child exits 3: status $rc, expected 66"
"$U" run --exitcode=0 -- sh -c "$(STATUS=3 drop "$T/ab.rec" "$T/ba.rec")" 2>/dev/null; rc=$?
[ $rc -eq 3 ] || fail "exitcode=0: status $rc, expected the child's 3"
"$U" run --exitcode=9 -- sh -c "$(drop "$T/ab.rec" "$T/ba.rec")" 2>/dev/null; rc=$?
[ $rc -eq 9 ] || fail "exitcode=9: status $rc"
# A child inside the tree keeps its own status: the shell sees 3, not 66.
"$U" run -- sh -c "sh -c '$(STATUS=3 drop "$T/ab.rec" "$T/ba.rec")'; echo inner=\$?" \
	>"$T/out" 2>/dev/null
grep -q '^inner=3$' "$T/out" || fail "a child's own status was changed: $(cat "$T/out")"

# --- summary line and quiet=1 ------------------------------------------------
"$U" run -- true 2>"$T/err"
grep -q '^ulockdep: 0 processes, 0 lock classes, 0 dependencies, 0 chains checked; no problems$' \
	"$T/err" || fail "clean run: summary line: $(cat "$T/err")"
"$U" run --quiet -- true 2>"$T/err"
[ -s "$T/err" ] && fail "quiet=1 printed: $(cat "$T/err")"
ULOCKDEP_OPTIONS=quiet=1 "$U" run -- sh -c "$(drop "$T/ok.rec")" 2>"$T/err"
[ -s "$T/err" ] && fail "ULOCKDEP_OPTIONS=quiet=1 printed: $(cat "$T/err")"

# --- format=json: the cycle and the run's figures, one object a line --------
"$U" run --format=json -- sh -c "$(drop "$T/ab.rec" "$T/ba.rec")" 2>"$T/err"
python3 - "$T/err" <<'PY' || fail "format=json output"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cyc = [o for o in objs if o.get("kind") == "circular"]
run = [o for o in objs if o.get("kind") == "run"]
assert len(cyc) == 1 and cyc[0]["cross_process"], objs
assert {l["learnt_by"]["pid"] for l in cyc[0]["chain"]} == {4242, 4243}
assert len(run) == 1 and run[0]["processes"] == 2 and run[0]["problems"] == 1, run
PY

# --- format=sarif: one log for the tree, reports and cycles, figures --------
"$U" run --format=sarif -- sh -c "$(drop "$T/ab.rec" "$T/ba.rec" "$T/self.rec")" \
	2>"$T/err"; rc=$?
[ $rc -eq 66 ] || fail "format=sarif: status $rc"
python3 - "$T/err" <<'PY' || fail "format=sarif: not one log with both results"
import json, sys
log = json.load(open(sys.argv[1]))
run = log["runs"][0]
res = run["results"]
assert len(log["runs"]) == 1 and len(res) == 2, res
assert {r["ruleId"] for r in res} == {"circular"}
cross = [r for r in res if r.get("properties", {}).get("crossProcess")]
assert len(cross) == 1
fp = cross[0]["partialFingerprints"]["ulockdepSignature/v1"]
assert len(fp) == 16
assert run["properties"]["processes"] == 3 and run["properties"]["problems"] == 2
assert run["properties"]["lockClasses"] == 5
PY
# A child killed by SIGKILL after its report: the log has the report.
"$U" run --format=sarif -- sh -c "cp $T/self.rec \"\$ULOCKDEP_RECORD_DIR\"/; kill -9 \$\$" \
	2>"$T/err"; rc=$?
[ $rc -eq 66 ] || fail "SIGKILLed child with a report: status $rc, expected 66"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]["results"]; assert len(r)==1, r' \
	"$T/err" || fail "SIGKILLed child: the SARIF log lacks its report: $(cat "$T/err")"
# A hung tree killed by a timer (SIGTERM to ulockdep run, as timeout(1)
# sends): passed on to the program, then the log of what was recorded.
"$U" run --format=sarif -- sh -c \
	"cp $T/ab.rec $T/ba.rec \"\$ULOCKDEP_RECORD_DIR\"/ && touch $T/ready && exec sleep 60" \
	2>"$T/err" &
up=$!
k=0
while [ ! -e "$T/ready" ] && [ $k -lt 300 ]; do
	sleep 0.1
	k=$((k + 1))
done
kill -TERM $up
wait $up; rc=$?
[ $rc -eq 66 ] || fail "timer: status $rc, expected 66"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]["results"]; assert len(r)==1, r' \
	"$T/err" || fail "timer: the SARIF log lacks the cycle: $(cat "$T/err")"
# log_path: the run's output goes to PATH.<pid of ulockdep run>.
"$U" run --format=sarif --log-path="$T/log" -- sh -c "$(drop "$T/ab.rec" "$T/ba.rec")" \
	2>"$T/err"
set -- "$T"/log.*
[ $# -eq 1 ] && [ -f "$1" ] || fail "log_path: expected one log file, found: $*"
[ -f "$1" ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" ||
	fail "log_path: the SARIF log is not JSON"

# --- unreadable records: named, and the status is not 0 ----------------------
python3 "$MK" "$T/trunc.rec" 4250 /t/x --truncate 'a>b'
python3 "$MK" "$T/new.rec" 4251 /t/y --version 2 'a>b'
"$U" run -- sh -c "$(drop "$T/trunc.rec" "$T/new.rec")" 2>"$T/err"; rc=$?
[ $rc -eq 2 ] || fail "unreadable records: status $rc, expected 2"
grep -q 'unreadable process record: .*trunc.rec: truncated record' "$T/err" ||
	fail "truncated record not named: $(cat "$T/err")"
grep -q 'new.rec: record format version 2 is newer than this ulockdep reads' "$T/err" ||
	fail "newer record not named: $(cat "$T/err")"

finish "cross-process cycles reported once by ulockdep run; status, summary, JSON, SARIF"
