#!/bin/sh
# header_strict.sh BUILD_DIR: include/ulockdep.h compiles cleanly in strict
# ISO C and C++ modes (no _GNU_SOURCE), and every call does nothing without
# the runtime: assertions hold, the nested lock helpers lock.
. "$(dirname "$0")/prelude.sh"

cat >"$T/use.c" <<'PROG'
#include <ulockdep.h>

ULOCKDEP_DEFINE_KEY(key);
static ulockdep_map_t map = ULOCKDEP_MAP_INIT("map", 0);
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int custom;

int main(void)
{
	int ok = 1;
	ulockdep_set_class(&m, &key, "m");
	ulockdep_lock_init(&custom, &key, "custom", ULOCKDEP_LOCK_SPIN);
	if (ulockdep_mutex_lock_nested(&m, 1) != 0)
		return 2;
	ok &= ulockdep_assert_held(&m) && ulockdep_assert_not_held(&custom);
	ulockdep_acquire(&custom, ULOCKDEP_EXCLUSIVE);
	ulockdep_release(&custom);
	pthread_mutex_unlock(&m);
	ulockdep_map_wait(&map);
	ulockdep_might_lock(&m);
	ulockdep_off();
	ulockdep_on();
	ok &= ulockdep_assert_none_held();
	return ok ? 0 : 1;
}
PROG

cc=${CC:-cc}
cxx=${CXX:-c++}
for std in c99 c11; do
	"$cc" -std=$std -pedantic -Wall -Wextra -Werror -I"$SRC/include" \
		"$T/use.c" -o "$T/use_$std" -pthread -ldl 2>"$T/err" ||
		{ fail "$std: does not compile:"; cat "$T/err"; continue; }
	env -u LD_PRELOAD "$T/use_$std" >"$T/out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || fail "$std: without the runtime: exit status $rc"
	[ -s "$T/out" ] && fail "$std: without the runtime: printed $(head -n 2 "$T/out")"
done
"$cxx" -std=c++11 -pedantic -Wall -Wextra -Werror -I"$SRC/include" -x c++ \
	"$T/use.c" -o "$T/use_cxx" -pthread -ldl 2>"$T/err" ||
	{ fail "c++11: does not compile:"; cat "$T/err"; }

# Under the runtime the same program is clean: every annotation is consistent.
if [ -x "$T/use_c99" ]; then
	timeout 60 "$U" run -- "$T/use_c99" >"$T/out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || { fail "under ulockdep run: exit status $rc"; cat "$T/out"; }
fi

finish "include/ulockdep.h strict in C99, C11 and C++11; calls do nothing without the runtime"
