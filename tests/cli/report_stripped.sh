#!/bin/sh
# report_stripped.sh BUILD_DIR: a stripped program (tests/report/stripped.c,
# built as a PIE with -g, the runtime sees a stripped copy; the unstripped one
# is kept for addr2line and nm).
#  - Run twice, with ASLR: the same class names, each module+0xOFF (a static
#    lock by its address in the file, init and acquisition sites by the call),
#    though the locks' addresses differ.
#  - Every offset printed names the call's own line: addr2line on the
#    unstripped copy maps the class of the init site to the init call, the
#    acquisition to the lock call, each frame to its call; function+0xOFF in
#    the unstripped program and JSON's module_offset do the same.
#  - A lock: suppression naming such a class, and a deadlock: one naming a
#    frame module+0xOFF, silence the report.
. "$(dirname "$0")/prelude.sh"

S=$SRC/tests/report/stripped.c
line() {
	l=$(grep -n "MARK:$1 " "$S" | cut -d: -f1)
	[ -n "$l" ] || { echo "FAIL: MARK:$1 missing in $S"; exit 1; }
	echo "$l"
}
L_init=$(line init) L_acq=$(line acq_first) L_close=$(line close)
L_call=$(line call_backward)

gcc -O0 -g -fPIE -pie -pthread -o "$T/prog.debug" "$S" &&
	strip -o "$T/prog" "$T/prog.debug" || { echo "FAIL: gcc/strip"; exit 1; }
[ -z "$(nm "$T/prog" 2>/dev/null)" ] || fail "the stripped program still has symbols"

# where HEX: the source line addr2line gives for an offset in the program.
where() {
	addr2line -e "$T/prog.debug" "$1" | sed 's/.*://; s/ .*//'
}
# check_line WHAT HEX LINE: HEX must map to LINE of stripped.c.
check_line() {
	[ -n "$2" ] || { fail "$1: no offset found in the report"; return; }
	got=$(where "$2")
	[ "$got" = "$3" ] || fail "$1: addr2line -e prog $2 gives line $got, expected $3 (the call)"
}

for run in 1 2; do
	"$U" run -- "$T/prog" >/dev/null 2>"$T/run$run.err"; rc=$?
	[ $rc -eq 66 ] || fail "run $run: exit $rc, expected 66"
	# Class names, from lock lines and chain entries.
	sed -n 's/^[0-9a-f]\{16\} (\([^)]*\)).*/\1/p; s/^-> #[0-9]* (\([^)]*\)).*/\1/p' \
		"$T/run$run.err" | sort -u >"$T/names$run"
	sed -n 's/^\([0-9a-f]\{16\}\) (.*/\1/p' "$T/run$run.err" | sort -u >"$T/addrs$run"
done
[ "$(wc -l <"$T/names1")" -eq 3 ] || fail "expected 3 class names, got: $(cat "$T/names1")"
cmp -s "$T/names1" "$T/names2" ||
	fail "class names differ between runs: $(cat "$T/names1") / $(cat "$T/names2")"
bad=$(grep -v '^\(acq:\)\{0,1\}prog+0x[0-9a-f]*$' "$T/names1")
[ -z "$bad" ] || fail "class names not module+0xOFF: $bad"
# Equal names prove nothing if the program was loaded at one place twice.
if [ "$(cat /proc/sys/kernel/randomize_va_space 2>/dev/null)" != 0 ] &&
	cmp -s "$T/addrs1" "$T/addrs2"; then
	fail "the lock addresses are the same in both runs: no ASLR to test against"
fi

# The static lock: its offset in the file, which nm gives for the variable.
want=$(nm "$T/prog.debug" | sed -n 's/^0*\([0-9a-f]*\) [bBdD] static_lock$/prog+0x\1/p')
grep -qx "$want" "$T/names1" || fail "static_lock not named $want: $(cat "$T/names1")"
# The init and acquisition sites: the offset of the call.
init=$(sed -n 's/^prog+\(0x[0-9a-f]*\)$/\1/p' "$T/names1" | grep -vx "${want#prog+}")
acq=$(sed -n 's/^acq:prog+\(0x[0-9a-f]*\)$/\1/p' "$T/names1")
check_line "init-site class" "$init" "$L_init"
check_line "acquisition-site class" "$acq" "$L_acq"

# The acquisition that closes the cycle, and the stack up to main's call.
at=$(sed -n '/is trying to acquire lock:/{n;s/.*, at: prog+\(0x[0-9a-f]*\)$/\1/p;}' "$T/run1.err")
check_line "'at:' of the lock taken" "$at" "$L_close"
frames=$(sed -n '/^stack backtrace:/,$s/^       prog+\(0x[0-9a-f]*\)$/\1/p' "$T/run1.err" | head -2)
check_line "backtrace frame #0" "$(echo "$frames" | sed -n 1p)" "$L_close"
check_line "backtrace frame #1" "$(echo "$frames" | sed -n 2p)" "$L_call"

# JSON: module_offset is the same call site.
ULOCKDEP_OPTIONS=format=json "$U" run -- "$T/prog" >/dev/null 2>"$T/json.err"
mo=$(python3 -c '
import json, sys
r = json.loads(sys.stdin.readline())
print(hex(r["target"]["at"][0]["module_offset"]))' <"$T/json.err") ||
	fail "JSON: no target.at[0].module_offset"
check_line "JSON module_offset" "$mo" "$L_close"

# Unstripped: function+0xOFF from the symbol's address names the call too.
"$U" run -- "$T/prog.debug" >/dev/null 2>"$T/debug.err"
off=$(sed -n '/is trying to acquire lock:/{n;s/.*, at: backward+\(0x[0-9a-f]*\)\/0x[0-9a-f]* .*/\1/p;}' "$T/debug.err")
sym=$(nm "$T/prog.debug" | sed -n 's/^\([0-9a-f]*\) T backward$/0x\1/p')
if [ -n "$off" ] && [ -n "$sym" ]; then
	check_line "backward+$off" "$(printf '0x%x' $((sym + off)))" "$L_close"
else
	fail "unstripped: no 'at: backward+0xOFF/0xSIZE' line or no symbol"
fi
grep -q "at: backward+$off/0x[0-9a-f]* .*stripped.c:$L_close\$" "$T/debug.err" ||
	fail "unstripped: 'at:' line does not name stripped.c:$L_close"

# Suppressions name what the stripped report prints.
supp() {
	printf '%s\n' "$2" >"$T/$1.supp"
	"$U" run --suppressions="$T/$1.supp" -- "$T/prog" >/dev/null 2>"$T/$1.err"; rc=$?
	[ $rc -eq 0 ] || fail "$1 ($2): exit $rc, expected 0"
	grep -q '^WARNING:' "$T/$1.err" && fail "$1 ($2): still reported"
}
supp static "lock:^$want\$"
supp init "lock:^prog+$init\$"
supp acq "lock:^acq:prog+$acq\$"
supp frame "deadlock:^prog+$at\$"
# One that names nothing in the report changes nothing.
printf 'lock:^prog+0x1$\ndeadlock:^prog+0x1$\n' >"$T/none.supp"
"$U" run --suppressions="$T/none.supp" -- "$T/prog" >/dev/null 2>&1; rc=$?
[ $rc -eq 66 ] || fail "non-matching suppressions: exit $rc, expected 66"

if [ $fails -ne 0 ]; then
	echo "--- run 1 ---"; cat "$T/run1.err"
	echo "--- run 2 ---"; cat "$T/run2.err"
fi
finish "stripped program: stable module+0xOFF class names, offsets at the call's line, suppressions by them"
