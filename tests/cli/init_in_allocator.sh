#!/bin/sh
# init_in_allocator.sh BUILD_DIR: the runtime starts inside the program's
# first lock call, and that call can be its allocator's (jemalloc in redis
# takes its arena lock with a trylock from a constructor that runs before the
# runtime's). Starting must not allocate: tests/report/alloc_lock_lib.c
# replaces malloc with one that holds a mutex, and allocates in its
# constructor; under ulockdep run the program ends (it hung in the loader's
# cache lookup for libpthread.so.0) with its own output and status.
. "$(dirname "$0")/prelude.sh"
gcc -O0 -g -fPIC -shared -pthread -o "$T/liballoclock.so" \
	"$SRC/tests/report/alloc_lock_lib.c" &&
	gcc -O0 -g -pthread -o "$T/alloc_lock" "$SRC/tests/report/alloc_lock_main.c" \
		-L"$T" -lalloclock -Wl,-rpath,"$T" ||
	{ echo "FAIL: cannot build the test program"; exit 1; }

"$T/alloc_lock" >"$T/native" 2>&1 || fail "native run: status $?"
grep -q '^allocated in a constructor, more calls$' "$T/native" ||
	fail "native output: $(cat "$T/native")"
timeout -k 5 60 "$U" run -- "$T/alloc_lock" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 124 ] && fail "the program hung under ulockdep run"
[ $rc -eq 0 ] || fail "exit status $rc under ulockdep run: $(cat "$T/err")"
cmp -s "$T/native" "$T/out" || fail "output under ulockdep: $(cat "$T/out")"
finish init_in_allocator
