#!/bin/bash
# redis-server with 2 I/O threads (reads too), loaded by redis-benchmark
# (-n 20000 -c 8: set, get, lpush, lpop), then stopped with SIGTERM;
# natively, then under ulockdep. Only the server is under the runtime. The
# output compared is what the server holds after the load and its exit
# status.
. "$(dirname "$0")/lib.sh"
need redis-server redis-benchmark redis-cli
redis-server --version

pass() {
	local mode=$1 port=$((20000 + ($$ + ${#1}) % 20000)) pid rc
	shift
	rm -rf "$W/redis-$mode" && mkdir "$W/redis-$mode"
	(cd "$W/redis-$mode" && exec "$@" redis-server --port "$port" \
		--bind 127.0.0.1 --save '' --appendonly no \
		--io-threads 2 --io-threads-do-reads yes) \
		>"$W/redis.$mode.log" 2>"$W/redis.$mode.err" &
	pid=$!
	for _ in $(seq 100); do
		redis-cli -p "$port" ping >/dev/null 2>&1 && break
		sleep 0.2
	done
	timeout 600 redis-benchmark -p "$port" -n 20000 -c 8 -t set,get,lpush,lpop -q \
		>"$W/redis.$mode.bench" 2>&1
	{
		echo "keys: $(redis-cli -p "$port" dbsize)"
		echo "mylist: $(redis-cli -p "$port" llen mylist)"
		echo "key:__rand_int__ set: $(redis-cli -p "$port" exists key:__rand_int__)"
		grep -c 'requests per second' "$W/redis.$mode.bench" |
			sed 's/^/benchmark tests done: /'
	} >"$W/redis.$mode.out"
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	return $rc
}
rm -f "$W/logs/redis".*
pass native
rn=$?
# shellcheck disable=SC2046
pass ud $(ud_cmd redis)
ru=$?
real_compare redis $rn $ru
real_reports redis
