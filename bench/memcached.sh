#!/usr/bin/env bash
# memcached.sh BUILD: throughput of Debian's memcached under memaslap
# (memcaslap in libmemcached-tools), natively and under `BUILD/ulockdep run`,
# on loopback: 2 server threads, 2 client threads, 30 connections. The two
# alternate for BENCH_MC_ROUNDS rounds (default 3) of BENCH_MC_SECS seconds
# each (default 10), so that a spell of other load on the machine hits both;
# the best round of each is kept. Not part of `make bench`'s default run:
# `make bench-memcached` runs it. TSan is not measured: Debian's memcached is
# not built with -fsanitize=thread.
set -u
BUILD=${1:?usage: bench/memcached.sh BUILD}
ROUNDS=${BENCH_MC_ROUNDS:-3}
SECS=${BENCH_MC_SECS:-10}
PORT=${BENCH_MC_PORT:-21987}
UD=$BUILD/ulockdep
LOGS=$BUILD/bench/logs
mkdir -p "$LOGS" || exit 1

say() { printf 'bench-memcached: %s\n' "$*"; }
SLAP=$(command -v memaslap || command -v memcaslap)
if ! command -v memcached >/dev/null || [ -z "$SLAP" ]; then
	say "skipped: memcached and memaslap/memcaslap (libmemcached-tools) are needed"
	exit 0
fi

# one TAG CMD...: start the server with CMD prefixed, load it, print TPS.
one() {
	local tag=$1 pid tps
	shift
	"$@" memcached -t 2 -l 127.0.0.1 -p "$PORT" -U 0 -m 256 -u "$(id -un)" \
		>"$LOGS/memcached-$tag.out" 2>"$LOGS/memcached-$tag.err" &
	pid=$!
	for _ in $(seq 50); do
		(exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break
		sleep 0.1
	done
	tps=$("$SLAP" -s 127.0.0.1:"$PORT" -T 2 -c 30 -t "${SECS}s" 2>&1 |
		tee "$LOGS/memaslap-$tag.out" |
		awk '/^Run time:/ { for (i = 1; i < NF; i++) if ($i == "TPS:") v = $(i + 1) } END { print v }')
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "${tps:-fail}"
}

say "memcached -t 2 on 127.0.0.1:$PORT, $SLAP -T 2 -c 30 -t ${SECS}s; $ROUNDS rounds, best kept"
nat=0 ud=0
for r in $(seq "$ROUNDS"); do
	a=$(one "native-$r" env)
	b=$(one "ulockdep-$r" "$UD" run --)
	say "round $r: native $a ops/s, ulockdep $b ops/s"
	case $a in fail) ;; *) [ "$a" -gt "$nat" ] && nat=$a ;; esac
	case $b in fail) ;; *) [ "$b" -gt "$ud" ] && ud=$b ;; esac
done
if [ "$nat" -gt 0 ] && [ "$ud" -gt 0 ]; then
	awk -v n="$nat" -v u="$ud" 'BEGIN { printf "bench-memcached: best native %d ops/s, ulockdep %d ops/s: %.1f%% of native\n", n, u, 100 * u / n }'
else
	say "no complete result: see $LOGS/memcached-* and memaslap-*"
fi
