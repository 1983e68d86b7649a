/*
** free_range.c: what libulockdep_free.so calls when the program gives memory
** back (check_free_held, on by default, and check_free=1).
**
** free(), realloc() and munmap() are interposed by that separate library,
** which `ulockdep run` preloads only when one of the two options is on, so
** that a program checked without them pays nothing on free().
**
** Its free() first compares three thread-locals: the chain key that
** __ulockdep_free_watch points to against the two keys of
** __ulockdep_free_safe. A key names the classes the thread holds, in order;
** a safe key is one under which no lock that heap memory can hold is held:
** the key of nothing held (or of the thread's lifetime entry alone), and the
** last key the slow path found holding only static locks (a program whose
** allocator takes a global lock frees under it every time: free_key_cache).
** With check_free=1 the watch points to a word no safe key equals, and every
** free is looked at; so is a thread's first free, which decides for a
** thread that took no lock. NULL: nothing to check (no lock taken yet, the
** thread ended, or both options are off). Past that test, the runtime
** decides whether the call is checked (runtime ready, thread not inside the
** runtime) and does the work.
*/
#include "rt.h"

#include <malloc.h>

#include "../engine/hot.h"

#include "../base/log.h"
#include "../base/stack.h"

/* Defined by libulockdep_free.so: tells whether it is loaded. */
extern const char __ulockdep_free_lib __attribute__((weak));

/* check_free=1: a key that no safe key (set to 0) equals. */
static const uint64_t watch_every_free = 1;

/* Read by libulockdep_free.so's free() (initial-exec: one load each). A
** thread starts watched, so that its first free decides. */
UD_EXPORT __thread const uint64_t *__ulockdep_free_watch
	__attribute__((tls_model("initial-exec"))) = &watch_every_free;
UD_EXPORT __thread uint64_t __ulockdep_free_safe[2]
	__attribute__((tls_model("initial-exec")));

void ud_rt_free_watch(ud_thread_t *t)
{
	__ulockdep_free_safe[0] = __ulockdep_free_safe[1] = 0;
	if (!t || (!ud_rt_opts.check_free && !ud_rt_opts.check_free_held)) {
		__ulockdep_free_watch = NULL;
	} else if (ud_rt_opts.check_free) {
		__ulockdep_free_watch = &watch_every_free;
	} else if (ud_rt_opts.check_free_held) {
		__ulockdep_free_watch = &t->chain_key;
		__ulockdep_free_safe[0] = __ulockdep_free_safe[1] = t->chain_key;
	}
}

static inline bool checking(void)
{
	return atomic_load_explicit(&ud_rt_hot.state, memory_order_acquire) == UD_RT_READY &&
	       (ud_rt_opts.check_free || ud_rt_opts.check_free_held) &&
	       !ud_tls.in_runtime && !ud_tls.dead;
}

UD_EXPORT bool __ulockdep_free_checking(void)
{
	return checking();
}

/*
** The size of the block at p if its free is to be checked, else 0. With
** check_free_held only a block that may hold a lock this thread holds is
** measured (most frees under a lock are of other memory), and a chain key
** found to hold only static locks is remembered as safe.
*/
UD_EXPORT size_t __ulockdep_free_size(void *p)
{
	if (!checking()) {
		/* Both options off: this thread's frees pass straight on. */
		if (atomic_load_explicit(&ud_rt_hot.state, memory_order_acquire) == UD_RT_READY &&
		    !ud_rt_opts.check_free && !ud_rt_opts.check_free_held)
			__ulockdep_free_watch = NULL;
		return 0;
	}
	ud_thread_t *t = ud_tls.t;
	if (ud_rt_opts.check_free)
		return malloc_usable_size(p);
	if (!t) {
		/* It holds nothing until it takes a lock (ud_rt_free_watch). */
		__ulockdep_free_watch = NULL;
		return 0;
	}
	if (!ud_holds_in(t, (uintptr_t)p, UINTPTR_MAX)) {
		/* Nothing above p; if nothing anywhere, the key is safe. */
		if (ud_rt_opts.free_key_cache && !ud_holds_in(t, 0, UINTPTR_MAX))
			__ulockdep_free_safe[1] = t->chain_key;
		return 0;
	}
	return malloc_usable_size(p);
}

/* pc 0: the caller's is found by walking the stack. */
UD_EXPORT void __ulockdep_free_range(const void *p, size_t n, uintptr_t pc)
{
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	/* From a sanitizer's free hook: the program's call, past its frames. */
	if (pc == 0 && ud_stack_walk(&pc, 1) != 1)
		pc = 0;
	if (ud_rt_opts.check_free)
		ud_instance_destroy_range(t, (uintptr_t)p, (uintptr_t)p + n, pc);
	else
		ud_instance_check_freed(t, (uintptr_t)p, (uintptr_t)p + n, pc);
	ud_rt_leave(ts);
}

void ud_rt_free_check_loaded(void)
{
	if (ud_rt_opts.check_free && !&__ulockdep_free_lib)
		ud_log_message("check_free=1, but libulockdep_free.so is not loaded: "
			       "freed memory is not checked (`ulockdep run` preloads "
			       "it; with -lulockdep, also link -lulockdep_free)");
}
