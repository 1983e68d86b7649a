/*
** intercept_free.c: libulockdep_free.so, memory returned by the program is
** checked for the locks inside it (check_free_held, on by default, and
** check_free=1).
**
** free(), realloc() moving a block, and munmap() report a lock the calling
** thread still holds in that memory ("held lock freed!"); with check_free=1
** they also make the engine forget every other lock instance there, so a new
** lock at a reused address is a new identity even when it is never
** initialised by a call.
**
** This library is separate from libulockdep.so so that a program checked
** without the options pays nothing on free(): `ulockdep run` preloads it only
** when one is on. The test each call makes first is a few thread-local reads
** (free_range.c says what they mean): while the thread holds no lock, or only
** the static locks it held at its last checked free, that is all
** check_free_held costs. Past it, libulockdep.so decides whether the
** call is checked (runtime ready, thread not inside the runtime) and does
** the work (src/rt/free_range.c). free is called by everything, before the
** runtime is ready and by the runtime's own dependencies.
**
** In a program built with AddressSanitizer, memory is ASan's: a free hook
** installed through its allocator interface sees every block it frees,
** also where the program's calls never reach this library (ASan linked
** into the program, which then defines free itself). The interposers then
** only pass calls on.
*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../base/compiler.h"

#define UD_EXPORT __attribute__((visibility("default")))
#define UD_CALLER_PC() ((uintptr_t)__builtin_return_address(0))

/* libulockdep.so (free_range.c). */
extern __thread const uint64_t *__ulockdep_free_watch
	__attribute__((tls_model("initial-exec")));
extern __thread uint64_t __ulockdep_free_safe[2]
	__attribute__((tls_model("initial-exec")));
bool __ulockdep_free_checking(void);
size_t __ulockdep_free_size(void *p);
void __ulockdep_free_range(const void *p, size_t n, uintptr_t pc);

/* Its check that this library is loaded. */
UD_EXPORT const char __ulockdep_free_lib = 1;

static struct {
	void (*_Atomic free)(void *);
	void *(*_Atomic realloc)(void *, size_t);
	int (*_Atomic munmap)(void *, size_t);
} real_mem;

/* 0: not looked up, 1: lookup running, 2: done. */
static _Atomic int mem_state;

/* ---- AddressSanitizer's allocator ------------------------------------------ */

/* sanitizer/allocator_interface.h, looked up: the program may have no ASan. */
typedef int (*install_hooks_fn)(void (*)(const volatile void *, size_t),
				void (*)(const volatile void *));
typedef size_t (*allocated_size_fn)(const volatile void *);
static allocated_size_fn san_size;
static _Atomic bool san_hooked;

static void san_malloc_hook(const volatile void *p, size_t n)
{
	(void)p;
	(void)n;
}

/* Called before ASan frees the block, while its size can still be read. */
/* Does this thread's free need a look (free_range.c)? */
static inline bool watched(void)
{
	const uint64_t *w = __ulockdep_free_watch;
	if (ud_likely(w == NULL))
		return false;
	uint64_t k = *w;
	return k != __ulockdep_free_safe[0] && k != __ulockdep_free_safe[1];
}

static void san_free_hook(const volatile void *p)
{
	if (p && watched() && ud_unlikely(__ulockdep_free_checking()))
		__ulockdep_free_range((const void *)p, san_size(p), 0);
}

__attribute__((constructor)) static void hook_sanitizer_allocator(void)
{
	install_hooks_fn install = (install_hooks_fn)dlsym(RTLD_DEFAULT,
		"__sanitizer_install_malloc_and_free_hooks");
	san_size = (allocated_size_fn)dlsym(RTLD_DEFAULT,
					    "__sanitizer_get_allocated_size");
	if (install && san_size && install(san_malloc_hook, san_free_hook))
		atomic_store(&san_hooked, true);
}

/* glibc's own entry points: only used if a lookup finds nothing. */
extern void __libc_free(void *p);
extern void *__libc_realloc(void *p, size_t n);

/*
** Look the next definitions up once. dlsym may call free or realloc on this
** very thread: those calls find the lookup running and take the paths below
** (a leaked block, glibc's realloc), never a recursion.
*/
static bool mem_resolve(void)
{
	int expect = 0;
	if (atomic_load_explicit(&mem_state, memory_order_acquire) == 2)
		return true;
	if (!atomic_compare_exchange_strong(&mem_state, &expect, 1))
		return atomic_load_explicit(&mem_state, memory_order_acquire) == 2;
	void *f = dlsym(RTLD_NEXT, "free");
	void *r = dlsym(RTLD_NEXT, "realloc");
	void *m = dlsym(RTLD_NEXT, "munmap");
	atomic_store(&real_mem.free, f ? (void (*)(void *))f : __libc_free);
	atomic_store(&real_mem.realloc,
		     r ? (void *(*)(void *, size_t))r : __libc_realloc);
	atomic_store(&real_mem.munmap, (int (*)(void *, size_t))m);
	atomic_store_explicit(&mem_state, 2, memory_order_release);
	return true;
}

static inline void real_free(void *p)
{
	void (*f)(void *) = atomic_load_explicit(&real_mem.free, memory_order_acquire);
	if (ud_unlikely(!f) && mem_resolve())
		f = atomic_load_explicit(&real_mem.free, memory_order_acquire);
	if (f)
		f(p);
	/* else: freed during our own lookup; a leaked block is harmless */
}

/* The size to check at p (0: nothing), watched() being true; a sanitizer's
** hook checks for itself. */
static inline size_t checked_size(void *p)
{
	if (!p || atomic_load_explicit(&san_hooked, memory_order_relaxed))
		return 0;
	return __ulockdep_free_size(p);
}

/* f: the real free, NULL before the lookup. */
static __attribute__((noinline)) void free_slow(void *p, void (*f)(void *),
						uintptr_t pc)
{
	if (ud_likely(f != NULL)) {
		size_t n = checked_size(p);
		if (n)
			__ulockdep_free_range(p, n, pc);
		f(p);
		return;
	}
	real_free(p);
}

/* The common case, a thread holding no lock, is two thread-local reads and
** a jump: no stack frame. */
UD_EXPORT void free(void *p)
{
	void (*f)(void *) = atomic_load_explicit(&real_mem.free, memory_order_acquire);
	if (ud_likely(f != NULL) && !watched()) {
		f(p);
		return;
	}
	free_slow(p, f, UD_CALLER_PC());
}

UD_EXPORT void *realloc(void *p, size_t n)
{
	size_t old = watched() ? checked_size(p) : 0;
	void *(*f)(void *, size_t) = atomic_load_explicit(&real_mem.realloc,
							  memory_order_acquire);
	if (ud_unlikely(!f) && mem_resolve())
		f = atomic_load_explicit(&real_mem.realloc, memory_order_acquire);
	/* NULL only while the lookup runs: dlsym's own blocks are glibc's */
	void *q = f ? f(p, n) : __libc_realloc(p, n);
	/* The old block is gone when it moved, or when n == 0 freed it. It is
	** ended after the fact: its locks cannot be used by now anyway. */
	if (old && (q ? q != p : n == 0))
		__ulockdep_free_range(p, old, UD_CALLER_PC());
	return q;
}

UD_EXPORT int munmap(void *p, size_t n)
{
	if (n && watched() && ud_unlikely(__ulockdep_free_checking()))
		__ulockdep_free_range(p, n, UD_CALLER_PC());
	int (*f)(void *, size_t) = mem_resolve()
		? atomic_load_explicit(&real_mem.munmap, memory_order_relaxed) : NULL;
	if (f)
		return f(p, n);
	return (int)syscall(SYS_munmap, p, n);
}
