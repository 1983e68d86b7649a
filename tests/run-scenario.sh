#!/usr/bin/env bash
# run-scenario.sh ULOCKDEP PROGRAM SOURCE
# run-scenario.sh --kinds
#
# Runs one scenario program under `ulockdep run` and checks its output against
# the directives written as comments in SOURCE:
#   // EXPECT: <kind> [<kind>...]  none, or words of src/engine/report_kinds.inc
#                                  (one or more lines)
#   // OPTIONS: k=v:k=v            passed as ULOCKDEP_OPTIONS
#   // ARGS: ...                   program arguments (split on blanks)
#   // HANGS: yes                  a real deadlock: the report must be printed,
#                                  then the run must be killed by the timeout
#   // EXIT: N                     expected status (default 66 if a report is
#                                  expected, else 0; not used with HANGS)
#   // TIMEOUT: seconds            default 60, or 10 with HANGS
#   // CHECK: <text>               fixed text that must appear in the output
#   // CHECK-NOT: <text>           fixed text that must not appear
# The set of report kinds seen must equal the set expected: every expected
# kind at least once and no other kind. A kind is seen when its headline (in
# report_kinds.inc, made a pattern) is found in the output.
# tests/README.md says more. --kinds prints what this script reads from the
# list: each kind's word and headline pattern, a tab between.
#
# Environment:
#   UD_SCENARIO_OPTIONS  options appended to the scenario's own (they win)
#   UD_SCENARIO_VERDICTS a directory: the verdict (kinds seen with their
#                        counts, and the exit status) is written to a file
#                        named after the scenario, for comparing two runs
set -u

# ---- kinds ------------------------------------------------------------------

kinds_file="$(dirname "$0")/../src/engine/report_kinds.inc"

# "word<TAB>pattern" per kind, in the list's order. The quoted strings of an
# entry are its columns (the list keeps each on one line): the first is the
# word, the second the headline, whose regex characters are escaped and whose
# <thread> and <signal> become what the runtime prints there (extended regex).
# shellcheck disable=SC2016 # the $ are the awk's and sed's
kind_table=$(awk '
	/^UD_REPORT_KIND\(/ { n = 0; on = 1 }
	on {
		s = $0
		while (match(s, /"[^"]*"/)) {
			f[++n] = substr(s, RSTART + 1, RLENGTH - 2)
			s = substr(s, RSTART + RLENGTH)
		}
		if ($0 ~ /\)[ \t]*$/) {
			on = 0
			print f[1] "\t" f[2]
		}
	}' "$kinds_file" |
	sed -e 's/[][\.*^$(){}+?|]/\\&/g' \
		-e 's|<thread>|.*/[0-9]+|g' -e 's/<signal>/SIG[A-Z0-9+]+/g')
if [ -z "$kind_table" ]; then
	echo "run-scenario: no report kinds read from $kinds_file" >&2
	exit 2
fi
all_kinds=$(printf '%s\n' "$kind_table" | cut -f 1 | paste -sd ' ')

# kind -> the pattern of its headline
pattern() {
	printf '%s\n' "$kind_table" | awk -F '\t' -v k="$1" '$1 == k { print $2 }'
}

if [ "${1:-}" = --kinds ]; then
	printf '%s\n' "$kind_table"
	exit 0
fi

# ---- arguments ----------------------------------------------------------------

if [ $# -ne 3 ]; then
	echo "usage: $0 ULOCKDEP PROGRAM SOURCE, or $0 --kinds" >&2
	exit 2
fi
ulockdep=$1
program=$2
source=$3

for f in "$ulockdep" "$program"; do
	if [ ! -x "$f" ]; then
		echo "run-scenario: not executable: $f" >&2
		exit 2
	fi
done
if [ ! -r "$source" ]; then
	echo "run-scenario: cannot read $source" >&2
	exit 2
fi

# ---- directives -------------------------------------------------------------

# Print the values of directive $1, one per line (text after "// $1:", trimmed).
directive() {
	sed -n "s|^[[:space:]]*//[[:space:]]*$1:[[:space:]]*\(.*\)$|\1|p" "$source" |
		sed 's/[[:space:]]*$//'
}

expected=""
for word in $(directive EXPECT | tr ',' ' '); do
	case " none $all_kinds " in
	*" $word "*) ;;
	*)
		echo "run-scenario: $source: unknown EXPECT kind '$word'" >&2
		exit 2
		;;
	esac
	case " $expected " in
	*" $word "*) ;;
	*) expected="$expected $word" ;;
	esac
done
expected=${expected# }
if [ -z "$expected" ]; then
	echo "run-scenario: $source has no // EXPECT: line" >&2
	exit 2
fi
case " $expected " in
*" none "*)
	if [ "$expected" != none ]; then
		echo "run-scenario: $source: EXPECT none mixed with other kinds" >&2
		exit 2
	fi
	expected=""
	;;
esac

options=$(directive OPTIONS | tail -n 1)
if [ -n "${UD_SCENARIO_OPTIONS:-}" ]; then
	options="${options:+$options:}$UD_SCENARIO_OPTIONS"
fi
args=$(directive ARGS | tail -n 1)
hangs=$(directive HANGS | tail -n 1)
exit_want=$(directive EXIT | tail -n 1)
timeout_s=$(directive TIMEOUT | tail -n 1)

case "$hangs" in
yes) hangs=1 ;;
"" | no) hangs=0 ;;
*)
	echo "run-scenario: $source: HANGS must be yes or no, not '$hangs'" >&2
	exit 2
	;;
esac
if [ "$hangs" = 1 ] && [ -z "$expected" ]; then
	echo "run-scenario: $source: HANGS needs an expected report" >&2
	exit 2
fi
if [ "$hangs" = 1 ] && [ -n "$exit_want" ]; then
	echo "run-scenario: $source: EXIT makes no sense with HANGS" >&2
	exit 2
fi
if [ -z "$timeout_s" ]; then
	if [ "$hangs" = 1 ]; then timeout_s=10; else timeout_s=60; fi
fi
if [ -z "$exit_want" ]; then
	if [ -n "$expected" ]; then exit_want=66; else exit_want=0; fi
fi

# ---- run ----------------------------------------------------------------------

out=$(mktemp "${TMPDIR:-/tmp}/ulockdep-scenario.XXXXXX")
trap 'rm -f "$out"' EXIT

if [ -n "$options" ]; then
	export ULOCKDEP_OPTIONS="$options"
else
	unset ULOCKDEP_OPTIONS
fi
# timeout signals its whole process group, so forked children die with the run;
# -k: if SIGTERM is ignored, SIGKILL follows.
# shellcheck disable=SC2086 # ARGS are split on blanks on purpose
timeout -k 5 "$timeout_s" "$ulockdep" run -- "$program" $args >"$out" 2>&1 </dev/null
status=$?

# ---- check ------------------------------------------------------------------

failures=()
seen=""
seen_counts=""
for kind in $all_kinds; do
	n=$(grep -acE -- "$(pattern "$kind")" "$out")
	if [ "$n" -gt 0 ]; then
		seen="$seen $kind"
		seen_counts="$seen_counts $kind($n)"
	fi
done
seen=${seen# }

for kind in $expected; do
	case " $seen " in
	*" $kind "*) ;;
	*) failures+=("expected a '$kind' report, none was printed") ;;
	esac
done
for kind in $seen; do
	case " $expected " in
	*" $kind "*) ;;
	*) failures+=("unexpected '$kind' report") ;;
	esac
done

# A WARNING title that is none of the kinds above is a kind nobody expected.
known=$(for kind in $all_kinds; do pattern "$kind"; done | paste -sd '|')
others=$(grep -aE 'WARNING: ' "$out" | grep -avE -- "$known" | head -n 5)
if [ -n "$others" ]; then
	failures+=("report of an unknown kind: $(echo "$others" | head -n 1)")
fi

if grep -aqF 'ulockdep: internal error' "$out"; then
	failures+=("the runtime reported an internal error")
fi

if [ "$hangs" = 1 ]; then
	# 124: timeout's SIGTERM worked; 137: SIGKILL after -k.
	if [ "$status" -ne 124 ] && [ "$status" -ne 137 ]; then
		failures+=("expected a hang killed by the ${timeout_s}s timeout, got exit status $status")
	fi
else
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		failures+=("timed out after ${timeout_s}s (status $status)")
	elif [ "$status" -ge 128 ]; then
		failures+=("program crashed: status $status (signal $((status - 128)))")
	elif [ "$status" -ne "$exit_want" ]; then
		failures+=("exit status $status, expected $exit_want")
	fi
fi

while IFS= read -r text; do
	[ -z "$text" ] && continue
	if ! grep -aqF -- "$text" "$out"; then
		failures+=("CHECK text not found: $text")
	fi
done < <(directive CHECK)
while IFS= read -r text; do
	[ -z "$text" ] && continue
	if grep -aqF -- "$text" "$out"; then
		failures+=("CHECK-NOT text found: $text")
	fi
done < <(directive CHECK-NOT)

if [ -n "${UD_SCENARIO_VERDICTS:-}" ]; then
	mkdir -p "$UD_SCENARIO_VERDICTS" &&
		echo "${seen_counts# } status $status" \
			>"$UD_SCENARIO_VERDICTS/$(basename "$source")"
fi

if [ ${#failures[@]} -eq 0 ]; then
	echo "PASS $(basename "$source"): ${expected:-none} (status $status)"
	exit 0
fi

{
	echo "FAIL $(basename "$source")"
	for f in "${failures[@]}"; do echo "  - $f"; done
	if [ "$hangs" = 1 ]; then
		echo "expected: ${expected}; then a hang until the ${timeout_s}s timeout"
	else
		echo "expected: ${expected:-none}; exit ${exit_want}"
	fi
	seen_counts=${seen_counts# }
	echo "seen:     ${seen_counts:-none}; exit $status"
	echo "command:  ${options:+ULOCKDEP_OPTIONS=$options }timeout $timeout_s $ulockdep run -- $program $args"
	echo "---- output ----"
	cat "$out"
	echo "---- end of output ----"
} >&2
exit 1
