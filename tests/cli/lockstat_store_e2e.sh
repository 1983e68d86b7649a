#!/bin/sh
# lockstat_store_e2e.sh BUILD_DIR: lock statistics from a real program to the
# store and out again. Two threads hammer hot_lock (each holds it while
# sleeping, so the other waits), a third takes cold_lock alone, and main
# waits on a condition variable. `ulockdep run --lock-stat --graph=DB` twice:
# `ulockdep stats DB` shows hot_lock contended and first by total wait,
# cold_lock never contended, the figures of the second run added to the
# first's, the call site that waited named in --kernel's contentions lines,
# the condition variable's waits; `ulockdep graph --color=wait` shades
# hot_lock. Needs the runtime's option lock_stat: without it, the test fails
# and says so.
. "$(dirname "$0")/prelude.sh"

if ! "$U" options-markdown | grep -q 'lock_stat'; then
	fail "the runtime has no option lock_stat: this test needs the runtime side of lock statistics"
	finish "not run"
fi

cat >"$T/hot.c" <<'C'
#include <pthread.h>
#include <unistd.h>
#define ITER 200
pthread_mutex_t hot_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t cold_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;

__attribute__((noinline)) static void hammer_once(void)
{
	pthread_mutex_lock(&hot_lock);
	usleep(200);
	pthread_mutex_unlock(&hot_lock);
}

static void *hammer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITER; i++)
		hammer_once();
	return NULL;
}

static void *alone(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&cold_lock);
		pthread_mutex_unlock(&cold_lock);
	}
	return NULL;
}

static void *signaller(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cv_lock);
	ready = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&cv_lock);
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	/* main holds cv_lock until it waits: the signaller cannot be first. */
	pthread_mutex_lock(&cv_lock);
	pthread_create(&t[3], NULL, signaller, NULL);
	while (!ready)
		pthread_cond_wait(&cv, &cv_lock);
	pthread_mutex_unlock(&cv_lock);
	pthread_create(&t[0], NULL, hammer, NULL);
	pthread_create(&t[1], NULL, hammer, NULL);
	pthread_create(&t[2], NULL, alone, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return 0;
}
C
gcc -g -O0 -pthread -o "$T/hot" "$T/hot.c" || { echo "FAIL: build"; exit 1; }

DB="$T/ls.db"
"$U" run --lock-stat --graph="$DB" -- "$T/hot" 2>"$T/run1.err" ||
	fail "first run: status $?: $(cat "$T/run1.err")"
"$U" stats --format=json "$DB" >"$T/one.json" || fail "stats after one run"
"$U" run --lock-stat --graph="$DB" -- "$T/hot" 2>"$T/run2.err" ||
	fail "second run: status $?: $(cat "$T/run2.err")"
"$U" stats --format=json "$DB" >"$T/two.json" || fail "stats after two runs"
python3 -m json.tool "$T/two.json" >/dev/null || fail "stats --format=json is not JSON"

python3 - "$T/one.json" "$T/two.json" <<'PY' || fail "the figures in the store (above)"
import json, sys
one, two = (json.load(open(f))["lock_stat"] for f in sys.argv[1:])
assert one is not None, "no lock statistics in the store after a --lock-stat run"
def cls(ls, name):
    c = [x for x in ls["classes"] if x["class"]["name"] == name]
    assert c, (name, [x["class"]["name"] for x in ls["classes"]])
    return c[0]
hot1, hot2 = cls(one, "hot_lock"), cls(two, "hot_lock")
assert hot1["acquired"] >= 400, hot1
assert hot1["contended"] > 0 and hot1["wait_ns"]["total"] > 0, hot1
# Each hold sleeps 200 us: the hold time is at least that much per acquisition.
assert hot1["hold_ns"]["total"] >= 400 * 200 * 1000, hot1
assert hot1["contention_points"], hot1
cold = cls(one, "cold_lock")
assert cold["acquired"] >= 100 and cold["contended"] == 0, cold
assert cold["wait_ns"]["total"] == 0, cold
# Sorted by total wait: hot_lock first.
assert one["classes"][0]["class"]["name"] == "hot_lock", [x["class"]["name"] for x in one["classes"]]
# The second run's figures are added to the first's.
assert hot2["processes"] == 2 and one["processes"] == 1, (hot2, one["processes"])
assert hot2["acquired"] >= 2 * 400 and hot2["acquired"] > hot1["acquired"], (hot1, hot2)
assert hot2["wait_ns"]["total"] >= hot1["wait_ns"]["total"]
assert hot2["wait_ns"]["max"] >= hot1["wait_ns"]["max"]
conds = one["conds"]
assert conds and conds[0]["waits"] >= 1, conds
PY

"$U" stats "$DB" >"$T/stats.txt" || fail "stats"
first=$(sed -n '/^ class  *acquired/,/^$/p' "$T/stats.txt" | awk 'NR == 2 {print $1}')
[ "$first" = hot_lock ] || fail "stats: first class by total wait is '$first': $(cat "$T/stats.txt")"
"$U" stats --kernel "$DB" >"$T/kernel.txt" || fail "stats --kernel"
grep -q '^ *hot_lock:  *[1-9]' "$T/kernel.txt" || fail "--kernel: hot_lock's row: $(cat "$T/kernel.txt")"
grep -q '^ *hot_lock  *[1-9][0-9]*  *hammer_once [^ ]*hot.c:[0-9]' "$T/kernel.txt" ||
	fail "--kernel: no contention point in hammer_once: $(grep hot_lock "$T/kernel.txt")"
"$U" graph "$DB" --format=dot --color=wait >"$T/g.dot" || fail "graph --color=wait"
grep -q 'label="hot_lock", tooltip="[^"]*total wait [0-9.]* ms over [1-9][0-9]* contention[s]*", style="rounded,filled"' \
	"$T/g.dot" || fail "graph: hot_lock is not shaded: $(grep hot_lock "$T/g.dot")"

finish "ulockdep run --lock-stat --graph: figures stored, added across runs, shown by stats and graph"
