#!/bin/sh
# cli_sanitized.sh BUILD_DIR: a program built with ThreadSanitizer (which
# checks lock order itself) or MemorySanitizer (whose thread and lock
# interceptors cannot run under ulockdep) is refused with a message naming
# the sanitizer and status 2, before it starts; the same program built with
# AddressSanitizer, with UBSan alone, or without a sanitizer runs, and its
# ABBA is reported (asan_program.sh checks ASan builds further).
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
build() {
	name=$1
	shift
	"$@" -g -pthread -o "$T/$name" "$T/p.c" ||
		{ echo "FAIL: cannot build $name: $*"; exit 1; }
}
build tsan gcc -fsanitize=thread
build tsan_clang clang -fsanitize=thread
build msan clang -fsanitize=memory
build asan gcc -fsanitize=address
build ubsan gcc -fsanitize=undefined
build plain gcc

# refused PROG SANITIZER TEXT: refused, naming SANITIZER, saying TEXT.
refused() {
	out=$("$U" run -- "$T/$1" 2>&1); rc=$?
	[ $rc -eq 2 ] || fail "$1: exit $rc, expected 2"
	case "$out" in
	*"built with $2"*"$3"*) ;;
	*) fail "$1: no message naming $2 and saying '$3': $out" ;;
	esac
	case "$out" in
	*ran*) fail "$1: the refused program ran" ;;
	esac
}
refused tsan ThreadSanitizer "checks lock order itself"
refused tsan_clang ThreadSanitizer "checks lock order itself"
refused msan MemorySanitizer "cannot run under ulockdep"

for prog in asan ubsan plain; do
	out=$("$U" run -- "$T/$prog" 2>&1); rc=$?
	[ $rc -eq 66 ] || fail "$prog program: exit $rc, expected 66: $out"
	case "$out" in
	*ran*"possible circular locking dependency"* | *"possible circular locking dependency"*ran*) ;;
	*) fail "$prog program did not run with its report: $out" ;;
	esac
done
finish "TSan and MSan programs refused; ASan, UBSan and plain ones run"
