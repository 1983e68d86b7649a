#!/bin/sh
# record_sigdfl.sh BUILD_DIR: under `ulockdep run`, the runtime's record
# handler for fatal signals (docs/store.md) is invisible to the program:
#  - sigaction() and signal() report SIG_DFL for SIGINT, SIGTERM and SIGHUP,
#    as without ulockdep (tests/record/sigdfl.c);
#  - CPython, which installs its KeyboardInterrupt handler only over SIG_DFL,
#    still does, and a multiprocessing forkserver, which restores the
#    handlers it read, starts and finishes its pool;
#  - the handler still writes the record: a process dying of SIGTERM leaves
#    a record whose state is "signal".
. "$(dirname "$0")/prelude.sh"
gcc -O0 -g -o "$T/sigdfl" "$SRC/tests/record/sigdfl.c" ||
	{ echo "FAIL: cannot build the test program"; exit 1; }

"$T/sigdfl" >"$T/native.out" || fail "native run"
"$U" run -- "$T/sigdfl" >"$T/run.out" 2>"$T/run.err" || fail "ulockdep run: $(cat "$T/run.err")"
[ "$(cat "$T/native.out")" = "SIGINT dfl
SIGTERM dfl
SIGHUP dfl" ] || fail "native: $(cat "$T/native.out")"
cmp -s "$T/native.out" "$T/run.out" || fail "under ulockdep run: $(cat "$T/run.out")"

# The record handler is there all the same: death by SIGTERM is recorded.
D=$T/rec
mkdir "$D"
ULOCKDEP_RECORD_DIR=$D LD_PRELOAD=$B/libulockdep.so "$T/sigdfl" die >/dev/null 2>&1
rc=$?
[ $rc -eq 143 ] || fail "die: exit status $rc, expected death by SIGTERM (143)"
python3 "$SRC/tests/record/check_record.py" --dump "$D"/*.rec |
	grep -q '"state": "signal", "status": 15' ||
	fail "die: no record of death by SIGTERM: $(ls "$D")"

if command -v python3 >/dev/null; then
	"$U" run -- python3 -c '
import signal
assert signal.getsignal(signal.SIGINT) is signal.default_int_handler, signal.getsignal(signal.SIGINT)
' 2>"$T/py.err" || fail "python3: no KeyboardInterrupt handler: $(tail -3 "$T/py.err")"
	cat >"$T/fs.py" <<'PY'
import multiprocessing as mp
def square(x):
    return x * x
if __name__ == "__main__":
    with mp.get_context("forkserver").Pool(2) as p:
        print(sum(p.map(square, range(20))))
PY
	out=$(timeout 120 "$U" run -- python3 "$T/fs.py" 2>"$T/fs.err")
	[ "$out" = 2470 ] || fail "forkserver pool: '$out', $(grep -c Error "$T/fs.err") errors: $(tail -3 "$T/fs.err")"
else
	fail "python3 is needed (tests/record/check_record.py)"
fi

finish "fatal-signal record handler invisible to the program"
