#!/bin/sh
# report_stacks.sh BUILD_DIR: the frames of a report, from real binaries.
#  - tests/report/abba_inline.c at -O0 and -O2: both links of the chain show
#    their stacks with the right source lines (taken from the MARK comments of
#    the source, not hard-coded), the inlined helper as an [inline] frame, and
#    the lock classes named after their variables; the title is the function.
#  - the same program stripped: frames fall back to module+0xoff, no crash.
#  - a dlopen'ed library taking the locks: its frames name its functions with
#    file:line; stripped, from .dynsym without file:line.
. "$(dirname "$0")/prelude.sh"

# mark FILE NAME: the line number of the "MARK:NAME" comment.
mark() { grep -n "MARK:$2 " "$1" | cut -d: -f1; }

# has FILE NAME TEXT...: every TEXT is a line fragment present in FILE.
has() {
	f=$1 name=$2
	shift 2
	for s in "$@"; do
		grep -q -F -- "$s" "$f" || fail "$name: no line with '$s'"
	done
}

# section FILE FROM TO: the lines from the first matching FROM up to TO (excl).
section() { awk -v a="$2" -v b="$3" 'index($0, a) { on = 1 } on && index($0, b) && !index($0, a) { exit } on' "$1"; }

A=$SRC/tests/report/abba_inline.c
L_inl=$(mark "$A" inl_b) L_call=$(mark "$A" fwd_call)
L_bb=$(mark "$A" bwd_b) L_ba=$(mark "$A" bwd_a)
for l in "$L_inl" "$L_call" "$L_bb" "$L_ba"; do
	[ -n "$l" ] || { echo "FAIL: a MARK comment is missing in $A"; exit 1; }
done

for opt in O0 O2; do
	exe=$T/abba_$opt
	gcc -$opt -g -pthread -o "$exe" "$A" || { fail "gcc -$opt"; continue; }
	(cd "$T" && "$U" run -- "$exe" >"$T/$opt.out" 2>"$T/$opt.err"); rc=$?
	name="abba -$opt"
	[ $rc -eq 66 ] || fail "$name: exit $rc, expected 66"
	e=$T/$opt.err
	has "$e" "$name" \
		"WARNING: possible circular locking dependency detected" \
		"(lock_a){+...}-{3:3}, at: backward+0x" \
		"(lock_b){+...}-{3:3}, at: backward+0x" \
		"  1x possible deadlock in backward (lock_a -> lock_b -> lock_a)"
	# The title names the function, not the lock wrapper or libc.
	(cd "$T" && "$U" run --format=json -- "$exe" 2>&1 >/dev/null) |
		grep -q '"title":"possible deadlock in backward"' ||
		fail "$name: JSON title is not 'possible deadlock in backward'"
	# Link #1 (lock_b) was made in forward through the inlined helper.
	section "$e" "-> #1 (lock_b)" "-> #0" >"$T/$opt.l1"
	head -n 3 "$T/$opt.l1" | grep -q "^       take_b_inl [^ ]*abba_inline.c:$L_inl \[inline\]$" ||
		fail "$name: link #1 lacks 'take_b_inl abba_inline.c:$L_inl [inline]'"
	grep -q "^       forward+0x[0-9a-f]*/0x[0-9a-f]* [^ ]*abba_inline.c:$L_call$" "$T/$opt.l1" ||
		fail "$name: link #1 lacks 'forward+0x../0x.. abba_inline.c:$L_call'"
	# The inline frame comes right before the function it was inlined into.
	grep -A1 'take_b_inl' "$T/$opt.l1" | grep -q "forward+0x" ||
		fail "$name: the [inline] frame is not followed by forward"
	# Link #0 (lock_a) is the current acquisition in backward.
	section "$e" "-> #0 (lock_a)" "other info" >"$T/$opt.l0"
	grep -q "^       backward+0x[0-9a-f]*/0x[0-9a-f]* [^ ]*abba_inline.c:$L_ba$" "$T/$opt.l0" ||
		fail "$name: link #0 lacks 'backward+0x../0x.. abba_inline.c:$L_ba'"
	grep -q "(lock_b){+...}-{3:3}, at: backward+0x[0-9a-f]*/0x[0-9a-f]* [^ ]*abba_inline.c:$L_bb$" "$e" ||
		fail "$name: the held lock is not at abba_inline.c:$L_bb"
	[ $fails -eq 0 ] || { echo "--- $name stderr:"; cat "$e"; }
done

# Stripped: no symbols, no debug info: module+0xoff frames, same exit status.
cp "$T/abba_O2" "$T/abba_stripped" && strip --strip-all "$T/abba_stripped"
if nm "$T/abba_stripped" >/dev/null 2>&1 && nm "$T/abba_stripped" 2>/dev/null | grep -q forward; then
	fail "strip left the symbols in"
fi
"$U" run -- "$T/abba_stripped" >/dev/null 2>"$T/strip.err"; rc=$?
[ $rc -eq 66 ] || fail "stripped: exit $rc, expected 66"
has "$T/strip.err" stripped "WARNING: possible circular locking dependency detected" \
	"-> #1 (" "-> #0 (" "stack backtrace:"
grep -q "^       abba_stripped+0x[0-9a-f]*$" "$T/strip.err" ||
	fail "stripped: no 'abba_stripped+0xOFF' frame"
grep -q "abba_inline.c" "$T/strip.err" && fail "stripped: source lines without debug info?"
"$U" run --format=json -- "$T/abba_stripped" 2>&1 >/dev/null |
	grep -q '"title":"possible deadlock in abba_stripped+0x[0-9a-f]*"' ||
	fail "stripped: the title is not module+0xoff"

# dlopen: the lock calls are in the library.
D=$SRC/tests/report/dl_lib.c
gcc -O1 -g -fPIC -shared -pthread -o "$T/libdl_locks.so" "$D" &&
	gcc -O1 -g -o "$T/dl_main" "$SRC/tests/report/dl_main.c" -ldl || fail "building the dlopen test"
"$U" run -- "$T/dl_main" "$T/libdl_locks.so" >/dev/null 2>"$T/dl.err"; rc=$?
[ $rc -eq 66 ] || fail "dlopen: exit $rc, expected 66"
L_dl=$(mark "$D" dl_bwd_a)
grep -q "at: dl_backward+0x[0-9a-f]*/0x[0-9a-f]* .*dl_lib.c:$L_dl$" "$T/dl.err" ||
	fail "dlopen: no 'dl_backward+0x../0x.. dl_lib.c:$L_dl' lock line"
grep -q "^       dl_forward+0x" "$T/dl.err" || fail "dlopen: link stack lacks dl_forward"
"$U" run --format=json -- "$T/dl_main" "$T/libdl_locks.so" 2>&1 >/dev/null |
	grep -q '"title":"possible deadlock in dl_backward"' || fail "dlopen: title is not 'in dl_backward'"

strip --strip-all "$T/libdl_locks.so"
"$U" run -- "$T/dl_main" "$T/libdl_locks.so" >/dev/null 2>"$T/dls.err"; rc=$?
[ $rc -eq 66 ] || fail "dlopen stripped: exit $rc, expected 66"
grep -q "at: dl_backward+0x[0-9a-f]*/0x[0-9a-f]*$" "$T/dls.err" ||
	fail "dlopen stripped: no 'dl_backward+0x../0x..' (from .dynsym) without a file"
grep -q "dl_lib.c" "$T/dls.err" && fail "dlopen stripped: source lines without debug info?"
[ $fails -eq 0 ] || { echo "--- dlopen stderr:"; cat "$T/dl.err" "$T/dls.err"; }

finish "stacks with source lines and [inline] frames at -O0 and -O2; stripped and dlopen fallbacks"
