#!/bin/sh
# suite_e2e.sh BUILD_DIR: a cycle whose two halves are learnt by two different
# programs, one linking a library statically and one linking it as a shared
# library, is reported by one `ulockdep run` of both, and by two separate runs
# that share a store; a third run of the same program adds no report.
. "$(dirname "$0")/prelude.sh"

cat > "$T/db.c" <<'C'
#include <pthread.h>
pthread_mutex_t db_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
void db_then_cache(void)
{
	pthread_mutex_lock(&db_lock);
	pthread_mutex_lock(&cache_lock);
	pthread_mutex_unlock(&cache_lock);
	pthread_mutex_unlock(&db_lock);
}
void cache_then_db(void)
{
	pthread_mutex_lock(&cache_lock);
	pthread_mutex_lock(&db_lock);
	pthread_mutex_unlock(&db_lock);
	pthread_mutex_unlock(&cache_lock);
}
C
printf 'void db_then_cache(void);\nint main(void) { db_then_cache(); return 0; }\n' > "$T/ab.c"
printf 'void cache_then_db(void);\nint main(void) { cache_then_db(); return 0; }\n' > "$T/ba.c"
( cd "$T" &&
	gcc -g -fPIC -c db.c &&
	ar rcs libdb.a db.o &&
	gcc -g -shared -o libdb.so db.o &&
	gcc -g -pthread -o test_ab ab.c libdb.a &&
	gcc -g -pthread -o test_ba ba.c -L. -ldb -Wl,-rpath,"$T" ) || { echo "FAIL: build"; exit 1; }

# Each program alone is clean.
for p in test_ab test_ba; do
	"$U" run -- "$T/$p" 2>"$T/$p.err" || fail "$p alone: exit $?: $(cat "$T/$p.err")"
	grep -q WARNING "$T/$p.err" && fail "$p alone: a report"
done

# One run of both: the cycle, with the process that learnt each link.
"$U" run -- sh -c "'$T/test_ab' && '$T/test_ba'" 2>"$T/tree.err"; rc=$?
[ $rc -eq 66 ] || fail "tree: exit $rc, expected 66"
grep -q 'WARNING: possible circular locking dependency detected' "$T/tree.err" || fail "tree: no circular report"
grep -q 'learnt by test_ab/' "$T/tree.err" || fail "tree: no link learnt by test_ab"
grep -q 'learnt by test_ba/' "$T/tree.err" || fail "tree: no link learnt by test_ba"
grep -q 'db_lock' "$T/tree.err" && grep -q 'cache_lock' "$T/tree.err" || fail "tree: classes not named db_lock and cache_lock"
n=$(grep -c 'WARNING: possible circular' "$T/tree.err")
[ "$n" -eq 1 ] || fail "tree: $n circular reports, expected 1"

# Two runs sharing a store.
"$U" run --graph="$T/g.db" -- "$T/test_ab" 2>"$T/s1.err"; rc=$?
[ $rc -eq 0 ] || fail "store, first run: exit $rc: $(cat "$T/s1.err")"
"$U" run --graph="$T/g.db" -- "$T/test_ba" 2>"$T/s2.err"; rc=$?
[ $rc -eq 66 ] || fail "store, second run: exit $rc, expected 66"
grep -q 'WARNING: possible circular locking dependency detected' "$T/s2.err" || fail "store: no circular report in the second run"
# The same program again: the cycle is known; no second report.
"$U" run --graph="$T/g.db" -- "$T/test_ba" 2>"$T/s3.err"
grep -q 'WARNING: possible circular' "$T/s3.err" && fail "store: the cycle was reported again"
# And ulockdep check finds it in the store.
"$U" check "$T/g.db" >"$T/check.out" 2>&1
grep -q 'possible circular locking dependency' "$T/check.out" || fail "check: no cycle in the store"

finish "a cycle across programs and runs, static and shared library"
