#!/bin/sh
# ubsan_program.sh BUILD_DIR: a program built with UndefinedBehaviorSanitizer
# alone (gcc's shared runtime, clang's linked in) runs under `ulockdep run`:
# its ABBA is reported with the program's own frames, and undefined
# behaviour after it is still reported by UBSan.
. "$(dirname "$0")/prelude.sh"

cat >"$T/p.c" <<'C'
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static void two(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x); pthread_mutex_lock(y);
	pthread_mutex_unlock(y); pthread_mutex_unlock(x);
}
static void *worker_b_a(void *arg) { (void)arg; two(&b, &a); return NULL; }
int main(int argc, char **argv)
{
	(void)argv;
	two(&a, &b);
	pthread_t t;
	if (pthread_create(&t, NULL, worker_b_a, NULL) || pthread_join(t, NULL))
		return 3;
	volatile int big = INT_MAX;
	int sum = big + argc;	/* signed overflow */
	printf("ran %d\n", sum != 0);
	return 0;
}
C
for cc in gcc clang; do
	"$cc" -g -O0 -pthread -fsanitize=undefined -o "$T/$cc" "$T/p.c" ||
		{ echo "FAIL: cannot build with $cc -fsanitize=undefined"; exit 1; }
	out=$("$U" run -- "$T/$cc" 2>&1); rc=$?
	[ $rc -eq 66 ] || fail "$cc: exit $rc, expected 66: $out"
	case "$out" in
	*"WARNING: possible circular locking dependency detected"*) ;;
	*) fail "$cc: no circular report: $out" ;;
	esac
	printf '%s\n' "$out" | grep -q 'at: two+0x[0-9a-f]*/0x[0-9a-f]* .*p\.c:7' ||
		fail "$cc: the lock site is not the program's two(): $out"
	case "$out" in
	*"p.c:19:"*"runtime error: signed integer overflow"*) ;;
	*) fail "$cc: UBSan's report is missing: $out" ;;
	esac
	case "$out" in
	*"ran 1"*) ;;
	*) fail "$cc: the program did not run to its end: $out" ;;
	esac
done
finish "UBSan programs (gcc, clang) checked, UBSan's own report kept"
