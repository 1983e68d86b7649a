/*
** lock.c: the runtime's own lock (see lock.h). Critical sections guarded by it
** are short (a hash insert, a graph search); spinning a little and then
** yielding is cheaper than a futex here and needs no interposed call.
**
** While a thread holds any of these locks, every signal is blocked (by the
** system call, which the runtime's own sigprocmask interceptor never sees)
** and cancellation is disabled; both come back with the last release. A
** signal handler that ran meanwhile could take a program lock that another
** thread's handler holds while it waits for ours, and an asynchronous
** cancellation (a signal too) would end the thread with our lock held for
** ever; deferred cancellation acts only at cancellation points, which the
** state keeps from acting. glibc's own locks need none of this, so the
** runtime must not hang where they do not.
*/
#include "lock.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
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

/* Runtime locks this thread holds (re-entries counted), and its signal mask
** and cancel state from before the first. */
static __thread unsigned held_count __attribute__((tls_model("initial-exec")));
static __thread int outer_cancel_state __attribute__((tls_model("initial-exec")));
static __thread sigset_t outer_mask __attribute__((tls_model("initial-exec")));

static void held_more(void)
{
	if (held_count++ == 0) {
		/* Every signal, glibc's cancellation signal (32) included, which
		** sigfillset() leaves out; not its set-id broadcast (33), which
		** setuid() in another thread waits on. */
		sigset_t all;
		memset(&all, 0xff, sizeof all);
		all.__val[0] &= ~(1ul << (33 - 1));	/* sigdelset() refuses 33 */
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &outer_mask, _NSIG / 8);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &outer_cancel_state);
	}
}

static void held_less(void)
{
	if (held_count && --held_count == 0) {
		int ignored;
		pthread_setcancelstate(outer_cancel_state, &ignored);
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &outer_mask, NULL, _NSIG / 8);
	}
}

void ud_lock_fork_child(void)
{
	if (held_count) {
		held_count = 1;
		held_less();
	}
}

void ud_lock_hold_signals(void)
{
	held_more();
}

void ud_lock_unhold_signals(void)
{
	held_less();
}

void ud_lock_acquire(ud_lock_t *l)
{
	held_more();
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

bool ud_lock_try_acquire(ud_lock_t *l)
{
	held_more();
	int self = ud_gettid();
	int expected = 0;
	if (atomic_load_explicit(&l->owner, memory_order_relaxed) == self) {
		l->depth++;
		return true;
	}
	if (atomic_compare_exchange_strong_explicit(&l->owner, &expected, self,
						    memory_order_acquire,
						    memory_order_relaxed)) {
		l->depth = 1;
		return true;
	}
	held_less();
	return false;
}

void ud_lock_release(ud_lock_t *l)
{
	if (--l->depth == 0)
		atomic_store_explicit(&l->owner, 0, memory_order_release);
	held_less();
}

void ud_lock_reset(ud_lock_t *l)
{
	l->depth = 0;
	atomic_store_explicit(&l->owner, 0, memory_order_relaxed);
}
