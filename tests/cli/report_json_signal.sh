#!/bin/sh
# report_json_signal.sh BUILD_DIR: the signal order and inversion reports in
# JSON validate against docs/json-schema.json and carry the signal, both
# classes with the stacks that gave them their usage, and the paths between
# them (the scenario programs tests/scenarios/signal_order.c and
# signal_inversion.c).
. "$(dirname "$0")/prelude.sh"
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import jsonschema' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "FAIL: python3 with jsonschema is needed (scripts/install-deps)"; exit 1; }

for prog in signal_order signal_inversion; do
	"$U" run --format=json --log-path="$T/$prog" -- "$B/tests/scenarios/$prog"
	rc=$?
	[ $rc -eq 66 ] || fail "$prog: exit $rc, expected 66"
done

"$PY" - "$SRC/docs/json-schema.json" "$T"/signal_order.* "$T"/signal_inversion.* <<'PY' || fail "signal report checks (above)"
import json, sys
import jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
errors = []
def check(cond, what):
    if not cond:
        errors.append(what)
logs = {}
for path in sys.argv[2:]:
    objs = []
    for n, line in enumerate(open(path), 1):
        o = json.loads(line)
        for e in v.iter_errors(o):
            errors.append(f"{path}:{n}: {e.message} at {list(e.absolute_path)}")
        objs.append(o)
    logs[path.split('/')[-1].split('.')[0]] = objs

def classes(links):
    return [l['class'] for l in links]

order = [o for o in logs.get('signal_order', []) if o['kind'] != 'summary']
check([o['kind'] for o in order] == ['signal_order'] * 2, f"order kinds {[o['kind'] for o in order]}")
if len(order) == 2:
    a, c = (o['signal_dependency'] for o in order)
    check(a['signal'] == 'SIGUSR1' and a['signal_number'] == 10 and a['safe']['class'] == 'a' and a['unsafe']['class'] == 'b',
          f"first order report {a['signal']} {a['safe']['class']} {a['unsafe']['class']}")
    check(order[0]['held']['class'] == 'a' and order[0]['target']['class'] == 'b', "first held/target")
    check(a['safe']['usage_at'][0]['function'] == 'on_signal', f"safe usage stack {a['safe']['usage_at'][:1]}")
    check(a['unsafe']['usage_at'][0]['function'] == 'main', f"unsafe usage stack {a['unsafe']['usage_at'][:1]}")
    check(c['signal'] == 'SIGUSR2' and classes(c['safe_to_held']) == ['c', 'm']
          and classes(c['target_to_unsafe']) == ['d'], f"second order paths {c}")
    check(c['safe_to_held'][1]['frames'][0]['function'] == 'main', "the c -> m link has its stack")
    check(order[1]['chain'] == [], "chain stays for circular reports")

inv = [o for o in logs.get('signal_inversion', []) if o['kind'] != 'summary']
check([o['kind'] for o in inv] == ['signal_inversion'] * 2, f"inversion kinds {[o['kind'] for o in inv]}")
if len(inv) == 2:
    x, y = (o['signal_dependency'] for o in inv)
    check(x['new_usage'] == 'unblocked' and inv[0]['target']['class'] == 'b'
          and classes(x['safe_to_unsafe']) == ['a', 'b'], f"first inversion {x}")
    check(y['new_usage'] == 'in_handler' and inv[1]['target']['class'] == 'c'
          and classes(y['safe_to_unsafe']) == ['c', 'd'], f"second inversion {y}")
for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
PY

finish "signal order and inversion reports in JSON"
