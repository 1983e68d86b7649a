#!/bin/sh
# record_ends.sh BUILD_DIR: process records (docs/store.md, "Process
# records") from a program with an inversion that ends in every way:
#  - return from main, exit, _exit, _Exit: one record <pid>.<start>.rec,
#    state "exited" with the program's status, which the process keeps
#    (not exitcode's 66, as it gets without ULOCKDEP_RECORD_DIR);
#  - exec: the first image's record (state "exec", the report in it) and
#    the new image's <pid>.<start>.1.rec;
#  - SIGSEGV and abort: state "signal" with the signal, the process still
#    dies of it;
#  - SIGKILL after its report: the record written after the report is there
#    with the report and the two classes;
#  - dependencies learnt 0.2 s after the last record, then nothing more:
#    with record_interval=1 they are in the record when the process is
#    killed 2.5 s later (the refresher wrote them once the interval passed),
#    with record_interval=100 they are not yet; the refresher is a thread
#    named ulockdep-record with every signal blocked;
#  - fork: the child writes a record of its own, with its parent's pid;
#  - fork then exec at once: the child, which learnt nothing of its own,
#    writes no copy of its parent's record; the new image writes its own;
#  - format=sarif: no SARIF log from the process (the parent's job);
# every record passes tests/record/check_record.py (line types, order,
# fields, summary counts), and with no ULOCKDEP_RECORD_DIR nothing is
# written.
. "$(dirname "$0")/prelude.sh"
CHECK=$SRC/tests/record/check_record.py
LIB=$B/libulockdep.so
gcc -O0 -g -pthread -o "$T/ends" "$SRC/tests/record/ends.c" ||
	{ echo "FAIL: cannot build the test program"; exit 1; }

# run HOW [OPTIONS]: run ends HOW with records into a fresh $T/d.HOW; rc in $rc.
run() {
	D=$T/d.$1
	rm -rf "$D"
	mkdir "$D"
	ULOCKDEP_RECORD_DIR=$D ULOCKDEP_OPTIONS=${2:-} LD_PRELOAD=$LIB \
		"$T/ends" "$1" >"$T/out.$1" 2>"$T/err.$1"
	rc=$?
}

# field D EXPR: EXPR (python, over `r`, the single record of D as dumped).
field() {
	python3 "$CHECK" --dump "$1"/*.rec | python3 -c '
import json, sys
r = json.loads(sys.stdin.readline())
print(eval(sys.argv[1]))' "$2"
}

for how in return exit _exit _Exit; do
	case $how in
	return) want=5 ;; exit) want=4 ;; *) want=3 ;;
	esac
	run $how
	[ $rc -eq $want ] || fail "$how: exit status $rc, expected the program's $want"
	n=$(find "$D" -name '*.rec' | wc -l)
	[ "$n" -eq 1 ] || { fail "$how: $n records"; continue; }
	python3 "$CHECK" "$D"/*.rec || fail "$how: record does not follow the contract"
	f=$(basename "$D"/*.rec)
	pid=${f%%.*}
	start=$(echo "$f" | cut -d. -f2)
	echo "$f" | grep -Eq '^[0-9]+\.[0-9]+\.rec$' || fail "$how: file name $f"
	[ "$(field "$D" "r['process']['pid']")" = "$pid" ] || fail "$how: pid differs from the name"
	[ "$start" -gt 0 ] || fail "$how: start time $start"
	[ "$(field "$D" "r['process']['state'], r['process']['status']")" = "('exited', $want)" ] ||
		fail "$how: state/status $(field "$D" "r['process']['state'], r['process']['status']")"
	[ "$(field "$D" "sorted(c['name'] for c in r['classes'].values())")" = "['a', 'b']" ] ||
		fail "$how: classes $(field "$D" "[c['name'] for c in r['classes'].values()]")"
	# a -> b; b -> a closed the cycle, so it is in the report, not the graph.
	[ "$(field "$D" "[(r['classes'][str(x['from'])]['name'], r['classes'][str(x['to'])]['name']) for x in r['deps']], [x['kind'] for x in r['reports']]")" = "([('a', 'b')], ['circular'])" ] ||
		fail "$how: deps/reports $(field "$D" "len(r['deps']), r['reports']")"
	[ "$(field "$D" "r['process']['argv']")" = "['$T/ends', '$how']" ] ||
		fail "$how: argv $(field "$D" "r['process']['argv']")"
	[ "$(field "$D" "r['process']['program']")" = "$T/ends" ] || fail "$how: program"
	ls -a "$D" | grep -q '\.tmp$' && fail "$how: a temporary file is left"
done

# Without records, the report still turns the status into exitcode's.
LD_PRELOAD=$LIB "$T/ends" exit 2>/dev/null; rc=$?
[ $rc -eq 66 ] || fail "no records: exit status $rc, expected 66"

# A dependency's stack: the acquisition of its second lock, in pair().
[ "$(field "$T/d.return" "sorted(set(x['stack'][0]['func'] for x in r['deps']))")" = "['pair']" ] ||
	fail "dep stacks: $(field "$T/d.return" "r['deps']")"

run exec
[ $rc -eq 2 ] || fail "exec: exit status $rc, expected the new image's 2"
first=$(find "$D" -name '*.rec' | grep -E '/[0-9]+\.[0-9]+\.rec$')
second=$(find "$D" -name '*.1.rec')
if [ -z "$first" ] || [ -z "$second" ]; then
	fail "exec: records $(ls "$D")"
else
	python3 "$CHECK" "$first" "$second" || fail "exec: records do not follow the contract"
	[ "${first%.rec}.1.rec" = "$second" ] || fail "exec: $second is not $first's next image"
	python3 "$CHECK" --dump "$first" | grep -q '"state": "exec"' || fail "exec: first image's state"
	python3 "$CHECK" --dump "$first" | grep -q '"kind": "circular"' || fail "exec: first image lost its report"
	python3 "$CHECK" --dump "$second" | grep -q '"argv": \["sh", "-c", "exit 2"\]' ||
		fail "exec: second image's argv"
fi

for how in segv abort; do
	case $how in segv) sig=11 ;; abort) sig=6 ;; esac
	run $how
	[ $rc -eq $((128 + sig)) ] || fail "$how: exit status $rc, expected death by signal $sig"
	python3 "$CHECK" "$D"/*.rec || fail "$how: record does not follow the contract"
	[ "$(field "$D" "r['process']['state'], r['process']['status'], len(r['reports'])")" = "('signal', $sig, 1)" ] ||
		fail "$how: $(field "$D" "r['process']")"
done

# Killed with SIGKILL after its report: the record written after the report.
D=$T/d.kill
mkdir "$D"
ULOCKDEP_RECORD_DIR=$D LD_PRELOAD=$LIB "$T/ends" pause 2>"$T/err.kill" &
pid=$!
i=0
while ! grep -q 'possible circular' "$T/err.kill" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -KILL $pid
wait $pid 2>/dev/null
python3 "$CHECK" "$D"/*.rec || fail "SIGKILL: record does not follow the contract"
[ "$(field "$D" "r['process']['state'], len(r['classes']), len(r['deps']), len(r['reports'])")" = "('running', 2, 1, 1)" ] ||
	fail "SIGKILL: $(field "$D" "r['process'], r['summary']")"

# later INTERVAL: run `ends later`, kill it once it learnt c -> d; the
# record's deps.
later() {
	D=$T/d.later$1
	mkdir "$D"
	ULOCKDEP_RECORD_DIR=$D ULOCKDEP_OPTIONS=record_interval=$1 LD_PRELOAD=$LIB \
		"$T/ends" later >"$D.out" 2>/dev/null &
	pid=$!
	i=0
	while ! grep -q learnt "$D.out" && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 2.5
	# The refresher: a thread of its own, blocking every signal.
	for task in /proc/$pid/task/*; do
		[ "$(cat "$task/comm")" = ulockdep-record ] || continue
		# All but SIGKILL, SIGSTOP and glibc's two internal signals.
		blk=$(sed -n 's/^SigBlk:\t//p' "$task/status")
		[ "$blk" = fffffffe7ffbfeff ] && echo "$blk" >"$D.task"
	done
	kill -KILL $pid
	wait $pid 2>/dev/null
	python3 "$CHECK" "$D"/*.rec || fail "later: record does not follow the contract"
	field "$D" "sorted(r['classes'][str(x['from'])]['name'] + r['classes'][str(x['to'])]['name'] for x in r['deps'])"
}
deps=$(later 1)
[ "$deps" = "['ab', 'ac', 'cd']" ] || fail "record_interval=1: deps $deps"
[ -f "$T/d.later1.task" ] ||
	fail "record_interval=1: no ulockdep-record thread blocking every signal"
deps=$(later 100)
[ "$deps" = "['ab']" ] || fail "record_interval=100: deps $deps"

run fork
[ $rc -eq 0 ] || fail "fork: the child's status 7 did not reach its parent ($rc)"
n=$(find "$D" -name '*.rec' | wc -l)
[ "$n" -eq 2 ] || fail "fork: $n records, expected 2"
python3 "$CHECK" "$D"/*.rec || fail "fork: records do not follow the contract"
python3 "$CHECK" --dump "$D"/*.rec | python3 -c '
import json, sys
r = [json.loads(l) for l in sys.stdin]
parent = [x for x in r if x["process"]["status"] == 0]
child = [x for x in r if x["process"]["status"] == 7]
assert len(parent) == 1 and len(child) == 1, r
assert child[0]["process"]["ppid"] == parent[0]["process"]["pid"]
names = sorted(c["name"] for c in child[0]["classes"].values())
assert names == ["a", "b", "c", "d"], names
assert len(child[0]["reports"]) == 0, "the parent report is the parent'"'"'s"
' || fail "fork: parent and child records"

run forkexec
[ $rc -eq 0 ] || fail "forkexec: the child's status 7 did not reach its parent ($rc)"
python3 "$CHECK" "$D"/*.rec || fail "forkexec: records do not follow the contract"
[ "$(python3 "$CHECK" --dump "$D"/*.rec | python3 -c '
import json, sys
print(sorted((r["process"]["argv"][0].split("/")[-1], r["process"]["state"]) for r in map(json.loads, sys.stdin)))')" = "[('ends', 'exited'), ('sh', 'exited')]" ] ||
	fail "forkexec: records $(ls "$D")"

run exit format=sarif
grep -q '"version":"2.1.0"' "$T/err.exit" && fail "format=sarif: the process wrote a SARIF log"
[ $rc -eq 4 ] || fail "format=sarif: exit status $rc"
run exit format=json
grep -q '"kind":"circular"' "$T/err.exit" || fail "format=json: no JSON report on stderr"

LD_PRELOAD=$LIB "$T/ends" return 2>/dev/null
[ -z "$(find "$T" -name '*.rec' -newer "$T/err.exit")" ] || fail "records written without ULOCKDEP_RECORD_DIR"

finish "records at return, exit, _exit, _Exit, exec, SIGSEGV, abort, SIGKILL, record_interval, fork"
