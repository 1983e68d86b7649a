#!/bin/sh
# record_identity.sh BUILD_DIR: stable class identities (docs/identity.md)
# in process records.
#  - one program run twice, with address randomisation (the kernel's
#    default; the test checks that the locks' addresses did move): the same
#    identities, all stable;
#  - tests/record/pair_lib.c linked into one program as an object and into
#    another as a shared library, each program learning one half of an
#    inversion: the two library locks have the same identities in both
#    records (init site by function@file:line, a global variable by its
#    name), and the dependencies of the two records, joined by identity,
#    make the cycle;
#  - a program built without -g: its init-site class is marked unstable
#    (build ID and offset), and is the same in two runs.
. "$(dirname "$0")/prelude.sh"
CHECK=$SRC/tests/record/check_record.py
LIB=$B/libulockdep.so
R=$SRC/tests/record
gcc -O0 -g -pthread -o "$T/ends" "$R/ends.c" &&
	gcc -O0 -g -pthread -o "$T/pair_static" "$R/pair_main.c" "$R/pair_lib.c" &&
	gcc -O0 -g -pthread -fPIC -shared -o "$T/libpair.so" "$R/pair_lib.c" &&
	gcc -O0 -g -pthread -o "$T/pair_shared" "$R/pair_main.c" -L"$T" -lpair -Wl,-rpath,"$T" &&
	gcc -O0 -pthread -o "$T/pair_nodebug" "$R/pair_main.c" "$R/pair_lib.c" ||
	{ echo "FAIL: cannot build the test programs"; exit 1; }

# rec DIR PROGRAM ARGS...: run with records into the fresh directory DIR.
rec() {
	d=$1
	shift
	rm -rf "$d"
	mkdir "$d"
	ULOCKDEP_RECORD_DIR=$d LD_PRELOAD=$LIB "$@" 2>"$d.err"
	python3 "$CHECK" "$d"/*.rec || fail "$*: record does not follow the contract"
}

# Same program, two runs.
rec "$T/r1" "$T/ends" return
rec "$T/r2" "$T/ends" return
python3 - "$T/r1.err" "$T/r2.err" "$T"/r1/*.rec "$T"/r2/*.rec <<'PY' || fail "identities across runs (above)"
import json, re, sys
addr = [re.findall(r"^\S*\[?([0-9a-f]{8,})\]? \(a\)", open(p).read(), re.M) or
        re.findall(r"(0x[0-9a-f]{8,}) \(a\)", open(p).read()) for p in sys.argv[1:3]]
# The lock lines print the instance's address: it moved between the runs.
assert addr[0] and addr[1], addr
assert addr[0][0] != addr[1][0], "address randomisation seems off: %s" % addr
def ids(path):
    out = {}
    for line in open(path):
        o = json.loads(line)
        if "class" in o:
            out[o["class"]["name"]] = (o["class"]["id"], o["class"]["stable"])
    return out
a, b = ids(sys.argv[3]), ids(sys.argv[4])
assert a == b, (a, b)
assert a["a"] == ("static:a@ends.c", True), a
assert a["b"] == ("static:b@ends.c", True), a
PY

# Static and shared copies of one library.
rec "$T/s" "$T/pair_static" ab
rec "$T/h" "$T/pair_shared" ba
line=$(grep -n 'pthread_mutex_init(&db_lock' "$R/pair_lib.c" | cut -d: -f1)
python3 - "$T"/s/*.rec "$T"/h/*.rec "$line" <<'PY' || fail "identities across static and shared linking (above)"
import json, sys
def load(path):
    classes, deps = {}, []
    for line in open(path):
        o = json.loads(line)
        if "class" in o:
            classes[o["class"]["n"]] = o["class"]
        elif "dep" in o:
            deps.append(o["dep"])
    return classes, deps
cs, ds = load(sys.argv[1])
ch, dh = load(sys.argv[2])
ids_s = {c["name"]: c["id"] for c in cs.values()}
ids_h = {c["name"]: c["id"] for c in ch.values()}
want_db = "init:pair_init@pair_lib.c:" + sys.argv[3]
for ids in (ids_s, ids_h):
    assert want_db in ids.values(), ids
    assert ids.get("cache_lock") == "static:cache_lock", ids
assert all(c["stable"] for c in list(cs.values()) + list(ch.values()))
edges = set()
for classes, deps in ((cs, ds), (ch, dh)):
    for d in deps:
        edges.add((classes[d["from"]]["id"], classes[d["to"]]["id"]))
assert (want_db, "static:cache_lock") in edges, edges
assert ("static:cache_lock", want_db) in edges, edges
PY
grep -q 'possible circular' "$T/s.err" "$T/h.err" && fail "half an inversion was reported by one process"

# No debug information: unstable, build ID and offset, the same in two runs.
rec "$T/n1" "$T/pair_nodebug" ab
rec "$T/n2" "$T/pair_nodebug" ab
python3 - "$T"/n1/*.rec "$T"/n2/*.rec <<'PY' || fail "identities without debug information (above)"
import json, re, sys
def ids(path):
    return sorted((o["class"]["id"], o["class"]["stable"]) for o in map(json.loads, open(path))
                  if "class" in o)
a, b = ids(sys.argv[1]), ids(sys.argv[2])
assert a == b, (a, b)
init = [x for x in a if x[0].startswith("init:")]
assert len(init) == 1 and init[0][1] is False, a
assert re.fullmatch(r"init:[0-9a-f]{40}\+0x[0-9a-f]+", init[0][0]), init
PY

finish "identities equal across runs, across static and shared linking; unstable ones marked"
