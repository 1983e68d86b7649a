/*
** free_range.c: what libulockdep_free.so calls when the program gives memory
** back (check_free=1).
**
** free(), realloc() and munmap() are interposed by that separate library,
** which `ulockdep run` preloads only with check_free=1, so that a program
** checked without the option pays nothing on free(). It asks whether this
** call should end the locks in the memory (runtime ready, option on, thread
** not inside the runtime) and then hands over the range.
*/
#include "rt.h"

#include "../base/log.h"
#include "../base/stack.h"

/* Defined by libulockdep_free.so: tells whether it is loaded. */
extern const char __ulockdep_free_lib __attribute__((weak));

UD_EXPORT bool __ulockdep_free_checking(void)
{
	return atomic_load_explicit(&ud_rt_hot.state, memory_order_acquire) == UD_RT_READY &&
	       ud_rt_opts.check_free && !ud_tls.in_runtime && !ud_tls.dead;
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
	ud_instance_destroy_range(t, (uintptr_t)p, (uintptr_t)p + n, pc);
	ud_rt_leave(ts);
}

void ud_rt_free_check_loaded(void)
{
	if (ud_rt_opts.check_free && !&__ulockdep_free_lib)
		ud_log_message("check_free=1, but libulockdep_free.so is not loaded: "
			       "freed memory is not checked (`ulockdep run` preloads "
			       "it; with -lulockdep, also link -lulockdep_free)");
}
