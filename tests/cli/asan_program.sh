#!/bin/sh
# asan_program.sh BUILD_DIR: a program built with AddressSanitizer (alone and
# with UBSan; gcc's shared ASan runtime, clang's static one and clang's
# -shared-libasan) runs under `ulockdep run`: its ABBA is reported, with the
# program's own frames and thread start routine, a heap-use-after-free after
# it is still reported by ASan, LeakSanitizer finds no leak in a leak-free
# run, check_free=1 still sees a freed held lock, and ASAN_OPTIONS given by
# the user is kept.
. "$(dirname "$0")/prelude.sh"

cat >"$T/p.c" <<'C'
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static void two(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x); pthread_mutex_lock(y);
	pthread_mutex_unlock(y); pthread_mutex_unlock(x);
}
static void *worker_b_a(void *arg) { (void)arg; two(&b, &a); return NULL; }
int main(int argc, char **argv)
{
	two(&a, &b);
	pthread_t t;
	if (pthread_create(&t, NULL, worker_b_a, NULL) || pthread_join(t, NULL))
		return 3;
	puts("ran");
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "uaf")) {
		int *p = malloc(4 * sizeof *p);
		free(p);
		return p[1];
	}
	if (argc > 1 && !strcmp(argv[1], "free")) {
		pthread_mutex_t *m = malloc(sizeof *m);
		pthread_mutex_init(m, NULL);
		pthread_mutex_lock(m);
		free(m);
	}
	return 0;
}
C

# build NAME COMPILER FLAGS...: $T/NAME, or a failure that ends the test.
build() {
	name=$1
	shift
	"$@" -g -O0 -pthread -o "$T/$name" "$T/p.c" ||
		{ echo "FAIL: cannot build $name: $*"; exit 1; }
}
build gcc_asan gcc -fsanitize=address
build gcc_asan_ubsan gcc -fsanitize=address,undefined
build clang_asan clang -fsanitize=address
build clang_shared clang -fsanitize=address -shared-libasan

circular='possible circular locking dependency detected'
for prog in gcc_asan gcc_asan_ubsan clang_asan clang_shared; do
	# clang's shared runtime is not on the loader's path.
	if [ $prog = clang_shared ]; then
		lib=$(clang -print-file-name=libclang_rt.asan-x86_64.so)
		export LD_LIBRARY_PATH="$(dirname "$lib")"
	fi

	out=$("$U" run -- "$T/$prog" 2>&1); rc=$?
	[ $rc -eq 66 ] || fail "$prog: exit $rc, expected 66: $out"
	case "$out" in
	*ran*) ;;
	*) fail "$prog: the program did not run to its end: $out" ;;
	esac
	n=$(printf '%s\n' "$out" | grep -c "WARNING: $circular")
	[ "$n" -eq 1 ] || fail "$prog: $n circular reports, expected 1: $out"
	# The report names the program's frames and its thread's start
	# routine, not a sanitizer's interceptor or thread trampoline.
	printf '%s\n' "$out" | grep -q 'at: two+0x[0-9a-f]*/0x[0-9a-f]* .*p\.c:8' ||
		fail "$prog: the lock site is not the program's two(): $out"
	printf '%s\n' "$out" | grep -q 'worker_b_a+0x' ||
		fail "$prog: the thread's start routine is not in the report: $out"
	printf '%s\n' "$out" | grep -qE 'asan_thread_start|__interceptor|__asan|libasan|asan_interceptors|libclang_rt' &&
		fail "$prog: a sanitizer's frame is in the report: $out"
	# LeakSanitizer (on by default) finds nothing: the runtime's memory is
	# not the program's.
	case "$out" in
	*LeakSanitizer* | *AddressSanitizer* | *"runtime error"*)
		fail "$prog: a sanitizer reported something: $out" ;;
	esac

	# A heap-use-after-free after the report: ASan still catches it, and
	# its exit status (1) is the program's.
	# The tree reported (the lock report): exitcode=0 keeps the
	# program's own status, which is ASan's.
	out=$("$U" run --exitcode=0 -- "$T/$prog" uaf 2>&1); rc=$?
	[ $rc -eq 1 ] || fail "$prog uaf: exit $rc, expected ASan's 1: $out"
	case "$out" in
	*"$circular"*"ERROR: AddressSanitizer: heap-use-after-free"*) ;;
	*) fail "$prog uaf: expected the lock report, then ASan's: $out" ;;
	esac

	# check_free=1: free() of a held lock is seen through ASan's allocator.
	out=$("$U" run --check-free -- "$T/$prog" free 2>&1); rc=$?
	[ $rc -eq 66 ] || fail "$prog free: exit $rc, expected 66: $out"
	case "$out" in
	*"WARNING: held lock freed!"*) ;;
	*) fail "$prog free: no held-lock-freed report: $out" ;;
	esac
	case "$out" in
	*Sanitizer*) fail "$prog free: a sanitizer reported something: $out" ;;
	esac
	unset LD_LIBRARY_PATH
done

# The user's ASAN_OPTIONS are kept (and the link order check is still off).
out=$(ASAN_OPTIONS=exitcode=7 "$U" run --exitcode=0 -- "$T/gcc_asan" uaf 2>&1); rc=$?
[ $rc -eq 7 ] || fail "ASAN_OPTIONS=exitcode=7: exit $rc, expected 7: $out"

finish "ASan programs (gcc, clang static and shared, with UBSan) checked, ASan's own reports kept"
