/*
** lock.c: the runtime's own lock (see lock.h). Critical sections guarded by it
** are short (a hash insert, a graph search); spinning a little and then
** yielding is cheaper than a futex here and needs no interposed call.
*/
#include "lock.h"

#include <sys/syscall.h>
#include <unistd.h>

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

static __thread int cached_tid __attribute__((tls_model("initial-exec")));

int ud_gettid(void)
{
	if (__builtin_expect(cached_tid == 0, 0))
		cached_tid = (int)syscall(SYS_gettid);
	return cached_tid;
}

/* After fork() the child has a new tid but inherits the parent's TLS value. */
void ud_gettid_reset(void)
{
	cached_tid = 0;
}

void ud_lock_acquire(ud_lock_t *l)
{
	int self = ud_gettid();
	if (atomic_load_explicit(&l->owner, memory_order_relaxed) == self) {
		l->depth++;
		return;
	}
	for (unsigned spins = 0;; spins++) {
		int expected = 0;
		if (atomic_load_explicit(&l->owner, memory_order_relaxed) == 0 &&
		    atomic_compare_exchange_weak_explicit(&l->owner, &expected, self,
							  memory_order_acquire,
							  memory_order_relaxed))
			break;
		if (spins < 64)
			cpu_relax();
		else
			syscall(SYS_sched_yield);
	}
	l->depth = 1;
}

void ud_lock_release(ud_lock_t *l)
{
	if (--l->depth == 0)
		atomic_store_explicit(&l->owner, 0, memory_order_release);
}

void ud_lock_reset(ud_lock_t *l)
{
	l->depth = 0;
	atomic_store_explicit(&l->owner, 0, memory_order_relaxed);
}
