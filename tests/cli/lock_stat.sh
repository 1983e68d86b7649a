#!/bin/sh
# lock_stat.sh BUILD_DIR: lock statistics (docs/lock-stat.md) on the known
# patterns of tests/report/lock_stat.c:
#  - two threads hammering lock_a contend on it (with contention and
#    contending points in lock_stat.c), lock_b taken by one thread at a time
#    never does;
#  - a lock held through a 50 ms sleep has a hold time of at least 50 ms, and
#    the wait counted for the thread that asked for it meanwhile is the wait
#    it measured itself (within 5 ms), no longer than the hold;
#  - a condition wait of 100 ms is counted as a wait of the condition, not as
#    a hold of its mutex;
#  - a lock released by another thread, and a lock held across fork() and
#    released in the child, get their hold times (each process its own table);
#  - rwlock reads are counted apart;
#  - every JSON output validates against docs/lock-stat-schema.json;
#  - the summary and the kernel table print the classes, sorted by wait;
#  - process records get stat and cond_stat lines and "stats" in the summary;
#  - with lock_stat off nothing of it is printed.
. "$(dirname "$0")/prelude.sh"
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import jsonschema' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "FAIL: python3 with jsonschema is needed (scripts/install-deps)"; exit 1; }

P=$T/prog
gcc -O1 -g -pthread -o "$P" "$SRC/tests/report/lock_stat.c" ||
	{ echo "FAIL: cannot build the test program"; exit 1; }

# json NAME MODE [OPTIONS...]: run with JSON statistics into $T/NAME.<pid>.
# (handoff is also a bad unlock balance for the validator: exitcode=0.)
json() {
	n=$1 m=$2
	shift 2
	"$U" run --lock-stat --lock-stat-format=json --exitcode=0 --log-path="$T/$n" "$@" \
		-- "$P" "$m" >"$T/$n.out" || fail "$m: exit status $?"
	mv "$T/$n.out" "$T/out-$n"
}

for m in contention sleep cond handoff fork read; do
	json $m $m
done
json inst contention --lock-stat=instance

"$PY" - "$SRC/docs/lock-stat-schema.json" "$T" <<'PY' || fail "JSON checks (above)"
import glob, json, os, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
T = sys.argv[2]
bad = 0
def check(what, ok):
    global bad
    if not ok:
        print("FAIL:", what)
        bad += 1
def load(path):
    objs = [json.loads(l) for l in open(path) if l.startswith('{"lock_stat"')]
    check(path + ": one lock_stat object", len(objs) == 1)
    jsonschema.validate(objs[0], schema)
    return objs[0]['lock_stat']
def one(mode):
    files = sorted(glob.glob(os.path.join(T, mode + ".*")))
    check(mode + ": one log", len(files) == 1)
    return load(files[0])
def cls(s, name):
    for c in s['classes']:
        if c['class']['name'] == name:
            return c
    check("class %s present" % name, False)
    return None
MS = 1000000

s = one("contention")
a, b = cls(s, "lock_a"), cls(s, "lock_b")
if a and b:
    check("lock_a acquired 100 times: %d" % a['acquired'], a['acquired'] == 100)
    check("lock_a contended: %d" % a['contended'], a['contended'] > 0)
    check("lock_a waited", a['wait_ns']['total'] > 0 and a['wait_ns']['max'] >= a['wait_ns']['min'] > 0)
    check("lock_a hold >= 1 ms each", a['hold_ns']['min'] >= MS and a['holds'] == 100)
    check("lock_a owner changes", a['owner_changes'] >= 2)
    pts = a['contention_points']
    check("lock_a contention point in hammer",
          pts and pts[0]['stack'] and pts[0]['stack'][0].get('func') == 'hammer'
          and pts[0]['stack'][0].get('file', '').endswith('lock_stat.c'))
    check("contention point counts add up", sum(p['count'] for p in pts) == a['contended'])
    check("lock_a contending point in hammer",
          a['contending_points'] and a['contending_points'][0]['stack'][0].get('func') == 'hammer')
    check("lock_b acquired 1000 times: %d" % b['acquired'], b['acquired'] == 1000)
    check("lock_b never contended: %d" % b['contended'], b['contended'] == 0 and b['wait_ns']['total'] == 0)
    check("lock_a sorted first", s['classes'][0]['class']['name'] == 'lock_a')
check("no instances without lock_stat=instance", s['instances'] == [])

i = one("inst")
check("instance figures", any(x['class']['name'] == 'lock_a' and x['acquired'] == 100 and x['address'].startswith('0x') for x in i['instances']))

s = one("sleep")
c = cls(s, "lock_s")
if c:
    check("lock_s held >= 50 ms: %d" % c['hold_ns']['max'], c['hold_ns']['max'] >= 50 * MS)
    # The waiter timed its own lock call: the wait counted lies inside it.
    seen = int(open(os.path.join(T, "out-sleep")).read().split()[1])
    check("lock_s waited %d, the waiter saw %d" % (c['wait_ns']['max'], seen),
          c['contended'] == 1 and 0 < c['wait_ns']['max'] <= seen and c['wait_ns']['max'] >= seen - 5 * MS)
    # The wait ends when the waiter runs again after the release: on a
    # loaded machine it outlasts the hold by the scheduler's delay.
    check("the wait is at most the hold and a wake-up: %d, %d" % (c['wait_ns']['max'], c['hold_ns']['max']),
          c['wait_ns']['max'] <= c['hold_ns']['max'] + 100 * MS)
    check("contending point: sleeper", c['contending_points'][0]['stack'][0].get('func') == 'sleeper')
    check("contention point: waiter", c['contention_points'][0]['stack'][0].get('func') == 'waiter')

s = one("cond")
c = cls(s, "lock_m")
if c:
    check("condition wait is not hold time: %d" % c['hold_ns']['max'], c['hold_ns']['max'] < 50 * MS)
    check("lock_m taken 3 times (one the wait's return): %d" % c['acquired'], c['acquired'] == 3)
check("one condition", len(s['conds']) == 1)
if s['conds']:
    k = s['conds'][0]
    check("condition waited >= 90 ms: %d" % k['wait_ns']['total'], k['waits'] == 1 and k['wait_ns']['total'] >= 90 * MS)
    check("condition signalled once", k['signals'] == 1 and k['broadcasts'] == 0 and k['timed_out'] == 0)
    check("condition named by its wait site: " + k['name'], k['name'].startswith('cond@lock_stat.c:') and k['id'].startswith('site:cond_waiter@'))

s = one("handoff")
c = cls(s, "lock_h")
if c:
    check("released by another thread: hold >= 20 ms", c['holds'] == 1 and c['hold_ns']['total'] >= 20 * MS)

files = sorted(glob.glob(os.path.join(T, "fork.*")))
check("fork: two logs", len(files) == 2)
figs = [cls(load(f), "lock_f") for f in files]
if len(files) == 2 and all(figs):
    parent = [f for f in figs if f['acquired'] == 1]
    child = [f for f in figs if f['acquired'] == 0]
    check("fork: the parent took it once", len(parent) == 1 and parent[0]['holds'] == 1)
    check("fork: the child counts only its release, >= 20 ms",
          len(child) == 1 and child[0]['holds'] == 1 and child[0]['hold_ns']['total'] >= 20 * MS)

s = one("read")
c = cls(s, "lock_rw")
if c:
    check("rwlock: 4 acquisitions, 3 reads", c['acquired'] == 4 and c['acquired_read'] == 3 and c['holds'] == 4)
sys.exit(1 if bad else 0)
PY

# The summary and the kernel's table.
"$U" run --lock-stat -- "$P" contention 2>"$T/sum" || fail "summary run: exit $?"
grep -q '^ulockdep: lock statistics: 2 lock classes taken, 1 contended' "$T/sum" ||
	fail "summary headline: $(cat "$T/sum")"
awk '/^class /{getline; print $1; exit}' "$T/sum" | grep -qx lock_a || fail "summary: lock_a first"
"$U" run --lock-stat --lock-stat-top=1 -- "$P" contention 2>"$T/sum1"
grep -q '^lock_b ' "$T/sum1" && fail "lock_stat_top=1 still shows lock_b"
"$U" run --lock-stat --lock-stat-format=kernel -- "$P" sleep 2>"$T/kern" >/dev/null || fail "kernel run: exit $?"
grep -q '^lock_stat version 0.4$' "$T/kern" || fail "kernel table: version line"
grep -q 'class name    con-bounces    contentions   waittime-min' "$T/kern" || fail "kernel table: header"
grep -Eq '^ +lock_s: +[0-9]+ +1 ' "$T/kern" || fail "kernel table: lock_s row with 1 contention"
grep -Eq '^ +lock_s +1 \[<[0-9a-f]+>\] waiter .*lock_stat.c:[0-9]+$' "$T/kern" || fail "kernel table: contention point"
grep -Eq '^ +lock_s +1 \[<[0-9a-f]+>\] sleeper .*lock_stat.c:[0-9]+$' "$T/kern" || fail "kernel table: contending point"
"$U" run --lock-stat=bogus -- true 2>"$T/bad" && fail "lock_stat=bogus accepted"
grep -q "option 'lock_stat' expects 0, 1 or instance" "$T/bad" || fail "lock_stat=bogus: $(cat "$T/bad")"

# Off: nothing.
"$U" run -- "$P" contention 2>"$T/off" || fail "off run: exit $?"
grep -q 'lock statistics\|lock_stat' "$T/off" && fail "lock_stat off printed statistics"

# Records.
mkdir "$T/rec"
ULOCKDEP_RECORD_DIR=$T/rec ULOCKDEP_OPTIONS=lock_stat=1:lock_stat_format=json:log_path=$T/reclog \
	LD_PRELOAD=$B/libulockdep.so "$P" cond || fail "record run: exit $?"
"$PY" - "$T"/rec/*.rec <<'PY' || fail "record lines (above)"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
kinds = [next(iter(o)) for o in lines]
stats = [o['stat'] for o in lines if 'stat' in o]
conds = [o['cond_stat'] for o in lines if 'cond_stat' in o]
summ = lines[-1]['summary']
ok = True
def check(what, c):
    global ok
    if not c:
        print("FAIL:", what)
        ok = False
check("summary stats = lines", summ.get('stats') == len(stats) + len(conds) and len(stats) >= 1)
last_dep = max([i for i, k in enumerate(kinds) if k == 'dep'], default=-1)
first_stat = min(i for i, k in enumerate(kinds) if k in ('stat', 'cond_stat'))
check("stat lines after the deps", first_stat > last_dep)
classes = {o['class']['n']: o['class']['name'] for o in lines if 'class' in o}
m = [s for s in stats if classes.get(s['class']) == 'lock_m']
check("lock_m stat line", len(m) == 1 and m[0]['acquired'] == 3 and set(m[0]) >= {'acquired_read', 'contended', 'owner_changes', 'wait_ns', 'hold_ns', 'contention_points', 'contending_points'})
check("cond_stat line", len(conds) == 1 and conds[0]['waits'] == 1 and conds[0]['id'].startswith('site:') and conds[0]['name'].startswith('cond@'))
sys.exit(0 if ok else 1)
PY
finish "lock statistics: contention, hold and wait times, condvars, handoff, fork, reads, JSON schema, tables, records"
