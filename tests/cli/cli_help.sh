#!/bin/sh
# `ulockdep --help`, `ulockdep run --help` and `ulockdep --version`: the run
# help names every option of src/base/options.inc (read from the file, not a
# copy of the list) with its default, the environment and the exit statuses;
# each help fits 80 columns; --help=x, --version=x and help for no command are
# refused with a message naming what is wrong, exit 2.
# Usage: cli_help.sh BUILD_DIR
. "$(dirname "$0")/prelude.sh"

# Top-level help.
"$U" --help >"$T/help" 2>"$T/err"; rc=$?
[ $rc -eq 0 ] || fail "ulockdep --help exited $rc"
grep -q 'ulockdep run' "$T/help" || fail "ulockdep --help does not mention 'ulockdep run'"
[ -s "$T/err" ] && fail "ulockdep --help wrote to stderr: $(cat "$T/err")"
"$U" -h >"$T/h" 2>&1 && cmp -s "$T/help" "$T/h" || fail "ulockdep -h differs from --help"

# run --help: every option, from options.inc.
"$U" run --help >"$T/run" 2>"$T/err"; rc=$?
[ $rc -eq 0 ] || fail "ulockdep run --help exited $rc"
names=$(sed -n 's/^UD_OPTION([A-Z]*, *\([A-Za-z0-9_]*\),.*/\1/p' "$SRC/src/base/options.inc")
count=$(echo "$names" | wc -w)
[ "$count" -ge 5 ] || fail "read only $count option names from options.inc"
for n in $names; do
	line=$(grep "^  $n " "$T/run")
	[ -n "$line" ] || { fail "run --help does not list option '$n'"; continue; }
	echo "$line" | grep -q 'default ' || fail "run --help gives no default for '$n': $line"
done
for word in ULOCKDEP_OPTIONS ULOCKDEP_LIB LD_PRELOAD --options ' 2 ' 126 127 66; do
	grep -q -e "$word" "$T/run" || fail "run --help does not mention '$word'"
done
"$U" help run >"$T/run2" 2>&1 && cmp -s "$T/run" "$T/run2" || fail "'ulockdep help run' differs from 'ulockdep run --help'"
# --help after options still shows the help and runs nothing.
"$U" run --strict --help >"$T/run3" 2>&1 && cmp -s "$T/run" "$T/run3" || fail "'run --strict --help' differs from 'run --help'"

# Both helps fit a terminal of 80 columns.
for h in help run; do
	awk -v h="$h" 'length($0) > 80 { printf "FAIL: %s help, line %d is %d columns: %s\n", h, NR, length($0), $0; bad = 1 }
		END { exit bad }' "$T/$h" || fails=$((fails + 1))
done

# Version (what it says: cli/version).
"$U" --version >/dev/null; rc=$?
[ $rc -eq 0 ] || fail "ulockdep --version exited $rc"

# Usage errors.
"$U" >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 2 ] || fail "ulockdep without arguments exited $rc, expected 2"
grep -q 'Usage:' "$T/err" || fail "ulockdep without arguments printed no usage on stderr"
"$U" frobnicate >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 2 ] || fail "unknown command exited $rc, expected 2"
grep -q "unknown command 'frobnicate'" "$T/err" || fail "unknown command message: $(cat "$T/err")"
"$U" --frobnicate >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 2 ] || fail "unknown top-level option exited $rc, expected 2"
grep -q "unknown option '--frobnicate'" "$T/err" || fail "unknown top-level option message: $(cat "$T/err")"

# Help options take no value; help is for a command that exists.
# refused NAME WANT CMD...: CMD exits 2, printing WANT on stderr and nothing on stdout.
refused() {
	name=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"; rc=$?
	[ $rc -eq 2 ] || fail "$name: exit $rc, expected 2"
	grep -qF -e "$want" "$T/err" || fail "$name: stderr '$(cat "$T/err")', expected '$want'"
	[ -s "$T/out" ] && fail "$name: printed on stdout: $(head -3 "$T/out")"
}
refused "run --help=x" "ulockdep: option '--help' takes no value (given '--help=x')" "$U" run --help=x
refused "run --help=" "option '--help' takes no value" "$U" run --help= -- true
refused "run --strict --help=yes" "option '--help' takes no value" "$U" run --strict --help=yes
refused "--help=x" "ulockdep: option '--help' takes no value (given '--help=x')" "$U" --help=x
refused "--version=1" "ulockdep: option '--version' takes no value" "$U" --version=1
refused "help frobnicate" "ulockdep: no help for 'frobnicate'" "$U" help frobnicate
refused "--help frobnicate" "ulockdep: no help for 'frobnicate'" "$U" --help frobnicate

finish "help, version and their errors"
