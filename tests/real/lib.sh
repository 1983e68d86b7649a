# lib.sh: what the scripts of tests/real share; sourced, bash.
#   SRC   the source tree
#   U     the ulockdep command (ULOCKDEP, else build/ulockdep of the tree)
#   W     the work directory (REAL_WORK, else a new one under /tmp); kept,
#         since the reports in W/logs are what a run is read for
#   T     seconds a run may take (REAL_TIMEOUT, default 900); 124 is the
#         status of one that did not end
#   ud_cmd NAME prints the command that puts a program under the runtime,
#         with the options of UL_OPTS (say UL_OPTS='--init-frames=1')
# real_pair NAME CMD... runs CMD natively, then under ulockdep, compares
# stdout and exit status, and lists the reports (real_reports NAME).
# A workload whose output is not the same twice prints what is, such as
# checksums and counts.

set -u

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
U=${ULOCKDEP:-$SRC/build/ulockdep}
if [ ! -x "$U" ]; then
	echo "no ulockdep command at $U: run 'make build' or set ULOCKDEP" >&2
	exit 2
fi
W=${REAL_WORK:-$(mktemp -d /tmp/ulockdep-real.XXXXXX)}
mkdir -p "$W/logs"
UL_OPTS=${UL_OPTS:-}
T=${REAL_TIMEOUT:-900}
unset ULOCKDEP_OPTIONS ULOCKDEP_LIB

# ud_cmd NAME: the prefix that runs a command under the runtime, its reports
# going to W/logs/NAME.<pid>.
ud_cmd() {
	# shellcheck disable=SC2086 # UL_OPTS is a list of options
	echo "$U" run --log-path="$W/logs/$1" $UL_OPTS --
}

need() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || {
			echo "missing command: $c (see tests/real/README.md)" >&2
			exit 2
		}
	done
}

# real_reports NAME: the reports of the processes run as NAME, by title and
# cycle, from the runtime's end-of-process summaries, and the tree check of
# ulockdep run (in W/NAME.ud.err when there is one).
real_reports() {
	local n=$1 logs
	logs=$(ls "$W/logs/$n".* 2>/dev/null)
	if [ -z "$logs" ]; then
		echo "$n: no report"
	else
		echo "$n: reports (summary lines of $(echo "$logs" | wc -l) log(s) in $W/logs):"
		# shellcheck disable=SC2086
		grep -h '^WARNING:' $logs | sort | uniq -c | sed 's/^/    /'
		# shellcheck disable=SC2086
		grep -h '^  [0-9][0-9]*x ' $logs | sed 's/^/  /'
	fi
	if [ -f "$W/$n.ud.err" ]; then
		grep -a '^ulockdep: .*process' "$W/$n.ud.err" | sed 's/^/  /'
	fi
}

# real_pair NAME CMD...: CMD natively, then under ulockdep, in the current
# directory; stdout and exit status compared. Before each run the command
# named by REAL_PRE (if set) is run natively with the argument native or ud;
# after it, REAL_POST's output is added to the output compared.
real_pair() {
	local n=$1 rn ru
	shift
	rm -f "$W/logs/$n".*
	${REAL_PRE:-:} native
	timeout -k 10 "$T" "$@" >"$W/$n.native.out" 2>"$W/$n.native.err"
	rn=$?
	${REAL_POST:-:} >>"$W/$n.native.out"
	${REAL_PRE:-:} ud
	# shellcheck disable=SC2046
	timeout -k 10 "$T" $(ud_cmd "$n") "$@" >"$W/$n.ud.out" 2>"$W/$n.ud.err"
	ru=$?
	${REAL_POST:-:} >>"$W/$n.ud.out"
	real_compare "$n" "$rn" "$ru"
	real_reports "$n"
}

# real_compare NAME NATIVE_STATUS UD_STATUS: W/NAME.native.out against
# W/NAME.ud.out (a script that runs its own passes writes these); 66 (exitcode) is expected under ulockdep when something
# was reported.
real_compare() {
	local n=$1
	if cmp -s "$W/$n.native.out" "$W/$n.ud.out"; then
		echo "$n: output the same ($(wc -l <"$W/$n.native.out") lines)"
	else
		echo "$n: OUTPUT DIFFERS: diff $W/$n.native.out $W/$n.ud.out"
	fi
	echo "$n: exit status native $2, under ulockdep $3"
}
