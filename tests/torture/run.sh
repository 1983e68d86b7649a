#!/bin/sh
# run.sh BUILD_DIR [CASE...]: the torture suite (`make torture`). Builds the
# programs of tests/torture, runs each natively, then UD_TORTURE_REPEAT times
# under `ulockdep run`, every run limited to UD_TORTURE_TIMEOUT seconds, and
# prints PASS, FAIL or HANG with the exit status of each run. Exits 1 if any
# run failed or hung. Not part of `make test`: it takes minutes.
#
# Environment:
#   UD_TORTURE_SECONDS  how long each program runs (default 3)
#   UD_TORTURE_TIMEOUT  seconds after which a run is a HANG (default 60)
#   UD_TORTURE_REPEAT   runs under ulockdep per case (default 1)
#   UD_TORTURE_OPTIONS  options for the runs under ulockdep, as in
#                       ULOCKDEP_OPTIONS (a=1:b=2)
#   UD_TORTURE_GDB      0: do not attach gdb to a hung run
#
# A run passes when it exits 0 (a report makes it exit 66: the programs are
# correct, so any report is a false one). A hung run's threads are printed by
# gdb, when there is one, at the end of its log before it is killed with its
# whole process group. Logs: BUILD_DIR/torture/logs/CASE.MODE.log
set -u

CASES="signal_storm fork_storm async_cancel dlopen_loop many_locks"

if [ $# -lt 1 ] || [ -z "$1" ]; then
	echo "usage: $0 BUILD_DIR [CASE...]  (cases: $CASES)" >&2
	exit 2
fi
B=$(cd "$1" && pwd) || {
	echo "$0: cannot use build directory '$1'" >&2
	exit 2
}
shift
[ $# -gt 0 ] && CASES="$*"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
# Only UD_TORTURE_OPTIONS says what the runs get.
unset ULOCKDEP_OPTIONS ULOCKDEP_LIB
U="$B/ulockdep"
W="$B/torture"
SECONDS_=${UD_TORTURE_SECONDS:-3}
TIMEOUT=${UD_TORTURE_TIMEOUT:-60}
REPEAT=${UD_TORTURE_REPEAT:-1}

if [ ! -x "$U" ]; then
	echo "FAIL: no $U: build first (make)"
	exit 1
fi
rm -rf "$W"
mkdir -p "$W/logs" || exit 1

# --- build ---------------------------------------------------------------
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -O1 -g -pthread -Wall -Wextra -Werror"
# shellcheck disable=SC2086 # CFLAGS splits on purpose
$CC $CFLAGS -shared -fPIC -o "$W/libtorture_dl.so" "$SRC/tests/torture/lib/torture_dl.c" || {
	echo "FAIL: cannot build lib/torture_dl.c"
	exit 1
}
for c in $CASES; do
	# shellcheck disable=SC2086
	$CC $CFLAGS -I"$SRC/tests/torture" -o "$W/$c" "$SRC/tests/torture/$c.c" -ldl || {
		echo "FAIL: cannot build $c"
		exit 1
	}
done

# --- run -----------------------------------------------------------------
args() {
	case $1 in
	dlopen_loop) echo "$SECONDS_ $W/libtorture_dl.so" ;;
	*) echo "$SECONDS_" ;;
	esac
}

# alive PID: PID runs and is not a zombie waiting to be reaped.
alive() {
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$state" ] && [ "$state" != Z ]
}

ms() { echo $(($(date +%s%N) / 1000000)); }

# run LOG CMD...: run CMD in a process group of its own; sets verdict
# (PASS, FAIL or HANG), what (the exit status or the signal) and secs.
run() {
	log=$1
	shift
	t0=$(ms)
	setsid "$@" >"$log" 2>&1 </dev/null &
	pid=$!
	while alive $pid && [ $(($(ms) - t0)) -lt $((TIMEOUT * 1000)) ]; do
		sleep 0.2
	done
	hung=0
	if alive $pid; then
		hung=1
		if [ "${UD_TORTURE_GDB:-1}" != 0 ] && command -v gdb >/dev/null 2>&1; then
			echo "=== torture: hung after ${TIMEOUT}s; its threads:" >>"$log"
			timeout 120 gdb -p $pid -batch -ex 'info threads' \
				-ex 'thread apply all bt' >>"$log" 2>&1 </dev/null
		fi
	fi
	# The group too: a fork_storm child may outlive its parent. (dash's
	# kill takes no "--": -PID is the group.)
	kill -KILL -$pid 2>/dev/null || kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null	# not the shell's "Killed"
	st=$?
	secs=$(( ($(ms) - t0) / 100 ))
	secs="$((secs / 10)).$((secs % 10))"
	if [ $hung -eq 1 ]; then
		verdict=HANG what="killed after ${TIMEOUT}s"
	elif [ $st -eq 0 ]; then
		verdict=PASS what="exit 0"
	elif [ $st -gt 128 ]; then
		verdict=FAIL what="signal $((st - 128))"
	else
		verdict=FAIL what="exit $st"
	fi
}

bad=0
summary=""
for c in $CASES; do
	# shellcheck disable=SC2046 # the arguments split on purpose
	run "$W/logs/$c.native.log" "$W/$c" $(args "$c")
	printf '%-4s  %-13s native       %-22s %6ss\n' "$verdict" "$c" "$what" "$secs"
	native=$verdict
	if [ "$verdict" != PASS ]; then
		bad=$((bad + 1))
		tail -n 5 "$W/logs/$c.native.log" | sed 's/^/      /'
		summary="$summary$(printf '%-13s native %s: the program itself is broken' "$c" "$verdict")
"
		continue
	fi
	pass=0 fail=0 hang=0
	i=1
	while [ $i -le "$REPEAT" ]; do
		log="$W/logs/$c.ulockdep-$i.log"
		# shellcheck disable=SC2046
		run "$log" "$U" run ${UD_TORTURE_OPTIONS:+"--options=$UD_TORTURE_OPTIONS"} \
			-- "$W/$c" $(args "$c")
		printf '%-4s  %-13s ulockdep %-3s %-22s %6ss\n' "$verdict" "$c" "$i" "$what" "$secs"
		case $verdict in
		PASS) pass=$((pass + 1)) ;;
		FAIL) fail=$((fail + 1)) ;;
		HANG) hang=$((hang + 1)) ;;
		esac
		if [ "$verdict" != PASS ]; then
			# What went wrong: the reports' titles, the runtime's
			# and the program's own messages.
			grep -a '^WARNING' "$log" | sort | uniq -c | sed 's/^ */      /'
			grep -a -m 3 -E '^(ulockdep: |[a-z_]+: )' "$log" | sed 's/^/      /'
			echo "      log: $log"
		fi
		i=$((i + 1))
	done
	[ $((fail + hang)) -eq 0 ] || bad=$((bad + 1))
	summary="$summary$(printf '%-13s native %s, ulockdep: %d pass, %d fail, %d hang of %d' \
		"$c" "$native" $pass $fail $hang "$REPEAT")
"
done

echo
echo "torture summary:"
printf '%s' "$summary" | sed 's/^/  /'
if [ $bad -ne 0 ]; then
	echo "$(basename "$0"): $bad case(s) failed or hung"
	exit 1
fi
echo "$(basename "$0"): ok"
exit 0
