/*
** intercept_signal.c: the signal context the engine's usage rules need.
**
** sigaction/signal install a wrapper in place of a program handler, so that
** while the handler runs the engine thread says which handlers it is inside
** (nested handlers add bits) and which signals the kernel blocked for it.
** sigprocmask/pthread_sigmask refresh the thread's unblocked set after each
** successful change, and a new engine thread reads it once: the lock fast path
** never asks the kernel. A handler left with siglongjmp leaves its bit set
** until the thread's mask next changes through these calls.
*/
#include "rt.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define UD_NSIG 65	/* signals 1..64 */

/* The program's handler and flags per signal (what it installed). */
static struct {
	_Atomic(void *) fn;
	_Atomic int flags;
} handlers[UD_NSIG];

static int (*real_sigaction)(int, const struct sigaction *, struct sigaction *);
static int (*real_sigprocmask)(int, const sigset_t *, sigset_t *);
static int (*real_pthread_sigmask)(int, const sigset_t *, sigset_t *);

/* The calling thread's blocked set, straight from the kernel (no interposer). */
static uint64_t kernel_blocked(void)
{
	uint64_t set = 0;
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &set, sizeof set) != 0)
		return ~0ull;	/* unknown: record nothing */
	return set;
}

/* Handlers running on this thread, kept here too: the engine thread may be
** made inside a handler (its first lock). */
static __thread uint64_t tls_in __attribute__((tls_model("initial-exec")));

void ud_rt_signals_thread_start(ud_thread_t *t)
{
	ud_thread_set_signals(t, ~kernel_blocked(), tls_in);
}

static void refresh_mask(void)
{
	ud_thread_t *t = ud_tls.t;
	if (t)
		ud_thread_set_signals(t, ~kernel_blocked(), tls_in);
}

static void wrapper(int sig, siginfo_t *si, void *uc)
{
	void *fn = atomic_load_explicit(&handlers[sig].fn, memory_order_acquire);
	int flags = atomic_load_explicit(&handlers[sig].flags, memory_order_relaxed);
	uint64_t in = tls_in;
	tls_in = in | 1ull << (sig - 1);
	ud_thread_t *t = ud_tls.t;
	if (t) {
		int saved = errno;
		ud_thread_set_signals(t, ~kernel_blocked(), tls_in);
		errno = saved;
	}
	if (flags & SA_SIGINFO)
		((void (*)(int, siginfo_t *, void *))fn)(sig, si, uc);
	else
		((void (*)(int))fn)(sig);
	tls_in = in;
	/* Back to the interrupted context: the mask the kernel restores. */
	t = ud_tls.t;
	if (t) {
		uint64_t mask;
		memcpy(&mask, &((ucontext_t *)uc)->uc_sigmask, sizeof mask);
		ud_thread_set_signals(t, ~mask, in);
	}
}

static void resolve(void)
{
	if (!real_sigaction)
		real_sigaction = dlsym(RTLD_NEXT, "sigaction");
	if (!real_sigprocmask)
		real_sigprocmask = dlsym(RTLD_NEXT, "sigprocmask");
	if (!real_pthread_sigmask)
		real_pthread_sigmask = dlsym(RTLD_NEXT, "pthread_sigmask");
}

static bool wrappable(int sig, const struct sigaction *act)
{
	return act && sig > 0 && sig < UD_NSIG && act->sa_handler != SIG_DFL &&
	       act->sa_handler != SIG_IGN;
}

UD_INTERCEPTOR(int, sigaction, int sig, const struct sigaction *act,
	       struct sigaction *old)
{
	resolve();
	if (!real_sigaction) {
		errno = ENOSYS;
		return -1;
	}
	bool valid = sig > 0 && sig < UD_NSIG;
	void *prev_fn = valid ? atomic_load(&handlers[sig].fn) : NULL;
	int prev_flags = valid ? atomic_load(&handlers[sig].flags) : 0;
	struct sigaction w;
	const struct sigaction *use = act;
	if (wrappable(sig, act)) {
		w = *act;
		w.sa_sigaction = wrapper;
		w.sa_flags |= SA_SIGINFO;
		atomic_store(&handlers[sig].flags, act->sa_flags);
		atomic_store(&handlers[sig].fn, act->sa_flags & SA_SIGINFO ?
				(void *)act->sa_sigaction : (void *)act->sa_handler);
		use = &w;
	}
	int rc = real_sigaction(sig, use, old);
	if (rc == 0 && old && old->sa_sigaction == wrapper && prev_fn) {
		/* Show the program the handler it installed, not ours. */
		old->sa_flags = prev_flags;
		if (prev_flags & SA_SIGINFO)
			old->sa_sigaction = (void (*)(int, siginfo_t *, void *))prev_fn;
		else
			old->sa_handler = (void (*)(int))prev_fn;
	}
	return rc;
}

/* glibc's signal() installs through an internal sigaction: BSD semantics. */
UD_INTERCEPTOR(sighandler_t, signal, int sig, sighandler_t fn)
{
	struct sigaction act, old;
	memset(&act, 0, sizeof act);
	act.sa_handler = fn;
	act.sa_flags = SA_RESTART;
	sigemptyset(&act.sa_mask);
	if (sig > 0 && sig < UD_NSIG)
		sigaddset(&act.sa_mask, sig);
	if (sigaction(sig, &act, &old) != 0)
		return SIG_ERR;
	return old.sa_handler;
}

UD_INTERCEPTOR(int, sigprocmask, int how, const sigset_t *set, sigset_t *old)
{
	resolve();
	if (!real_sigprocmask) {
		errno = ENOSYS;
		return -1;
	}
	int rc = real_sigprocmask(how, set, old);
	if (rc == 0 && set)
		refresh_mask();
	return rc;
}

UD_INTERCEPTOR(int, pthread_sigmask, int how, const sigset_t *set, sigset_t *old)
{
	resolve();
	if (!real_pthread_sigmask)
		return ENOSYS;
	int rc = real_pthread_sigmask(how, set, old);
	if (rc == 0 && set)
		refresh_mask();
	return rc;
}
