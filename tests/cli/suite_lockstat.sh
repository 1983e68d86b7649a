#!/bin/sh
# Lock statistics in records and stores (option lock_stat; docs/store.md,
# "stat" and "cond_stat"; docs/suite.md): the figures of two processes merge
# (counts and totals add, maxima the max, contention points by site, the top
# 4 kept); a store keeps them across runs and adds; merging a store twice
# adds nothing; `ulockdep stats` prints them sorted by total wait, in the
# kernel's lock_stat columns with --kernel, and as JSON; `ulockdep graph
# --color=wait` shades classes; malformed lines and a summary that counts
# otherwise are refused with the file and line; a version 1 store is read,
# and gains the tables from its first writer.
# Usage: suite_lockstat.sh BUILD_DIR
. "$(dirname "$0")/prelude.sh"

MK="$SRC/tests/suite/mkrec.py"
ULOCKDEP_LIB=$(find /lib /usr/lib /lib64 -name 'libm.so.6' 2>/dev/null | head -n 1)
export ULOCKDEP_LIB

# Two processes of one program: pool_lock contended in both, db_lock in the
# first only (less wait, but listed first), log_lock never contended.
python3 "$MK" "$T/p1.rec" 101 /t/pool 'db_lock>pool_lock' 'log_lock' \
	--stat 'db_lock=500,10,1000000,90000,4000000,70000,8' \
	--point 'db_lock:contention=10,1000000,open_db db.c:12' \
	--stat 'pool_lock=100,10,2000000,300000,500000,20000,5,40' \
	--point 'pool_lock:contention=6,600000,pool_get pool.c:40' \
	--point 'pool_lock:contention=4,400000,pool_put pool.c:55' \
	--point 'pool_lock:contending=7,pool_grow pool.c:80' \
	--stat 'log_lock=3,0,0,0,900,400' \
	--cond 'site:pool.c:30=cond_init@pool.c:30,10,1,9,0,2000,500'
python3 "$MK" "$T/p2.rec" 102 /t/pool 'pool_lock' \
	--stat 'pool_lock=50,20,3000000,150000,100000,90000,7,10' \
	--point 'pool_lock:contention=5,100000,pool_put pool.c:55' \
	--point 'pool_lock:contention=3,50000,pool_a pool.c:61' \
	--point 'pool_lock:contention=2,40000,pool_b pool.c:62' \
	--point 'pool_lock:contention=1,30000,pool_c pool.c:63' \
	--point 'pool_lock:contending=2,pool_grow pool.c:80' \
	--cond 'site:pool.c:30=cond_init@pool.c:30,5,0,6,1,1000,700'

# --- two processes merged: sums, maxima, points by site --------------------
"$U" merge "$T/m.db" "$T/p1.rec" "$T/p2.rec" 2>"$T/e" || fail "merge: $(cat "$T/e")"
"$U" stats --format=json "$T/m.db" >"$T/m.json" || fail "stats --format=json failed"
python3 -m json.tool "$T/m.json" >/dev/null || fail "stats --format=json is not JSON"
python3 - "$T/m.json" <<'PY' || fail "merged figures (above)"
import json, sys
o = json.load(open(sys.argv[1]))
ls = o["lock_stat"]
assert ls["version"] == 1 and ls["processes"] == 2, ls["processes"]
names = [c["class"]["name"] for c in ls["classes"]]
assert names == ["pool_lock", "db_lock", "log_lock"], names
p = ls["classes"][0]
for k in ("class", "stable", "lock_kind", "processes", "acquired",
          "acquired_read", "contended", "owner_changes", "wait_ns", "hold_ns",
          "contention_points", "contending_points"):
    assert k in p, k
assert p["class"]["id"] == "id:pool_lock" and p["processes"] == 2
assert (p["acquired"], p["acquired_read"], p["contended"],
        p["owner_changes"]) == (150, 50, 30, 12), p
assert p["wait_ns"] == {"total": 5000000, "max": 300000, "mean": 166666}, p["wait_ns"]
assert p["hold_ns"] == {"total": 600000, "max": 90000, "mean": 4000}, p["hold_ns"]
pts = [(q["count"], q["wait_ns"], q["stack"][0]["func"]) for q in p["contention_points"]]
# pool_put's 4 + 5 merge into 9; pool_c (1) falls out of the top 4.
assert pts == [(9, 500000, "pool_put"), (6, 600000, "pool_get"),
               (3, 50000, "pool_a"), (2, 40000, "pool_b")], pts
cp = [(q["count"], q["stack"][0]["func"]) for q in p["contending_points"]]
assert cp == [(9, "pool_grow")], cp
assert "wait_ns" not in p["contending_points"][0]
c = ls["conds"]
assert len(c) == 1 and c[0]["id"] == "site:pool.c:30", c
assert (c[0]["name"], c[0]["processes"], c[0]["waits"], c[0]["timed_out"],
        c[0]["signals"], c[0]["broadcasts"]) == ("cond_init@pool.c:30", 2, 15, 1, 15, 1), c
assert c[0]["wait_ns"] == {"total": 3000, "max": 700, "mean": 200}, c
assert o["lockdep_stats"]["lock_classes"] == 3
assert o["lockdep_stats"]["processes"] == 2
PY

# --- the text views --------------------------------------------------------
"$U" stats "$T/m.db" >"$T/m.txt" || fail "stats failed"
grep -q '^ lock-classes: *3$' "$T/m.txt" || fail "stats: the lockdep_stats figures went"
grep -q '^lock statistics (3 classes from 2 processes, sorted by total wait; times in ms):$' \
	"$T/m.txt" || fail "stats: no lock statistics heading: $(cat "$T/m.txt")"
rows=$(sed -n '/^ class  *acquired/,/^$/p' "$T/m.txt" | awk 'NR > 1 && NF {print $1}' | tr '\n' ' ')
[ "$rows" = "pool_lock db_lock log_lock " ] || fail "stats: not sorted by total wait: $rows"
grep -q '^ pool_lock  *150  *30  *5\.000  *0\.167  *0\.300  *0\.600  *0\.004  *0\.090$' \
	"$T/m.txt" || fail "stats: pool_lock's row: $(grep '^ pool_lock' "$T/m.txt")"
grep -q '^ cond_init@pool.c:30  *15  *1  *15  *1  *0\.003  *0\.000  *0\.001$' "$T/m.txt" ||
	fail "stats: the condition variable's row: $(grep cond_init "$T/m.txt")"
"$U" stats --top=1 "$T/m.db" >"$T/top1.txt" || fail "stats --top=1"
grep -q '^ pool_lock ' "$T/top1.txt" && ! grep -q '^ db_lock ' "$T/top1.txt" ||
	fail "stats --top=1 shows other than the first class"
"$U" stats --top=x "$T/m.db" >/dev/null 2>"$T/e"; rc=$?
[ $rc -eq 2 ] && grep -q -- "--top expects a number" "$T/e" || fail "--top=x: status $rc"

"$U" stats --kernel "$T/m.db" >"$T/k.txt" || fail "stats --kernel failed"
grep -q '^lock_stat version 0.4$' "$T/k.txt" || fail "--kernel: no version line"
grep -q '^ *class name  *contentions  *waittime-max  *waittime-total  *waittime-avg  *owner-changes  *acquisitions  *holdtime-max  *holdtime-total  *holdtime-avg$' \
	"$T/k.txt" || fail "--kernel: header"
grep -q '^ *pool_lock:  *30  *300\.00  *5000\.00  *166\.67  *12  *150  *90\.00  *600\.00  *4\.00$' \
	"$T/k.txt" || fail "--kernel: pool_lock's row: $(grep 'pool_lock:' "$T/k.txt")"
grep -q '^ *pool_lock  *9  *pool_put pool.c:55 (waited 500\.00 us)$' "$T/k.txt" ||
	fail "--kernel: the contention point pool_put"
grep -q '^ *pool_lock  *9  *pool_grow pool.c:80$' "$T/k.txt" ||
	fail "--kernel: the contending point pool_grow"
grep -q 'pool_c' "$T/k.txt" && fail "--kernel: a fifth contention point"
first=$(sed -n '/^lock_stat version/,$p' "$T/k.txt" | grep ':  *[0-9]' | head -n 1)
case "$first" in *pool_lock:*) ;; *) fail "--kernel: not sorted by wait: $first" ;; esac

# --- a store keeps the figures across runs, and adds -----------------------
# shellcheck disable=SC2016 # expanded by the shell of the run
drop='cp "$0" "$ULOCKDEP_RECORD_DIR"/'
"$U" run --graph="$T/r.db" -- sh -c "$drop" "$T/p1.rec" 2>"$T/e" ||
	fail "first run: $(cat "$T/e")"
"$U" stats --format=json "$T/r.db" >"$T/r1.json" || fail "stats after one run"
"$U" run --graph="$T/r.db" -- sh -c "$drop" "$T/p2.rec" 2>"$T/e" ||
	fail "second run: $(cat "$T/e")"
"$U" stats --format=json "$T/r.db" >"$T/r2.json" || fail "stats after two runs"
python3 - "$T/r1.json" "$T/r2.json" "$T/m.json" <<'PY' || fail "figures across runs (above)"
import json, sys
one, two, both = (json.load(open(f))["lock_stat"] for f in sys.argv[1:])
pool = lambda ls: [c for c in ls["classes"] if c["class"]["name"] == "pool_lock"][0]
assert pool(one)["acquired"] == 100 and pool(one)["processes"] == 1, pool(one)
assert pool(two)["acquired"] == 150 and pool(two)["processes"] == 2, pool(two)
# Two runs into one store, or two records merged at once: the same figures.
assert two["classes"] == both["classes"], (two["classes"], both["classes"])
assert two["conds"] == both["conds"]
PY

# --- merging stores: figures merged, and a store merged twice adds nothing --
"$U" merge "$T/s1.db" "$T/p1.rec" || fail "merge s1"
"$U" merge "$T/s2.db" "$T/p2.rec" || fail "merge s2"
"$U" merge "$T/all.db" "$T/s1.db" "$T/s2.db" || fail "merge of stores"
"$U" merge "$T/all.db" "$T/s2.db" "$T/s1.db" || fail "merge of stores, again"
"$U" stats --format=json "$T/all.db" >"$T/all.json" || fail "stats of merged stores"
python3 - "$T/all.json" "$T/m.json" <<'PY' || fail "merged stores (above)"
import json, sys
a, m = (json.load(open(f))["lock_stat"] for f in sys.argv[1:])
assert a == m, (a, m)
PY

# --- graph --color=wait: shades and figures --------------------------------
"$U" graph "$T/m.db" --format=dot --color=wait >"$T/g.dot" || fail "graph --color=wait"
grep -q 'label="pool_lock", tooltip="id:pool_lock\\ntotal wait 5.000 ms over 30 contentions", style="rounded,filled", fillcolor="#a63603"' \
	"$T/g.dot" || fail "pool_lock is not the darkest: $(grep pool_lock "$T/g.dot")"
grep -q 'label="db_lock", tooltip="id:db_lock\\ntotal wait 1.000 ms over 10 contentions", style="rounded,filled", fillcolor="#feedde"' \
	"$T/g.dot" || fail "db_lock's shade (20 %: the lightest): $(grep 'label="db_lock"' "$T/g.dot")"
grep -q 'label="log_lock", tooltip="id:log_lock\\ntotal wait 0.000 ms over 0 contentions"];' \
	"$T/g.dot" || fail "log_lock, which never waited, is shaded"
grep -q 'subgraph cluster_legend' "$T/g.dot" || fail "no legend"
grep -q 'legend4 \[label="above 4.000 ms, up to 5.000 ms"' "$T/g.dot" || fail "legend's range"
"$U" graph "$T/m.db" --format=dot --colour=wait >"$T/g2.dot" || fail "--colour=wait"
cmp -s "$T/g.dot" "$T/g2.dot" || fail "--colour and --color differ"
"$U" graph "$T/m.db" --format=dot >"$T/plain.dot" || fail "graph"
grep -q 'fillcolor' "$T/plain.dot" && fail "shades without --color=wait"
"$U" graph "$T/m.db" --format=dot --color=red >/dev/null 2>"$T/e"; rc=$?
[ $rc -eq 2 ] && grep -q "expects 'wait'" "$T/e" || fail "--color=red: status $rc"
if command -v dot >/dev/null 2>&1; then
	"$U" graph "$T/m.db" --format=svg --color=wait >"$T/g.svg" || fail "svg --color=wait"
	grep -q 'fill="#a63603"' "$T/g.svg" || fail "the SVG has no shaded class"
	grep -q 'total wait 5.000 ms over 30 contentions' "$T/g.svg" ||
		fail "the SVG has no tooltip with the figure"
else
	fail "Graphviz's dot is not installed (scripts/install-deps)"
fi

# --- no lock statistics: stats and graph as before -------------------------
python3 "$MK" "$T/none.rec" 7 /t/none 'a>b'
"$U" stats "$T/none.rec" >"$T/none.txt" || fail "stats without figures"
grep -q 'lock statistics' "$T/none.txt" && fail "a lock statistics section without figures"
"$U" stats --format=json "$T/none.rec" | python3 -c \
	'import json,sys; assert json.load(sys.stdin)["lock_stat"] is None' ||
	fail "JSON without figures: lock_stat is not null"
"$U" stats --kernel "$T/none.rec" | grep -q '^no lock statistics in the stores' ||
	fail "--kernel without figures says nothing"

# --- malformed lines: the file and line named ------------------------------
# bad LINE WANT: a record whose stat line is LINE is refused with WANT.
bad() {
	python3 "$MK" "$T/bad.rec" 9 /t/bad 'a>b' --raw "$1" --stats-count 1
	"$U" check "$T/bad.rec" >/dev/null 2>"$T/e"; rc=$?
	if [ $rc -ne 2 ]; then
		fail "$1: status $rc, expected 2"
	elif ! grep -q "^ulockdep check: $T/bad.rec: line 5: .*$2" "$T/e"; then
		fail "$1: no message naming the file, line 5 and '$2': $(cat "$T/e")"
	fi
}
ok='"wait_ns":{"total":1,"max":1},"hold_ns":{"total":1,"max":1}'
bad '{"stat":{"acquired":1,"contended":0,'"$ok"'}}' 'a stat line without its class'
bad '{"stat":{"class":7,"acquired":1,"contended":0,'"$ok"'}}' 'class 7, which the record does not list'
bad '{"stat":{"class":1,"acquired":-1,"contended":0,'"$ok"'}}' "no valid 'acquired'"
bad '{"stat":{"class":1,"acquired":"x","contended":0,'"$ok"'}}' "no valid 'acquired'"
bad '{"stat":{"class":1,"acquired":1,'"$ok"'}}' "no valid 'contended'"
bad '{"stat":{"class":1,"acquired":1,"contended":0,"wait_ns":5,"hold_ns":{"total":1,"max":1}}}' "no valid 'wait_ns'"
bad '{"stat":{"class":1,"acquired":1,"contended":0,"wait_ns":{"total":1},"hold_ns":{"total":1,"max":1}}}' "no valid 'wait_ns'"
bad '{"stat":{"class":1,"acquired":1,"contended":0,'"$ok"',"contention_points":{}}}' "'contention_points' is not an array"
bad '{"stat":{"class":1,"acquired":1,"contended":0,'"$ok"',"contention_points":[{"wait_ns":1}]}}' 'point 1 has no valid count'
bad '{"stat":[1]}' "'stat' is not an object"
bad '{"cond_stat":{"waits":1,"wait_ns":{"total":1,"max":1}}}' 'a cond_stat line without its identity'
bad '{"cond_stat":{"id":"c","waits":1.5,"wait_ns":{"total":1,"max":1}}}' "no valid 'waits'"
# Unknown keys are ignored; absent optional counts are 0.
python3 "$MK" "$T/extra.rec" 9 /t/extra 'a>b' --stats-count 1 \
	--raw '{"stat":{"class":1,"acquired":4,"contended":0,'"$ok"',"new_key":[1,2]}}'
"$U" stats --format=json "$T/extra.rec" >"$T/extra.json" 2>"$T/e" ||
	fail "a stat line with an unknown key: $(cat "$T/e")"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["lock_stat"]["classes"][0]; assert c["acquired"]==4 and c["owner_changes"]==0, c' \
	"$T/extra.json" || fail "a stat line with an unknown key: figures"
# The summary's count of statistics lines.
python3 "$MK" "$T/cnt.rec" 9 /t/cnt 'a>b' --stat 'a=1,0,0,0,1,1' --stats-count 2
"$U" check "$T/cnt.rec" >/dev/null 2>"$T/e"; rc=$?
[ $rc -eq 2 ] && grep -q 'line 7: the summary counts 2 stat and cond_stat lines, the record has 1' "$T/e" ||
	fail "summary.stats mismatch: status $rc: $(cat "$T/e")"
python3 "$MK" "$T/two.rec" 9 /t/two 'a>b' --stat 'a=1,0,0,0,1,1' --stat 'a=1,0,0,0,1,1'
"$U" check "$T/two.rec" >/dev/null 2>"$T/e"; rc=$?
[ $rc -eq 2 ] && grep -q 'two stat lines for class 1' "$T/e" ||
	fail "two stat lines for one class: status $rc: $(cat "$T/e")"
# In a run, a bad record is named and the run's status says so.
python3 "$MK" "$T/rbad.rec" 9 /t/bad 'a>b' --stat 'a=1,0,0,0,1,1' --stats-count 5
"$U" run --graph="$T/rb.db" -- sh -c "$drop" "$T/rbad.rec" 2>"$T/e"; rc=$?
[ $rc -eq 2 ] && grep -q 'unreadable process record: .*rbad.rec: line 7: the summary counts 5' "$T/e" ||
	fail "a run with a bad record: status $rc: $(cat "$T/e")"

# --- a version 1 store: read as it is, migrated by its first writer ---------
cp "$T/s1.db" "$T/v1.db"
sqlite3 "$T/v1.db" "DROP TABLE lock_stat; DROP TABLE cond_stat;
	UPDATE meta SET value = '1' WHERE key = 'version'; PRAGMA user_version = 1"
"$U" stats "$T/v1.db" >"$T/v1.txt" 2>"$T/e" || fail "stats of a version 1 store: $(cat "$T/e")"
grep -q '^ lock-classes: *3$' "$T/v1.txt" || fail "version 1 store: classes"
grep -q 'lock statistics' "$T/v1.txt" && fail "version 1 store: statistics from nowhere"
[ "$(sqlite3 "$T/v1.db" 'PRAGMA user_version')" = 1 ] || fail "a reader changed the version 1 store"
"$U" merge "$T/v1.db" "$T/p2.rec" 2>"$T/e" || fail "merge into a version 1 store: $(cat "$T/e")"
[ "$(sqlite3 "$T/v1.db" 'PRAGMA user_version')" = 2 ] || fail "the writer did not migrate the store"
[ "$(sqlite3 "$T/v1.db" "SELECT value FROM meta WHERE key = 'version'")" = 2 ] ||
	fail "the migrated store's meta version"
"$U" stats --format=json "$T/v1.db" >"$T/v1.json" || fail "stats of the migrated store"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["lock_stat"]["classes"]; p=[x for x in c if x["class"]["name"]=="pool_lock"][0]; assert p["acquired"]==50 and p["processes"]==1, p' \
	"$T/v1.json" || fail "the migrated store's figures (only the new record's)"

finish "lock statistics: merged across processes, kept and added by the store, stats (summary, --kernel, JSON), graph --color=wait, bad lines refused"
