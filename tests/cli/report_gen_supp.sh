#!/bin/sh
# report_gen_supp.sh BUILD_DIR: gen_suppressions=1 on tests/report/gen_supp.c,
# five problems (two inversions, a bad unlock, a failed assertion, a lock held
# at exit) in a program that exits 3, built with symbols and stripped.
#  - After each report comes a block: a "# suppression for:" comment naming
#    the problem as the summary does, then one rule, of the narrowest type
#    for its kind, naming the function of the title (module+0xOFF when
#    stripped), or the class for an assertion.
#  - The block of one report, fed back with suppressions=FILE, silences
#    exactly that problem: the summary lists all the others. All blocks
#    together silence everything, and the exit status is the program's own.
#  - format=json carries the same rule in each report's "suppression" field,
#    valid against docs/json-schema.json; SARIF results carry it as a
#    property; without the option there is none of it.
. "$(dirname "$0")/prelude.sh"

gcc -O0 -g -pthread -I"$SRC/include" -o "$T/gen.debug" "$SRC/tests/report/gen_supp.c" &&
	strip -o "$T/gen" "$T/gen.debug" || { echo "FAIL: gcc/strip"; exit 1; }

# The problems the summary lists, without their counts, one per line.
problems() {
	sed -n 's/^  [0-9]*x //p' "$1" | sort
}

# check PROG: every block of PROG's report, alone, then all of them.
check() {
	prog=$1
	"$U" run --gen-suppressions -- "$T/$prog" >/dev/null 2>"$T/$prog.err"; rc=$?
	[ $rc -eq 66 ] || fail "$prog: exit $rc, expected 66"
	problems "$T/$prog.err" >"$T/$prog.all"
	[ "$(wc -l <"$T/$prog.all")" -eq 5 ] ||
		fail "$prog: $(wc -l <"$T/$prog.all") problems in the summary, expected 5"
	n=$(grep -c '^# suppression for: ' "$T/$prog.err")
	[ "$n" -eq 5 ] || fail "$prog: $n suppression blocks, expected 5"
	# A block: its comment, then the rule.
	grep -A1 '^# suppression for: ' "$T/$prog.err" | grep -v '^--$' >"$T/$prog.blocks"
	: >"$T/$prog.rules"
	i=0
	while [ $i -lt "$n" ]; do
		i=$((i + 1))
		sed -n "$((2 * i - 1)),$((2 * i))p" "$T/$prog.blocks" >"$T/$prog.$i.supp"
		sed -n 2p "$T/$prog.$i.supp" >>"$T/$prog.rules"
		what=$(sed -n 's/^# suppression for: //p' "$T/$prog.$i.supp")
		grep -qxF "$what" "$T/$prog.all" ||
			fail "$prog: block $i names '$what', which is not in the summary"
		"$U" run --suppressions="$T/$prog.$i.supp" -- "$T/$prog" >/dev/null 2>"$T/$prog.$i.err"; rc=$?
		[ $rc -eq 66 ] || fail "$prog: block $i alone: exit $rc, expected 66"
		problems "$T/$prog.$i.err" >"$T/$prog.$i.left"
		grep -vxF "$what" "$T/$prog.all" >"$T/$prog.$i.want"
		cmp -s "$T/$prog.$i.left" "$T/$prog.$i.want" ||
			fail "$prog: block $i ($(sed -n 2p "$T/$prog.$i.supp")) left: $(cat "$T/$prog.$i.left"); expected all but '$what'"
	done
	"$U" run --suppressions="$T/$prog.blocks" -- "$T/$prog" >/dev/null 2>"$T/$prog.none.err"; rc=$?
	[ $rc -eq 3 ] || fail "$prog: every block: exit $rc, expected the program's own 3"
	grep -q '^WARNING:\|distinct problem' "$T/$prog.none.err" &&
		fail "$prog: every block: something is still reported"
}

check gen.debug
printf '%s\n' 'deadlock:^ab_backward$' 'deadlock:^cd_backward$' 'unlock:^release_unheld$' \
	'lock:^asserted$' 'exit:^keeper$' >"$T/want.rules"
cmp -s "$T/gen.debug.rules" "$T/want.rules" ||
	fail "rules: got $(cat "$T/gen.debug.rules"), expected $(cat "$T/want.rules")"

check gen
# Stripped: the same types, the frame rules naming module+0xOFF and the
# assertion's class the static lock's place in the file.
bad=$(grep -v '^\(deadlock\|unlock\|exit\|lock\):^gen+0x[0-9a-f]*\$$' "$T/gen.rules")
[ -z "$bad" ] || fail "stripped rules not TYPE:^gen+0xOFF\$: $bad"
types=$(sed 's/:.*//' "$T/gen.rules" | tr '\n' ' ')
[ "$types" = "$(sed 's/:.*//' "$T/want.rules" | tr '\n' ' ')" ] ||
	fail "stripped rule types: $types"

# JSON: the rule of each report, by title, is the text's.
"$U" run --quiet --format=json --gen-suppressions -- "$T/gen.debug" >/dev/null 2>"$T/json.err"
"$U" run --quiet --format=json -- "$T/gen.debug" >/dev/null 2>"$T/json_off.err"
python3 - "$SRC/docs/json-schema.json" "$T/json.err" "$T/json_off.err" "$T/gen.debug.blocks" <<'PY' ||
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
text = {}
lines = open(sys.argv[4]).read().splitlines()
for comment, rule in zip(lines[0::2], lines[1::2]):
    text[comment[len("# suppression for: "):].split(" (")[0]] = rule
bad = []
reports = [json.loads(l) for l in open(sys.argv[2])]
for r in reports:
    jsonschema.validate(r, schema)
    if r["kind"] in ("summary", "suppressions"):
        continue
    if r.get("suppression") != text.get(r["title"]):
        bad.append(f'{r["title"]}: {r.get("suppression")!r}, text {text.get(r["title"])!r}')
if sum(r["kind"] not in ("summary", "suppressions") for r in reports) != 5:
    bad.append("expected 5 JSON reports")
for l in open(sys.argv[3]):
    if "suppression" in json.loads(l):
        bad.append("a report has 'suppression' without gen_suppressions")
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
	fail "JSON: the suppression fields (above)"

"$U" run --quiet --format=sarif --gen-suppressions -- "$T/gen.debug" >/dev/null 2>"$T/sarif.err"
n=$(python3 -c '
import json, sys
log = json.load(sys.stdin)
print(sum(bool(r.get("properties", {}).get("suppression")) for r in log["runs"][0]["results"]))' <"$T/sarif.err")
[ "$n" = 5 ] || fail "SARIF: $n results with a suppression property, expected 5"

"$U" run -- "$T/gen.debug" >/dev/null 2>"$T/off.err"
grep -q '^# suppression for:' "$T/off.err" && fail "without the option: suppression blocks printed"

if [ $fails -ne 0 ]; then
	echo "--- gen.debug ---"; cat "$T/gen.debug.err"
fi
finish "each generated entry silences exactly its report; all of them, everything"
