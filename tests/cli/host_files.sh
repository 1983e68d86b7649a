#!/bin/sh
# host_files.sh BUILD_DIR: the runtime never writes into the program's files
# and never hangs or dies on its output: a symlink or a FIFO planted at the
# log_path name, a data file dup2()ed onto the runtime's copy of stderr or
# opened as fd 2 after close_range(), a stderr pipe whose reader is gone, and
# a control character in an option's value or in thread and class names, a
# suppressions file that is not
# a regular file; and a setuid program linked with
# -lulockdep, run by another user, ignores the caller's paths.
. "$(dirname "$0")/prelude.sh"
gcc -O0 -g -pthread -I"$SRC/include" -o "$T/host" "$SRC/tests/report/host_files.c" ||
	{ echo "FAIL: gcc"; exit 1; }
DATA="program data
"

# data NAME: a fresh data file holding $DATA.
data() { printf '%s' "$DATA" > "$T/$1"; }
# same NAME: the data file is as it was.
same() { [ "$(cat "$T/$1")" = "$(printf '%s' "$DATA")" ]; }

# A symlink at PATH.<pid>: the report goes to stderr, the link's target is
# untouched.
data log.victim
timeout 20 "$U" run --log-path="$T/log" -- "$T/host" symlink "$T/log" 2>"$T/symlink.err"
rc=$?
[ $rc -eq 66 ] || fail "symlink: exit $rc, expected 66"
same log.victim || fail "symlink: the report was written through the link"
grep -q "^WARNING: possible circular locking dependency" "$T/symlink.err" ||
	fail "symlink: the report is not on stderr"
grep -q "cannot open log file" "$T/symlink.err" || fail "symlink: no word about the log file"

# A FIFO there: refused at once, not waited on.
timeout 20 "$U" run --log-path="$T/fifo" -- "$T/host" fifo "$T/fifo" 2>"$T/fifo.err"
rc=$?
[ $rc -eq 66 ] || fail "fifo: exit $rc, expected 66 (124: it hung)"
grep -q "not a regular file" "$T/fifo.err" || fail "fifo: no word about the FIFO"
grep -q "^WARNING: possible circular locking dependency" "$T/fifo.err" ||
	fail "fifo: the report is not on stderr"

# The program's data file dup2()ed onto fd 200-209: the report goes to the
# real stderr, never into the file.
data dup2.data
timeout 20 "$U" run -- "$T/host" dup2 "$T/dup2.data" 2>"$T/dup2.err"
rc=$?
[ $rc -eq 66 ] || fail "dup2: exit $rc, expected 66"
same dup2.data || fail "dup2: the report was written into the program's file"
grep -q "^WARNING: possible circular locking dependency" "$T/dup2.err" ||
	fail "dup2: the report is not on stderr"

# fd 2 closed, the data file opened as fd 2, every fd from 3 closed: the
# runtime has nowhere of its own to write, and writes nothing.
data cr.data
timeout 20 "$U" run -- "$T/host" closerange "$T/cr.data" 2>"$T/cr.err"
rc=$?
[ $rc -eq 66 ] || fail "closerange: exit $rc, expected 66"
same cr.data || fail "closerange: the report was written into the program's file"

# stderr a pipe whose reader is gone: no SIGPIPE death (141), the program's
# own status with exitcode=0.
rm -f "$T/pipe.rc"
{ timeout 20 "$U" run --exitcode=0 -- "$T/host" plain "$T/p"; echo $? > "$T/pipe.rc"; } 2>&1 | true
sleep 0.2
rc=$(cat "$T/pipe.rc" 2>/dev/null)
[ "$rc" = 0 ] || fail "closed pipe: exit '$rc', expected 0 (141: killed by SIGPIPE)"

# A newline in an option's value (preloaded by hand, so that the runtime
# parses it) makes no line of its own.
# (A quoted value may hold separators, newlines included.)
LD_PRELOAD="$B/libulockdep.so" ULOCKDEP_OPTIONS="suppressions='$T/none
FORGED: line'" timeout 20 "$T/host" plain "$T/p" 2>"$T/forge.err"
grep -q '^FORGED' "$T/forge.err" && fail "option value: a forged line reached the log"
grep -q "$T/none" "$T/forge.err" || fail "option value: no message about the missing file"

# Thread and class names with terminal escapes, a newline and invalid UTF-8:
# the text report has no control byte but newlines, no forged line, and is
# valid UTF-8.
timeout 20 "$U" run -- "$T/host" escape "$T/p" 2>"$T/esc.err"
rc=$?
[ $rc -eq 66 ] || fail "escape: exit $rc, expected 66"
grep -q "^WARNING: possible circular locking dependency" "$T/esc.err" || fail "escape: no report"
LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/esc.err" &&
	fail "escape: a control character reached the text report"
grep -q '^FORGED' "$T/esc.err" && fail "escape: a name started a line of its own"
iconv -f UTF-8 -t UTF-8 "$T/esc.err" >/dev/null 2>&1 || fail "escape: the report is not valid UTF-8"
grep -q 'evil' "$T/esc.err" || fail "escape: the class name is not shown"

# suppressions= names a FIFO, /dev/zero or /dev/urandom: refused at once by
# the command, and by the runtime preloaded by hand, which runs on without.
mkfifo "$T/supp.fifo"
for f in "$T/supp.fifo" /dev/zero /dev/urandom; do
	timeout 20 "$U" run --suppressions="$f" -- "$T/host" plain "$T/p" 2>"$T/supp.err"
	rc=$?
	[ $rc -eq 2 ] || fail "suppressions=$f: command exit $rc, expected 2 (124: it hung)"
	grep -q "not a regular file" "$T/supp.err" || fail "suppressions=$f: no word why"
	LD_PRELOAD="$B/libulockdep.so" ULOCKDEP_OPTIONS="suppressions=$f" \
		timeout 20 "$T/host" plain "$T/p" 2>"$T/supp.err"
	rc=$?
	[ $rc -eq 66 ] || fail "suppressions=$f, preloaded: exit $rc, expected 66 (124: it hung)"
	grep -q "running without suppressions" "$T/supp.err" ||
		fail "suppressions=$f, preloaded: no word why"
done

# A setuid program linked with the runtime, run by nobody: the caller's
# log_path and suppressions name a root-only directory; neither is opened.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 755 "$T"
	mkdir "$T/secret" && chmod 700 "$T/secret"
	echo "TOP SECRET LINE" > "$T/secret/s"
	gcc -O0 -pthread -I"$SRC/include" -o "$T/suid" "$SRC/tests/report/host_files.c" \
		-L"$B" -lulockdep -Wl,-rpath,"$B" && chmod 4755 "$T/suid" ||
		fail "setuid: cannot build the program"
	ULOCKDEP_OPTIONS="suppressions=$T/secret/s:log_path=$T/secret/log" \
		timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$T/suid" plain "$T/p" 2>"$T/suid.err"
	rc=$?
	[ $rc -eq 66 ] || fail "setuid: exit $rc, expected 66"
	ls "$T/secret" | grep -q log && fail "setuid: a log file was created in the caller's path"
	grep -q "TOP SECRET" "$T/suid.err" && fail "setuid: the secret file was read"
	grep -q "log_path and suppressions ignored" "$T/suid.err" ||
		fail "setuid: no word that the paths were ignored"
	grep -q "^WARNING: possible circular locking dependency" "$T/suid.err" ||
		fail "setuid: the report is not on stderr"
else
	echo "note: the setuid check needs root and setpriv; not run"
fi

finish "symlink, FIFO, dup2, close_range, closed pipe, option value, suppressions file and setuid"
