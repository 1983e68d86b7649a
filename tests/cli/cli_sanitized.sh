#!/bin/sh
# cli_sanitized.sh BUILD_DIR: a program built with AddressSanitizer, whose own
# lock interceptors the runtime cannot run under, is refused with a message
# naming the sanitizer and status 2, before it starts; the same program built
# without it runs (and its ABBA is reported).
. "$(dirname "$0")/prelude.sh"

cat >"$T/p.c" <<'C'
#include <pthread.h>
#include <stdio.h>
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static void two(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x); pthread_mutex_lock(y);
	pthread_mutex_unlock(y); pthread_mutex_unlock(x);
}
int main(void) { two(&a, &b); two(&b, &a); puts("ran"); return 0; }
C
gcc -g -pthread -fsanitize=address -o "$T/asan" "$T/p.c" || { echo "FAIL: cannot build with -fsanitize=address"; exit 1; }
gcc -g -pthread -o "$T/plain" "$T/p.c" || { echo "FAIL: cannot build"; exit 1; }

out=$("$U" run -- "$T/asan" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "sanitized program: exit $rc, expected 2"
case "$out" in
*"built with AddressSanitizer"*) ;;
*) fail "no message naming AddressSanitizer: $out" ;;
esac
case "$out" in
*ran*) fail "the sanitized program ran" ;;
esac

out=$("$U" run -- "$T/plain" 2>&1); rc=$?
[ $rc -eq 66 ] || fail "plain program: exit $rc, expected 66"
case "$out" in
*ran*"possible circular locking dependency"* | *"possible circular locking dependency"*ran*) ;;
*) fail "plain program did not run with its report: $out" ;;
esac
finish "a sanitized program refused, the plain one run"
