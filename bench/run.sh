#!/usr/bin/env bash
# run.sh BUILD: builds the benchmark programs into BUILD/bench/, runs every
# workload natively, under `BUILD/ulockdep run`, under TSan and under
# Helgrind, and prints ns/op with the ratio to native. Then runs the scaling
# program natively and under ulockdep. A checker that is missing is skipped
# with a message. Called by `make bench`.
#
# Environment:
#   BENCH_WORKLOADS  workloads to run (default: all, see `lockbench list`)
#   BENCH_THREADS    thread counts for every workload (default: each
#                    workload's own, the third column of `lockbench list`)
#   BENCH_DIV        divide every iteration count by this (quick runs)
#   BENCH_SCALE_SECS time limit of the scaling program (default 50)
#   BENCH_REPEAT     sweeps of native and ulockdep runs over every cell, the
#                    best of each kept (default 3): other load on the machine
#                    then has to hit every sweep to move a figure
#   BENCH_INSTR=1    also count instructions per op (callgrind, one thread):
#                    slower, but unmoved by other load on the machine
#   BENCH_LOCKSTAT   workloads also run under `ulockdep run --lock-stat`
#                    (docs/lock-stat.md), against native and ulockdep
#                    (default: the four goal workloads; "" for none)
#   CC               compiler (default gcc)
set -u

BUILD=${1:?usage: bench/run.sh BUILD}
SRC=$(cd "$(dirname "$0")" && pwd)
OUT=$BUILD/bench
LOGS=$OUT/logs
CC=${CC:-gcc}
THREADS=${BENCH_THREADS:-}
DIV=${BENCH_DIV:-1}
SCALE_SECS=${BENCH_SCALE_SECS:-50}
REPEAT=${BENCH_REPEAT:-3}
TSAN_DIV=5		# TSan runs a fifth of the iterations
HG_DIV=500		# Helgrind a five-hundredth, one thread only
ISSUE="flat nest4 table_object rw_then_mutex"	# the goal's geometric mean
# Patterns of real test suites, each to stay within 3x native.
PATTERNS="stripe tree list rw_tree rw_list churn pool random_pairs deep100_ooo deep300_ooo"
mkdir -p "$LOGS" || exit 1
rm -f "$LOGS"/*

say() { printf 'bench: %s\n' "$*"; }

# --- build ------------------------------------------------------------------
CFLAGS="-O2 -g -pthread -Wall -Wextra"
if ! $CC $CFLAGS -o "$OUT/lockbench" "$SRC/lockbench.c" ||
   ! $CC $CFLAGS -o "$OUT/scale" "$SRC/scale.c"; then
	say "cannot build the benchmark with $CC"
	exit 1
fi
LB=$OUT/lockbench

have_tsan=0
if $CC $CFLAGS -fsanitize=thread -o "$OUT/lockbench-tsan" "$SRC/lockbench.c" \
	2>"$LOGS/tsan-build.err" && "$OUT/lockbench-tsan" list >/dev/null 2>&1; then
	have_tsan=1
else
	say "TSan skipped: $CC cannot build or run a -fsanitize=thread program" \
	    "(see $LOGS/tsan-build.err)"
fi

have_ud=0
UD=$BUILD/ulockdep
if [ ! -x "$UD" ] || [ ! -f "$BUILD/libulockdep.so" ]; then
	say "ulockdep skipped: $UD or $BUILD/libulockdep.so not built"
elif ! "$UD" run -- "$LB" list >/dev/null 2>"$LOGS/ulockdep-check.err"; then
	say "ulockdep skipped: '$UD run' does not work (see $LOGS/ulockdep-check.err)"
else
	have_ud=1
	UDLIB=$(cd "$BUILD" && pwd)/libulockdep.so
fi

have_hg=0
if ! command -v valgrind >/dev/null 2>&1; then
	say "Helgrind skipped: valgrind is not installed"
elif ! valgrind --tool=helgrind -q "$LB" list >/dev/null 2>&1; then
	say "Helgrind skipped: valgrind --tool=helgrind does not run"
else
	have_hg=1
fi

# --- runs -------------------------------------------------------------------
# run TAG CMD...: prints the ns/op of the one result line, "fail" if there is
# none, with a trailing "!" if the exit status was not 0 (e.g. a report).
run() {
	local tag=$1 out rc
	shift
	out=$("$@" 2>"$LOGS/$tag.err")
	rc=$?
	printf '%s\n' "$out" >"$LOGS/$tag.out"
	out=$(printf '%s\n' "$out" | awk 'NF == 3 { v = $3 } END { print v }')
	if [ -z "$out" ]; then
		echo fail
	elif [ $rc -ne 0 ]; then
		echo "$out!"
	else
		echo "$out"
	fi
}

# best A B: the smaller of two results of run(); a "!" or "fail" in either
# is kept, so that a report or a failure is never hidden by another run.
best() {
	case "$1$2" in
	*fail*) echo fail; return ;;
	esac
	awk -v a="$1" -v b="$2" 'BEGIN {
		m = (a ~ /!/ || b ~ /!/) ? "!" : ""
		x = a; sub(/!/, "", x); y = b; sub(/!/, "", y)
		if (a == "") { print y m; exit }
		print ((x + 0 <= y + 0) ? x : y) m }'
}

# cell VALUE NATIVE: "12.3 (1.9x)", or the marker alone.
cell() {
	case $1 in
	-|fail) echo "$1" ;;
	*) awk -v v="${1%!}" -v n="$2" -v m="${1//[0-9.]/}" 'BEGIN {
		r = n + 0 > 0 ? v / n : 0
		if (r >= 100) printf "%.0f (%.0fx)%s", v, r, m
		else if (r > 0) printf "%.1f (%.1fx)%s", v, r, m
		else printf "%.1f%s", v, m }' ;;
	esac
}

workloads=${BENCH_WORKLOADS:-$("$LB" list | awk '{ print $1 }')}
iters_of() { "$LB" list | awk -v w="$1" -v d="$DIV" '$1 == w { n = int($2 / d); print n < 1 ? 1 : n }'; }
threads_of() {
	if [ -n "$THREADS" ]; then echo "$THREADS"; return; fi
	"$LB" list | awk -v w="$1" '$1 == w { gsub(",", " ", $3); print $3 }'
}

load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
cpus=$(nproc 2>/dev/null || echo 1)
if [ -n "$load" ] && awk -v l="$load" -v c="$cpus" 'BEGIN { exit !(l > c / 2) }'; then
	say "note: load average $load on $cpus CPUs: other work will disturb the numbers"
fi
say "workloads: $(echo $workloads); threads: ${THREADS:-per workload}; logs in $LOGS"
say "ns/op = wall time of a round / iterations per thread (best of 3 rounds;"
say "native and ulockdep: best of $REPEAT runs, one per sweep, side by side);"
say "TSan runs 1/$TSAN_DIV of the iterations, Helgrind 1/$HG_DIV and one thread"
echo
fmt='%-14s %3s %9s %18s %18s %20s\n'
results=$OUT/results.txt
: >"$results"
# Native and ulockdep first, in $REPEAT sweeps over every cell, each cell's
# two runs side by side: a spell of other load on the machine then disturbs
# one sweep's runs of a cell, not all of them.
declare -A nat_best ud_best
for r in $(seq "$REPEAT"); do
	[ "$REPEAT" -gt 1 ] && say "native and ulockdep, sweep $r of $REPEAT"
	for w in $workloads; do
		n=$(iters_of "$w")
		[ -z "$n" ] && continue
		for t in $(threads_of "$w"); do
			k="$w $t"
			nat_best[$k]=$(best "${nat_best[$k]:-}" \
				"$(run "native-$w-$t-$r" "$LB" "$w" "$t" "$n")")
			[ $have_ud = 1 ] &&
				ud_best[$k]=$(best "${ud_best[$k]:-}" \
					"$(run "ulockdep-$w-$t-$r" "$UD" run -- "$LB" "$w" "$t" "$n")")
		done
	done
done
[ "$REPEAT" -gt 1 ] && echo
printf "$fmt" workload thr native ulockdep tsan helgrind
for w in $workloads; do
	n=$(iters_of "$w")
	if [ -z "$n" ]; then
		say "unknown workload $w"
		continue
	fi
	for t in $(threads_of "$w"); do
		nat=${nat_best["$w $t"]} ud=- ts=- hg=-
		[ $have_ud = 1 ] && ud=${ud_best["$w $t"]}
		[ $have_tsan = 1 ] &&
			ts=$(TSAN_OPTIONS="detect_deadlocks=1${TSAN_OPTIONS:+ $TSAN_OPTIONS}" \
			     run "tsan-$w-$t" "$OUT/lockbench-tsan" "$w" "$t" \
				 $(( n / TSAN_DIV > 0 ? n / TSAN_DIV : 1 )))
		[ $have_hg = 1 ] && [ "$t" = 1 ] &&
			hg=$(run "helgrind-$w-$t" valgrind --tool=helgrind -q \
				 "$LB" "$w" "$t" $(( n / HG_DIV > 0 ? n / HG_DIV : 1 )))
		n0=${nat%!}
		[ "$n0" = fail ] && n0=0
		printf "$fmt" "$w" "$t" "$nat" "$(cell "$ud" "$n0")" \
		       "$(cell "$ts" "$n0")" "$(cell "$hg" "$n0")"
		echo "$w $t $nat $ud $ts $hg" >>"$results"
	done
done

echo
if [ $have_ud = 1 ]; then
	for t in 1 2; do
		awk -v t="$t" -v issue="$ISSUE" '
		BEGIN { split(issue, a, " "); for (i in a) want[a[i]] = 1 }
		$2 == t && ($1 in want) && $3 + 0 > 0 && $4 ~ /^[0-9.]+$/ {
			s += log($4 / $3); k++; list = list " " $1 }
		END {
			if (k) printf "ulockdep / native, geometric mean over%s (%d thread%s): %.2fx (goal: at most %s)\n",
				list, t, t == 1 ? "" : "s", exp(s / k), t == 1 ? "1.5x" : "1.25x"
			else printf "ulockdep / native (%d threads): no complete results\n", t
		}' "$results"
	done
	awk -v pat="$PATTERNS" '
	BEGIN { split(pat, a, " "); for (i in a) want[a[i]] = 1 }
	($1 in want) && $3 + 0 > 0 && $4 ~ /^[0-9.]+$/ {
		r = $4 / $3; k++; if (r > m) { m = r; at = $1 " " $2 } }
	END { if (k) printf "ulockdep / native, worst of the %d pattern cells: %.1fx (%s thread(s); goal: at most 3x)\n", k, m, at }' "$results"
fi
if grep -q '!' "$results" 2>/dev/null; then
	say "'!' marks a run that exited with a non-zero status (a report?): see $LOGS"
fi
if grep -q 'fail' "$results" 2>/dev/null; then
	say "'fail' marks a run that printed no result: see $LOGS/*.err"
fi

# Instructions of n and 2n iterations (callgrind): the difference over the
# 3.25n iterations run (warm-up + 3 rounds) leaves out start-up and set-up.
instr() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		awk '/Collected :/ { print $NF }'
}

# --- lock statistics ------------------------------------------------------------
# The cost of lock_stat=1: each workload under `ulockdep run --lock-stat`, best
# of $REPEAT runs, beside the best native and ulockdep runs above.
LOCKSTAT=${BENCH_LOCKSTAT-$ISSUE}
if [ $have_ud = 1 ] && [ -n "$LOCKSTAT" ]; then
	echo
	say "lock_stat=1 (ns/op, ratio to native; best of $REPEAT)"
	printf '%-14s %3s %9s %18s %18s\n' workload thr native ulockdep lock_stat
	for w in $LOCKSTAT; do
		n=$(iters_of "$w")
		[ -z "$n" ] && continue
		for t in $(threads_of "$w"); do
			ls=
			for r in $(seq "$REPEAT"); do
				ls=$(best "$ls" "$(run "lockstat-$w-$t-$r" "$UD" run --lock-stat \
					-- "$LB" "$w" "$t" "$n")")
			done
			nat=${nat_best["$w $t"]:-fail}
			n0=${nat%!}
			[ "$n0" = fail ] && n0=0
			printf '%-14s %3s %9s %18s %18s\n' "$w" "$t" "$nat" \
			       "$(cell "${ud_best["$w $t"]:-fail}" "$n0")" "$(cell "$ls" "$n0")"
		done
	done | tee "$OUT/lockstat.txt"
	if [ "${BENCH_INSTR:-0}" = 1 ] && [ $have_hg = 1 ]; then
		say "lock_stat=1, instructions per op (callgrind, 1 thread, 1/50 of the iterations)"
		for w in $LOCKSTAT; do
			n=$(( $(iters_of "$w") / 50 ))
			[ $n -lt 1 ] && n=1
			a=$(ULOCKDEP_OPTIONS=lock_stat=1 LD_PRELOAD=$UDLIB instr "$LB" "$w" 1 $n)
			b=$(ULOCKDEP_OPTIONS=lock_stat=1 LD_PRELOAD=$UDLIB instr "$LB" "$w" 1 $((2 * n)))
			awk -v w="$w" -v n="$n" -v a="$a" -v b="$b" 'BEGIN {
				printf "%-14s %10.0f\n", w, (b - a) / (3.25 * n) }'
		done
	fi
fi

# --- instructions per op -----------------------------------------------------
if [ "${BENCH_INSTR:-0}" = 1 ] && [ $have_hg = 1 ]; then
	echo
	say "instructions per op (callgrind, 1 thread, 1/50 of the iterations)"
	printf '%-14s %10s %10s %7s
' workload native ulockdep ratio
	for w in $workloads; do
		n=$(( $(iters_of "$w") / 50 ))
		[ $n -lt 1 ] && n=1
		a=$(instr "$LB" "$w" 1 $n); b=$(instr "$LB" "$w" 1 $((2 * n)))
		c=- d=-
		if [ $have_ud = 1 ]; then
			# Preloaded directly: callgrind would follow only the CLI.
			c=$(LD_PRELOAD=$UDLIB instr "$LB" "$w" 1 $n)
			d=$(LD_PRELOAD=$UDLIB instr "$LB" "$w" 1 $((2 * n)))
		fi
		awk -v w="$w" -v n="$n" -v a="$a" -v b="$b" -v c="$c" -v d="$d" 'BEGIN {
			k = 3.25 * n; x = (b - a) / k
			if (c == "-" || c == "" || d == "") {
				printf "%-14s %10.0f %10s %7s\n", w, x, "-", "-"; exit }
			y = (d - c) / k
			printf "%-14s %10.0f %10.0f %6.1fx\n", w, x, y, (x > 0 ? y / x : 0) }'
	done | tee "$OUT/instr.txt"
	awk -v issue="$ISSUE" '
	BEGIN { split(issue, a, " "); for (i in a) want[a[i]] = 1 }
	($1 in want) && $2 > 0 && $3 ~ /^[0-9]+$/ { s += log($3 / $2); k++ }
	END { if (k) printf "instructions, ulockdep / native, geometric mean over the %d goal workloads: %.2fx\n", k, exp(s / k) }' \
		"$OUT/instr.txt"
fi

# --- scaling ----------------------------------------------------------------
echo
say "scaling: 100,000 classes, 1,000,000 dependencies, 1,000,000 instances"
echo "native:"
"$OUT/scale" "$SCALE_SECS" || say "scale failed natively"
if [ $have_ud = 1 ]; then
	echo "under ulockdep (time limit ${SCALE_SECS}s):"
	"$UD" run -- "$OUT/scale" "$SCALE_SECS" 2>"$LOGS/scale-ulockdep.err"
	rc=$?
	[ $rc -ne 0 ] && say "scale under ulockdep exited with status $rc (see $LOGS/scale-ulockdep.err)"
fi
exit 0
