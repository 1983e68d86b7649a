/*
** intercept_signal.c: the signal context the engine's usage rules need.
**
** sigaction, signal and the older installers (bsd_signal, sysv_signal,
** sigset) install a wrapper in place of a program handler, so that while the
** handler runs the engine thread says which handlers it is inside (nested
** handlers add bits) and which signals the kernel blocked for it. The mask
** calls refresh the thread's unblocked set after each change, and a new
** engine thread reads it once: the lock fast path never asks the kernel. A
** handler left by a jump is forgotten at the jump (intercept_longjmp.c).
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

/*
** Handlers running on this thread, kept here too: the engine thread may be
** made inside a handler (its first lock). Each handler entry is also kept as
** a frame: the stack pointer just above the handler, the alternate stack in
** force then, and the set of handlers before it. A jump out of a handler
** (intercept_longjmp.c) drops the frames its target lies above. Deeper
** nesting than the frames kept counts as running while the last kept frame
** does.
*/
#define UD_FRAMES 16
typedef struct {
	uintptr_t sp;			/* wrapper's frame: the handler runs below */
	uintptr_t alt_lo, alt_hi;	/* the alternate signal stack (0, 0: none) */
	uint64_t in_before;		/* tls_in when the handler was entered */
} hframe_t;

static __thread uint64_t tls_in __attribute__((tls_model("initial-exec")));
static __thread unsigned tls_nframes __attribute__((tls_model("initial-exec")));
static __thread hframe_t tls_frames[UD_FRAMES] __attribute__((tls_model("initial-exec")));

void ud_rt_signals_thread_start(ud_thread_t *t)
{
	ud_thread_set_signals(t, ~kernel_blocked(), tls_in);
}

/* Is code at stack pointer sp still inside the handler of frame f? It is
** below f's entry, on the same stack (the alternate one or not). */
static bool frame_holds(const hframe_t *f, uintptr_t sp)
{
	bool f_alt = f->alt_lo <= f->sp && f->sp < f->alt_hi;
	bool sp_alt = f->alt_lo <= sp && sp < f->alt_hi;
	return sp < f->sp && f_alt == sp_alt;
}

/* Code now runs at sp (0: unknown, every handler was left): forget the
** handlers it is not inside. */
static void drop_left(uintptr_t sp)
{
	unsigned n = tls_nframes, keep = 0;
	unsigned stored = n < UD_FRAMES ? n : UD_FRAMES;
	for (unsigned i = stored; sp && i-- > 0;) {
		if (frame_holds(&tls_frames[i], sp)) {
			keep = i == UD_FRAMES - 1 ? n : i + 1;
			break;
		}
	}
	if (keep < n) {
		tls_in = tls_frames[keep].in_before;
		tls_nframes = keep;
	}
}

static uintptr_t current_sp(void)
{
	return (uintptr_t)__builtin_frame_address(0);
}

static void refresh_mask(void)
{
	drop_left(current_sp());
	ud_thread_t *t = ud_tls.t;
	if (t)
		ud_thread_set_signals(t, ~kernel_blocked(), tls_in);
}

void ud_rt_signals_jump(uintptr_t sp, const sigset_t *mask)
{
	int saved = errno;
	if (tls_nframes)
		drop_left(sp);
	/* A jump out of a handler leaves any lock wait it interrupted. */
	ud_tls.waiting = NULL;
	ud_thread_t *t = ud_tls.t;
	if (t) {
		uint64_t blocked;
		if (mask)
			memcpy(&blocked, mask, sizeof blocked);
		else
			blocked = kernel_blocked();
		ud_thread_set_signals(t, ~blocked, tls_in);
	}
	errno = saved;
}

bool ud_rt_signals_in_handler(void)
{
	return tls_nframes != 0;
}

static void wrapper(int sig, siginfo_t *si, void *uc)
{
	void *fn = atomic_load_explicit(&handlers[sig].fn, memory_order_acquire);
	int flags = atomic_load_explicit(&handlers[sig].flags, memory_order_relaxed);
	uintptr_t here = current_sp();
	const stack_t *alt = &((ucontext_t *)uc)->uc_stack;
	bool has_alt = !(alt->ss_flags & SS_DISABLE) && alt->ss_size;
	uintptr_t alt_lo = has_alt ? (uintptr_t)alt->ss_sp : 0;
	uintptr_t alt_hi = has_alt ? alt_lo + alt->ss_size : 0;
	/* Handlers left without a jump we saw are gone if we run above them,
	** on the stack the interrupted code ran on. */
	bool switched = alt_lo <= here && here < alt_hi && !(alt->ss_flags & SS_ONSTACK);
	if (tls_nframes && !switched)
		drop_left(here);
	unsigned depth = tls_nframes;
	uint64_t in = tls_in;
	if (depth < UD_FRAMES)
		tls_frames[depth] = (hframe_t){
			.sp = here, .alt_lo = alt_lo, .alt_hi = alt_hi, .in_before = in,
		};
	/* A nested handler may read the frames: the record first, then the count. */
	atomic_signal_fence(memory_order_seq_cst);
	tls_nframes = depth + 1;
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
	atomic_signal_fence(memory_order_seq_cst);
	tls_nframes = depth;
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

static bool is_handler(sighandler_t fn)
{
	return fn != SIG_DFL && fn != SIG_IGN && fn != SIG_ERR && fn != SIG_HOLD;
}

static bool wrappable(int sig, const struct sigaction *act)
{
	return act && sig > 0 && sig < UD_NSIG && act->sa_handler != SIG_DFL &&
	       act->sa_handler != SIG_IGN;
}

/* sigaction with the program's handler behind our wrapper. */
static void fatal_handler(int sig, siginfo_t *si, void *uc);

/* The disposition the program would see without the runtime: its record
** handler for fatal signals (below) stands where the default was, and a
** program that finds anything but SIG_DFL there may decide differently
** (CPython then installs no KeyboardInterrupt handler and cannot restore
** the one it read). */
static void hide_fatal_handler(struct sigaction *old)
{
	if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction == fatal_handler) {
		memset(old, 0, sizeof *old);
		old->sa_handler = SIG_DFL;
	}
}

static int install(int sig, const struct sigaction *act, struct sigaction *old)
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
	if (rc == 0 && old)
		hide_fatal_handler(old);
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

UD_INTERCEPTOR(int, sigaction, int sig, const struct sigaction *act,
	       struct sigaction *old)
{
	return install(sig, act, old);
}

/*
** signal (bsd_signal, ssignal), sysv_signal and sigset install through
** glibc's internal sigaction, each with its own flags, mask and state
** (siginterrupt's set, SIG_HOLD). glibc does the call, with all of that; then
** the handler it installed is put behind the wrapper with the same flags and
** mask. A signal in between runs the handler unwrapped: only unobserved.
*/
typedef sighandler_t (*installer_t)(int, sighandler_t);

static sighandler_t install_through(const char *name, _Atomic(installer_t) *real,
				    int sig, sighandler_t fn, bool moves_mask)
{
	installer_t f = atomic_load_explicit(real, memory_order_acquire);
	if (!f) {
		f = (installer_t)dlsym(RTLD_NEXT, name);
		atomic_store_explicit(real, f, memory_order_release);
	}
	resolve();
	if (!f || !real_sigaction) {
		errno = ENOSYS;
		return SIG_ERR;
	}
	bool valid = sig > 0 && sig < UD_NSIG;
	void *prev_fn = valid ? atomic_load(&handlers[sig].fn) : NULL;
	sighandler_t rc = f(sig, fn);
	int saved = errno;
	if (rc == (sighandler_t)(void *)wrapper && prev_fn)
		rc = (sighandler_t)prev_fn;
	else if (rc == (sighandler_t)(void *)fatal_handler)
		rc = SIG_DFL;
	struct sigaction cur;
	if (rc != SIG_ERR && valid && is_handler(fn) &&
	    real_sigaction(sig, NULL, &cur) == 0 && !(cur.sa_flags & SA_SIGINFO) &&
	    cur.sa_handler == fn)
		install(sig, &cur, NULL);
	if (moves_mask)
		refresh_mask();
	errno = saved;
	return rc;
}

#define UD_INSTALLER(name, moves_mask)                                        \
	static _Atomic(installer_t) real_##name;                               \
	UD_INTERCEPTOR(sighandler_t, name, int sig, sighandler_t fn)          \
	{                                                                      \
		return install_through(#name, &real_##name, sig, fn, moves_mask); \
	}

UD_INSTALLER(signal, false)
UD_INSTALLER(bsd_signal, false)
UD_INSTALLER(ssignal, false)
UD_INSTALLER(sysv_signal, false)
UD_INSTALLER(__sysv_signal, false)
UD_INSTALLER(sigset, true)		/* unblocks sig, or blocks it (SIG_HOLD) */

/* sighold/sigrelse change the mask through glibc's internal sigprocmask. */
#define UD_MASKER(name)                                                       \
	static _Atomic(int (*)(int)) real_##name;                              \
	UD_INTERCEPTOR(int, name, int sig)                                     \
	{                                                                      \
		int (*f)(int) = atomic_load(&real_##name);                      \
		if (!f) {                                                      \
			f = (int (*)(int))dlsym(RTLD_NEXT, #name);              \
			atomic_store(&real_##name, f);                         \
		}                                                              \
		if (!f) {                                                      \
			errno = ENOSYS;                                        \
			return -1;                                             \
		}                                                              \
		int rc = f(sig);                                               \
		int saved = errno;                                             \
		refresh_mask();                                                \
		errno = saved;                                                 \
		return rc;                                                     \
	}

UD_MASKER(sighold)
UD_MASKER(sigrelse)

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

/* ---- fatal signals and process records ------------------------------------ */

/*
** With process records on, a signal that would end the process writes the
** record first (record.c), then ends it as it would have: the default
** action is restored (SA_RESETHAND) and the signal raised again, delivered
** when the handler returns. Installed only where the disposition is the
** default; a handler the program installs later replaces it.
*/
static void fatal_handler(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	int saved = errno;
	ud_rt_record_signal(sig);
	syscall(SYS_tgkill, (pid_t)syscall(SYS_getpid), (pid_t)syscall(SYS_gettid), sig);
	errno = saved;
}

void ud_rt_record_signals_init(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT,
				     SIGTERM, SIGINT, SIGHUP, SIGQUIT };
	resolve();
	if (!real_sigaction)
		return;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
		struct sigaction cur, act;
		if (real_sigaction(fatal[i], NULL, &cur) != 0 ||
		    (cur.sa_flags & SA_SIGINFO) || cur.sa_handler != SIG_DFL)
			continue;
		memset(&act, 0, sizeof act);
		act.sa_sigaction = fatal_handler;
		act.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK;
		sigemptyset(&act.sa_mask);
		real_sigaction(fatal[i], &act, NULL);
	}
}
