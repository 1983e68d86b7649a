#!/bin/sh
# record_signal_default.sh BUILD_DIR: with process records on (as under
# ulockdep run), the runtime catches fatal signals whose action is the
# default, to write the record first; the program must still see the default
# action there (sigaction's old action, signal()'s return value). CPython
# reads it at start: with a foreign handler on SIGINT it installs no
# KeyboardInterrupt handler, and its multiprocessing forkserver then fails
# to restore SIGINT in each child, so a forkserver pool re-forks workers for
# ever.
. "$(dirname "$0")/prelude.sh"
gcc -O0 -g -o "$T/sig_default" "$SRC/tests/report/sig_default.c" ||
	{ echo "FAIL: cannot build the test program"; exit 1; }

"$U" run -- "$T/sig_default" >"$T/out" 2>"$T/err" ||
	fail "sig_default under ulockdep run: status $?"
[ "$(cat "$T/out")" = ok ] || fail "under ulockdep run: $(cat "$T/out")"

py=$(command -v python3)
if [ -n "$py" ]; then
	"$U" run -- "$py" -c 'import signal; print(signal.getsignal(signal.SIGINT).__name__)' \
		>"$T/py" 2>"$T/pyerr"
	[ "$(cat "$T/py")" = default_int_handler ] ||
		fail "python3's SIGINT handler under ulockdep run: $(cat "$T/py" "$T/pyerr")"
	cat >"$T/fs.py" <<'PY'
import multiprocessing as mp
if __name__ == "__main__":
    with mp.get_context("forkserver").Pool(1) as p:
        print(p.apply(abs, (-3,)))
PY
	timeout -k 5 120 "$U" run -- "$py" "$T/fs.py" >"$T/fs" 2>"$T/fserr"
	rc=$?
	[ $rc -eq 0 ] && [ "$(cat "$T/fs")" = 3 ] ||
		fail "forkserver pool under ulockdep run: status $rc: $(cat "$T/fs"; tail -3 "$T/fserr")"
fi
finish record_signal_default
