#!/bin/sh
# report_json.sh BUILD_DIR: format=json and format=sarif from real programs.
#  - every line of a JSON log (reports of three kinds, the summary, the
#    suppressions used) validates against docs/json-schema.json, and the
#    circular report carries both links with their frames, the [inline] frame
#    included, at the lines of the MARK comments;
#  - the inconsistent and assert reports carry their detail (signal usages
#    and where the old one began; the assertion, its call and the lock it
#    saw) in JSON, and in SARIF as message, properties and related location;
#  - the SARIF log has what code scanning requires: version 2.1.0, $schema,
#    runs[].tool.driver.name, results[].ruleId, message.text and
#    locations[].physicalLocation.artifactLocation.uri + region.startLine,
#    at the acquisition site; a clean run still writes an (empty) log.
. "$(dirname "$0")/prelude.sh"
# The distribution's python3 first: scripts/install-deps installs jsonschema
# for it, and another python3 earlier in PATH may lack the module.
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import jsonschema' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "FAIL: python3 with jsonschema is needed (scripts/install-deps)"; exit 1; }
mark() { grep -n "MARK:$2 " "$1" | cut -d: -f1; }

A=$SRC/tests/report/abba_inline.c
gcc -O2 -g -pthread -o "$T/abba" "$A" && gcc -O0 -g -pthread -o "$T/multi" "$SRC/tests/report/multi.c" ||
	{ echo "FAIL: cannot build the test programs"; exit 1; }
printf 'lock:no_such_class\nexit:keeper\n' >"$T/supp"

"$U" run --format=json --log-path="$T/abba" -- "$T/abba"; rc=$?
[ $rc -eq 66 ] || fail "abba json: exit $rc, expected 66"
"$U" run --format=json --log-path="$T/multi" --suppressions="$T/supp" --print-suppressions -- "$T/multi" 3; rc=$?
[ $rc -eq 66 ] || fail "multi json: exit $rc, expected 66"

"$U" run --format=json --log-path="$T/kept" -- "$T/multi" 1; rc=$?
[ $rc -eq 66 ] || fail "multi json unsuppressed: exit $rc, expected 66"
# Locks held at exit name the innermost one held as their target.
"$PY" - "$T"/kept.* <<'PY' || fail "held_at_exit target (above)"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
r = [o for o in objs if o['kind'] == 'held_at_exit']
ok = len(r) == 1 and r[0]['target']['class'] == 'm_kept' and \
    r[0]['target']['class'] == r[0]['held_locks'][-1]['class'] and \
    r[0]['target']['address'] == r[0]['held_locks'][-1]['address']
if not ok:
    print("  held_at_exit:", r)
sys.exit(0 if ok else 1)
PY
"$PY" - "$SRC/docs/json-schema.json" "$(mark "$A" inl_b)" "$(mark "$A" fwd_call)" "$(mark "$A" bwd_a)" "$T"/abba.* "$T"/multi.* <<'PY' || fail "JSON checks (above)"
import glob, json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
l_inl, l_call, l_ba = (int(x) for x in sys.argv[2:5])
errors = []
def check(cond, what):
    if not cond:
        errors.append(what)
logs = {}
for path in sys.argv[5:]:
    objs = []
    for n, line in enumerate(open(path), 1):
        o = json.loads(line)
        for e in v.iter_errors(o):
            errors.append(f"{path}:{n}: {e.message} at {list(e.absolute_path)}")
        objs.append(o)
    logs[path.split('/')[-1].split('.')[0]] = objs
abba, multi = logs.get('abba', []), logs.get('multi', [])
check([o['kind'] for o in abba] == ['circular', 'summary'], f"abba kinds {[o['kind'] for o in abba]}")
r = abba[0]
check(r['title'] == 'possible deadlock in backward', f"title {r['title']}")
check(r['schema_version'] == 1, "schema_version")
check(r['target']['class'] == 'lock_a' and r['held']['class'] == 'lock_b', "target/held classes")
check([l['class'] for l in r['chain']] == ['lock_a', 'lock_b'], "chain classes")
l1 = r['chain'][1]['frames']
check(l1[0]['function'] == 'take_b_inl' and l1[0]['inline'] is True and l1[0]['line'] == l_inl,
      f"link #1 frame 0 {l1[0]}")
check(l1[1]['function'] == 'forward' and l1[1]['inline'] is False and l1[1]['line'] == l_call
      and l1[1]['offset'] is not None and l1[1]['size'], f"link #1 frame 1 {l1[1]}")
l0 = r['chain'][0]['frames']
check(l0[0]['function'] == 'backward' and l0[0]['line'] == l_ba and l0[0]['file'].endswith('abba_inline.c'),
      f"link #0 frame 0 {l0[0]}")
check(r['chain'][1]['thread']['tid'] != r['thread']['tid'], "link #1 thread is the other thread")
check(r['thread']['created_at'] and r['thread']['created_at'][0]['function'] == 'main', "created_at")
check(all(f['module'] for f in l0), "modules")
kinds = [o['kind'] for o in multi]
check(kinds == ['circular', 'unlock_balance', 'summary', 'suppressions'], f"multi kinds {kinds}")
if kinds[:2] == ['circular', 'unlock_balance']:
    check(multi[0]['title'] == 'possible deadlock in order_two_one', f"title {multi[0]['title']}")
    check(multi[1]['title'] == 'bad unlock balance in release_unheld', f"title {multi[1]['title']}")
    check(multi[1].get('unlock_reason') == 'not_held', f"unlock_reason {multi[1].get('unlock_reason')}")
    check('unlock_reason' not in multi[0], "unlock_reason in a circular report")
    s = multi[2]
    check(s['distinct'] == 2 and s['hits'] == 2 and s['suppressed'] == 1, f"summary {s}")
    check(multi[3]['used'] == [{'type': 'exit', 'pattern': 'keeper', 'line': 2, 'hits': 1}], f"used {multi[3]}")
for e in errors:
    print("  " + e)
sys.exit(1 if errors else 0)
PY

# Detail of the inconsistent and assert kinds, in JSON and in SARIF.
D=$SRC/tests/report/detail.c
gcc -O0 -g -pthread -I"$SRC/include" -o "$T/detail" "$D" || { echo "FAIL: cannot build detail.c"; exit 1; }
"$U" run --format=json --log-path="$T/djson" -- "$T/detail"; rc=$?
[ $rc -eq 66 ] || fail "detail json: exit $rc, expected 66"
# The runtime's own SARIF writer, which a process preloaded by hand (no
# ulockdep run, so no process records) uses; under ulockdep run the command
# writes the run's log (cli/suite_run).
ULOCKDEP_OPTIONS="format=sarif:log_path=$T/dsarif" LD_PRELOAD="$B/libulockdep.so" "$T/detail"; rc=$?
[ $rc -eq 66 ] || fail "detail sarif: exit $rc, expected 66"
"$PY" - "$SRC/docs/json-schema.json" "$(mark "$D" in_handler)" "$(mark "$D" unblocked)" \
	"$(mark "$D" assert_held)" "$(mark "$D" rdlock)" "$(mark "$D" assert_write)" \
	"$T"/djson.* "$T"/dsarif.* <<'PY' || fail "detail checks (above)"
import json, sys
import jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
l_in, l_unb, l_ah, l_rd, l_aw = (int(x) for x in sys.argv[2:7])
errors = []
def check(cond, what):
    if not cond:
        errors.append(what)
objs = []
for n, line in enumerate(open(sys.argv[7]), 1):
    o = json.loads(line)
    for e in v.iter_errors(o):
        errors.append(f"json:{n}: {e.message} at {list(e.absolute_path)}")
    objs.append(o)
kinds = [o['kind'] for o in objs]
check(kinds == ['inconsistent', 'assert', 'assert', 'summary'], f"detail kinds {kinds}")
if kinds[:3] == ['inconsistent', 'assert', 'assert']:
    inc, a1, a2 = objs[:3]
    u = inc['usage']
    check(u and u['signal'] == 'SIGUSR1' and u['signal_number'] == 10, f"usage signal {u}")
    check(u and u['context'] == 'unblocked' and u['new_usage'] == 'SIGUSR1-ON-W'
          and u['old_usage'] == 'IN-SIGUSR1-W', f"usage names {u}")
    ra = (u or {}).get('registered_at') or [{}]
    check(ra[0].get('function') == 'on_usr1' and ra[0].get('line') == l_in, f"registered_at {ra[0]}")
    check(inc['target']['class'] == 'l' and inc['target']['at'][0]['line'] == l_unb, "inconsistent target")
    check(inc['assertion'] is None, "inconsistent: assertion null")
    x = a1['assertion']
    check(x and x['check'] == 'held' and x['call'] == 'ulockdep_assert_held' and x['held_lock'] is None,
          f"assert_held {x}")
    check(x and x['message'] == 'failed ulockdep_assert_held(m): it does not hold the lock', f"message {x}")
    check(a1['target']['at'][-1]['line'] == l_ah and a1['usage'] is None, "assert_held target, usage null")
    y = a2['assertion']
    check(y and y['check'] == 'held_write' and y['held_lock'] and y['held_lock']['class'] == 'rw'
          and y['held_lock']['mode'] == 'read_recursive' and y['held_lock']['at'][0]['line'] == l_rd,
          f"assert_held_write {y}")
    check(y and y['message'].endswith('it holds it for reading'), f"message {y}")
    check(a2['target']['at'][-1]['line'] == l_aw, "assert_held_write target")
d = json.load(open(sys.argv[8]))
res = d['runs'][0]['results']
check([r['ruleId'] for r in res] == ['inconsistent', 'assert', 'assert'], f"sarif rules {[r['ruleId'] for r in res]}")
if len(res) == 3:
    inc, a1, a2 = res
    check(inc['message']['text'].endswith('(IN-SIGUSR1-W -> SIGUSR1-ON-W)'), inc['message']['text'])
    check(inc.get('properties') == {'signal': 'SIGUSR1', 'context': 'unblocked',
          'newUsage': 'SIGUSR1-ON-W', 'oldUsage': 'IN-SIGUSR1-W'}, f"properties {inc.get('properties')}")
    rel = [x for x in inc['relatedLocations'] if 'registered' in x['message']['text']]
    check(len(rel) == 1 and rel[0]['physicalLocation']['region']['startLine'] == l_in, f"related {rel}")
    check(inc['stacks'][0]['message']['text'] == '{IN-SIGUSR1-W} state was registered at', "usage stack")
    check(a1['properties']['check'] == 'held' and 'it does not hold the lock' in a1['message']['text'],
          f"assert 1 {a1['properties']}")
    check(a2['properties']['check'] == 'held_write', f"assert 2 {a2['properties']}")
    rel = [x for x in a2['relatedLocations'] if x['message']['text'] == 'held: rw']
    check(len(rel) == 1 and rel[0]['physicalLocation']['region']['startLine'] == l_rd, f"assert 2 related {rel}")
for e in errors:
    print("  " + e)
sys.exit(1 if errors else 0)
PY

# SARIF
"$U" run --format=sarif --log-path="$T/sarif" -- "$T/abba"; rc=$?
[ $rc -eq 66 ] || fail "abba sarif: exit $rc, expected 66"
"$U" run --format=sarif --log-path="$T/msarif" -- "$T/multi" 5; rc=$?
[ $rc -eq 66 ] || fail "multi sarif: exit $rc, expected 66"
"$U" run --format=sarif --log-path="$T/clean" -- /bin/true; rc=$?
[ $rc -eq 0 ] || fail "clean sarif: exit $rc, expected 0"
# The same program's log as the runtime writes it alone: the run's log
# (made by the command from the process's record) must locate the result
# and give its stacks as the runtime does.
ULOCKDEP_OPTIONS="format=sarif:log_path=$T/osarif" LD_PRELOAD="$B/libulockdep.so" "$T/abba"; rc=$?
[ $rc -eq 66 ] || fail "abba own sarif: exit $rc, expected 66"
"$PY" - "$(mark "$A" bwd_a)" "$T"/sarif.* "$T"/msarif.* "$T"/clean.* "$T"/osarif.* <<'PY' || fail "SARIF checks (above)"
import json, sys
l_ba = int(sys.argv[1])
errors = []
def check(cond, what):
    if not cond:
        errors.append(what)
docs = []
for path in sys.argv[2:]:
    text = open(path).read()
    d = json.loads(text)          # one document per file, nothing else
    docs.append(d)
    check(d.get('version') == '2.1.0', f"{path}: version")
    check('sarif' in d.get('$schema', ''), f"{path}: $schema")
    for run in d['runs']:
        drv = run['tool']['driver']
        check(drv.get('name') == 'ulockdep', f"{path}: driver name")
        ids = {r['id'] for r in drv['rules']}
        for res in run['results']:
            check(res.get('ruleId') in ids, f"{path}: ruleId {res.get('ruleId')}")
            check(res['message'].get('text'), f"{path}: message.text")
            check(res.get('occurrenceCount', 0) >= 1, f"{path}: occurrenceCount")
            for loc in res['locations']:
                pl = loc['physicalLocation']
                check(pl['artifactLocation'].get('uri'), f"{path}: uri")
                check(pl['region'].get('startLine', 0) >= 1, f"{path}: startLine")
abba, multi, clean, own = docs
res = abba['runs'][0]['results']
ores = own['runs'][0]['results']
if len(res) == 1 and len(ores) == 1:
    check(res[0]['locations'] == ores[0]['locations'],
          f"run log location {res[0]['locations']} != runtime's {ores[0]['locations']}")
    check(res[0]['locations'][0]['physicalLocation']['region'].get('startColumn', 0) >= 1, "startColumn")
    st, ost = res[0].get('stacks', []), ores[0]['stacks']
    check([x['message'] for x in st] == [x['message'] for x in ost],
          f"stack messages {[x['message'] for x in st]} != {[x['message'] for x in ost]}")
    check(st == ost, "run log stacks differ from the runtime's")
check(len(res) == 1, f"abba results {len(res)}")
r = res[0]
check(r['ruleId'] == 'circular', "abba ruleId")
check(r['message']['text'].startswith('possible deadlock in backward: lock_a -> lock_b -> lock_a'), r['message']['text'])
pl = r['locations'][0]['physicalLocation']
check(pl['artifactLocation']['uri'].endswith('abba_inline.c') and pl['region']['startLine'] == l_ba,
      f"abba location {pl}")
check(len(r['relatedLocations']) == 3, f"related {len(r['relatedLocations'])}")
mres = multi['runs'][0]['results']
check([x['ruleId'] for x in mres] == ['circular', 'unlock_balance', 'held_at_exit'], f"multi rules {[x['ruleId'] for x in mres]}")
check(clean['runs'][0]['results'] == [], "clean run: empty results")
for e in errors:
    print("  " + e)
sys.exit(1 if errors else 0)
PY

finish "JSON lines valid against docs/json-schema.json; SARIF logs carry the code-scanning fields"
