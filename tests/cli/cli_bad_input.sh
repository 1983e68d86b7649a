#!/bin/sh
# `ulockdep run` refuses bad input before anything runs: unknown options, bad
# values, a malformed ULOCKDEP_OPTIONS, a missing or non-executable program, a
# missing runtime library. Each case checks the exit status, that the message
# names the culprit, and that the program did not run: it would have created a
# marker file.
# Usage: cli_bad_input.sh BUILD_DIR
. "$(dirname "$0")/prelude.sh"

# The would-be program: leaves a marker when it runs.
MARK="$T/marker"
printf '#!/bin/sh\ntouch "%s"\n' "$MARK" >"$T/mk"
chmod 755 "$T/mk"
# Option and program checks come first; a stand-in library keeps these cases
# independent of whether libulockdep.so is built (ld.so skips a non-ELF file).
: >"$T/stand-in.so"
ULOCKDEP_LIB="$T/stand-in.so"
export ULOCKDEP_LIB

# expect STATUS 'TEXT' CMD...: run CMD, check its status, that stderr holds
# TEXT (a fixed string) and that the marker was not created.
expect() {
	want=$1 text=$2
	shift 2
	rm -f "$MARK"
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq "$want" ] || fail "'$*' exited $rc, expected $want; stderr: $(cat "$T/err")"
	grep -qF -e "$text" "$T/err" || fail "'$*': stderr lacks \"$text\"; got: $(cat "$T/err")"
	[ -e "$MARK" ] && fail "'$*': the program ran"
	[ -s "$T/out" ] && fail "'$*': wrote to stdout: $(cat "$T/out")"
}

# Control: with good input the marker does appear, so its absence means something.
rm -f "$MARK"
"$U" run --strict -- "$T/mk" 2>/dev/null
[ -e "$MARK" ] || fail "control: 'ulockdep run --strict -- mk' did not run the program"
# The largest integer is a valid value.
rm -f "$MARK"
"$U" run --report-max=9223372036854775807 -- "$T/mk" 2>"$T/err" ||
	fail "--report-max=LONG_MAX refused: $(cat "$T/err")"
[ -e "$MARK" ] || fail "--report-max=LONG_MAX: the program did not run"

# Command-line options.
expect 2 "ulockdep: unknown option '--frobnicate'" "$U" run --frobnicate -- "$T/mk"
expect 2 "ulockdep: unknown option '--no-report-max'" "$U" run --no-report-max "$T/mk"
expect 2 "ulockdep: unknown option '-s'" "$U" run -s "$T/mk"
expect 2 "ulockdep: option 'strict' expects a boolean (0/1/yes/no/true/false), got 'maybe'" \
	"$U" run --strict=maybe "$T/mk"
expect 2 "ulockdep: option 'report_max' expects a non-negative integer, got 'x'" \
	"$U" run --report-max=x "$T/mk"
expect 2 "ulockdep: option 'report_max' expects a non-negative integer, got '-3'" \
	"$U" run --report_max -3 "$T/mk"
expect 2 "ulockdep: option 'stack_frames' expects an integer from 1 to 64, got '0'" \
	"$U" run --stack-frames 0 "$T/mk"
expect 2 "ulockdep: option 'init_frames' expects an integer from 0 to 64, got '65'" \
	"$U" run --init-frames=65 "$T/mk"
expect 2 "ulockdep: option 'exitcode' expects an integer from 0 to 255, got '256'" \
	"$U" run --exitcode=256 "$T/mk"
expect 2 "ulockdep: option '--stack-frames' needs a value" "$U" run --stack-frames
# One past the largest integer is refused; the largest itself runs (below).
expect 2 "ulockdep: option 'report_max' expects a non-negative integer, got '9223372036854775808'" \
	"$U" run --report-max=9223372036854775808 "$T/mk"
expect 2 "ulockdep: --options: malformed item 'strict' (expected name=value)" \
	"$U" run --options=strict "$T/mk"
expect 2 "ulockdep: --options: unknown option 'nope'" \
	"$U" run --options 'strict=1:nope=2' "$T/mk"
expect 2 "ulockdep: run: no program given" "$U" run --strict
# A bad option after a good one still stops everything.
expect 2 "ulockdep: option 'summary' expects a boolean" \
	"$U" run --strict --summary=2 -- "$T/mk"

# ULOCKDEP_OPTIONS from the environment.
expect 2 "ulockdep: ULOCKDEP_OPTIONS: malformed item 'strict' (expected name=value)" \
	env ULOCKDEP_OPTIONS=strict "$U" run "$T/mk"
expect 2 "ulockdep: ULOCKDEP_OPTIONS: unknown option 'bogus'" \
	env ULOCKDEP_OPTIONS='strict=1:bogus=1' "$U" run "$T/mk"
expect 2 "ulockdep: ULOCKDEP_OPTIONS: option 'check_exit' expects a boolean (0/1/yes/no/true/false), got 'perhaps'" \
	env ULOCKDEP_OPTIONS='check_exit=perhaps' "$U" run --strict "$T/mk"
# The command line cannot rescue a malformed environment.
expect 2 "ulockdep: ULOCKDEP_OPTIONS: option 'report_max' expects a non-negative integer, got '-1'" \
	env ULOCKDEP_OPTIONS='report_max=-1' "$U" run --report-max=1 "$T/mk"

# A message quotes the input with its control characters shown as '?': one
# line, which cannot drive the terminal.
nl='
'
esc=$(printf '\033')
one_line() {
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "'$*': not one line: $(cat -v "$T/err")"
	grep -q "$esc" "$T/err" && fail "'$*': an escape reached stderr: $(cat -v "$T/err")"
	return 0
}
expect 2 "ulockdep: ULOCKDEP_OPTIONS: malformed item 'log_path='a?b?[7m'x' (text after the closing quote)" \
	env ULOCKDEP_OPTIONS="log_path='a${nl}b${esc}[7m'x" "$U" run "$T/mk"
one_line ULOCKDEP_OPTIONS
expect 2 "ulockdep: --options: option 'strict' expects a boolean (0/1/yes/no/true/false), got '?]0;t?'" \
	"$U" run --options="strict=${esc}]0;t$(printf '\007')" "$T/mk"
one_line --options
expect 2 "ulockdep: unknown option '--x?[2J?y'" "$U" run "--x${esc}[2J${nl}y" "$T/mk"
one_line --x
expect 2 "ulockdep: unknown command 'r?n'" "$U" "r${nl}n"
grep -q "^n'" "$T/err" && fail "unknown command: the newline reached stderr"

# Programs that cannot run.
expect 127 "ulockdep: cannot run 'no-such-program-$$': No such file or directory" \
	"$U" run -- "no-such-program-$$"
expect 127 "ulockdep: cannot run '$T/missing': No such file or directory" \
	"$U" run "$T/missing"
cp "$T/mk" "$T/noexec"
chmod 644 "$T/noexec"
expect 126 "ulockdep: cannot run '$T/noexec': Permission denied" "$U" run "$T/noexec"
mkdir "$T/bin"
cp "$T/noexec" "$T/bin/ud-noexec-$$"
expect 126 "ulockdep: cannot run 'ud-noexec-$$': Permission denied" \
	env PATH="$T/bin:$PATH" "$U" run "ud-noexec-$$"
expect 126 "ulockdep: cannot run '$T/bin': Is a directory" "$U" run -- "$T/bin"

# The runtime library.
expect 2 "ulockdep: ULOCKDEP_LIB: cannot use '$T/no-lib.so': No such file or directory" \
	env ULOCKDEP_LIB="$T/no-lib.so" "$U" run "$T/mk"
# A copy of the command with no library next to it or in ../lib*.
mkdir "$T/alone"
cp "$U" "$T/alone/ulockdep"
expect 2 "$T/alone/libulockdep.so" env -u ULOCKDEP_LIB "$T/alone/ulockdep" run "$T/mk"
grep -qF "$T/alone/../lib64/libulockdep.so" "$T/err" || fail "missing-library message does not list ../lib64: $(cat "$T/err")"
grep -qF "ULOCKDEP_LIB" "$T/err" || fail "missing-library message does not suggest ULOCKDEP_LIB"

finish "bad input refused, nothing run"
