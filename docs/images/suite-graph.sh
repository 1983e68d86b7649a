#!/bin/sh
# suite-graph.sh BUILD_DIR: make suite-graph.svg, the picture of README.md:
# three test programs' process records (written with tests/suite/mkrec.py),
# merged into a store by `ulockdep merge` and drawn by `ulockdep graph`.
set -eu
B=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
MK="$HERE/../../tests/suite/mkrec.py"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 "$MK" "$T/1.rec" 4242 /src/build/test_orders --argv ./test_orders \
	'db_lock>cache_lock' 'db_lock>log_lock' \
	--frame 'db_lock>cache_lock=order_lookup orders.c:88' \
	--frame 'db_lock>log_lock=order_commit orders.c:131'
python3 "$MK" "$T/2.rec" 4243 /src/build/test_cache --argv "./test_cache --evict" \
	'cache_lock>stats_lock' 'cache_lock>db_lock' \
	--frame 'cache_lock>stats_lock=cache_count cache.c:40' \
	--frame 'cache_lock>db_lock=cache_writeback cache.c:212'
python3 "$MK" "$T/3.rec" 4244 /src/build/test_log --argv ./test_log \
	'log_lock>stats_lock' 'pool_lock>log_lock' \
	--frame 'log_lock>stats_lock=log_rotate log.c:57' \
	--frame 'pool_lock>log_lock=pool_grow pool.c:19'
"$B/ulockdep" merge "$T/g.db" "$T/1.rec" "$T/2.rec" "$T/3.rec"
"$B/ulockdep" graph "$T/g.db" --format=svg >"$HERE/suite-graph.svg"
