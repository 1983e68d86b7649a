#!/bin/sh
# record_fingerprint.sh BUILD_DIR: report fingerprints (JSON "signature",
# SARIF partialFingerprints) are made of class identities and functions
# (docs/identity.md), not of class numbers. tests/record/fingerprint.c:
#  - the same inversion in two runs: one fingerprint;
#  - built with -DEXTRA (an unrelated lock taken first, so the classes of
#    the inversion get other numbers): the same fingerprint;
#  - built with -DOTHER (an inversion of two other locks, which get the
#    numbers the first two had): another fingerprint;
#  - tests/record/ends.c, another program with its own inversion: another
#    fingerprint again;
#  - the SARIF log carries the JSON signature, and the JSON lines kept in a
#    process record carry it too.
. "$(dirname "$0")/prelude.sh"
LIB=$B/libulockdep.so
R=$SRC/tests/record
gcc -O0 -g -pthread -o "$T/fp" "$R/fingerprint.c" &&
	gcc -O0 -g -pthread -DEXTRA -o "$T/fp_extra" "$R/fingerprint.c" &&
	gcc -O0 -g -pthread -DOTHER -o "$T/fp_other" "$R/fingerprint.c" &&
	gcc -O0 -g -pthread -o "$T/ends" "$R/ends.c" ||
	{ echo "FAIL: cannot build the test programs"; exit 1; }

# sig PROGRAM [ARGS]: the signature of the program's one JSON report.
sig() {
	ULOCKDEP_OPTIONS=format=json LD_PRELOAD=$LIB "$@" 2>&1 >/dev/null |
		python3 -c '
import json, sys
s = [o["signature"] for o in map(json.loads, sys.stdin) if o.get("kind") == "circular"]
assert len(s) == 1, s
print(s[0])'
}

# class_ids PROGRAM: the class numbers of its report, to show they collide.
class_ids() {
	ULOCKDEP_OPTIONS=format=json LD_PRELOAD=$LIB "$@" 2>&1 >/dev/null |
		python3 -c '
import json, sys
for o in map(json.loads, sys.stdin):
    if o.get("kind") == "circular":
        print(sorted(l["class_id"] for l in o["chain"]))'
}

s1=$(sig "$T/fp")
s2=$(sig "$T/fp")
s_extra=$(sig "$T/fp_extra")
s_other=$(sig "$T/fp_other")
s_ends=$(sig "$T/ends")
echo "$s1" | grep -Eq '^[0-9a-f]{16}$' || fail "no signature: '$s1'"
[ "$s1" = "$s2" ] || fail "two runs: $s1 and $s2"
[ "$s1" = "$s_extra" ] || fail "an unrelated lock changed the fingerprint: $s1, $s_extra"
[ "$(class_ids "$T/fp_extra")" != "$(class_ids "$T/fp")" ] ||
	fail "-DEXTRA did not renumber the classes: the check above proves nothing"
[ "$s1" != "$s_other" ] || fail "two different inversions share fingerprint $s1"
[ "$(class_ids "$T/fp_other")" = "$(class_ids "$T/fp")" ] ||
	fail "-DOTHER's classes have other numbers: the check above proves less"
[ "$s1" != "$s_ends" ] && [ "$s_other" != "$s_ends" ] ||
	fail "another program's inversion shares a fingerprint: $s_ends"

# SARIF: the same fingerprint.
ULOCKDEP_OPTIONS=format=sarif LD_PRELOAD=$LIB "$T/fp_extra" 2>"$T/sarif" >/dev/null
python3 - "$T/sarif" "$s1" <<'PY' || fail "SARIF partialFingerprints (above)"
import json, sys
log = json.load(open(sys.argv[1]))
fps = [r["partialFingerprints"]["ulockdepSignature/v1"] for r in log["runs"][0]["results"]]
assert fps == [sys.argv[2]], fps
PY

# A process record's report line: the same signature.
mkdir "$T/d"
ULOCKDEP_RECORD_DIR=$T/d LD_PRELOAD=$LIB "$T/fp" 2>/dev/null
grep -q "^{\"report\":{.*\"signature\":\"$s1\"" "$T"/d/*.rec || fail "the record's report has another signature"

finish "fingerprints equal across runs and with an unrelated lock, different for different bugs"
