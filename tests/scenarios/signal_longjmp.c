/*
** signal_longjmp.c: handlers left with siglongjmp and _longjmp.
**
** A SIGUSR1 handler jumps inside itself (it is still the handler), takes L,
** and siglongjmps out to main, which gets its saved mask back (SIGUSR1
** unblocked). A SIGUSR2 handler, on an alternate signal stack, takes L2 and
** leaves with _longjmp, which restores no mask: SIGUSR2 stays blocked until
** main unblocks it. Once out, main is in no handler: M and M2, taken with
** the signal blocked and unblocked, deeper in the stack than the handlers
** ran, are consistent. L and L2, taken by main with their signal unblocked,
** are not: two reports, both at main's acquisitions.
*/
// EXPECT: inconsistent
// CHECK: inconsistent lock state in main (l)
// CHECK: inconsistent lock state in main (l2)
// CHECK-NOT: (m)
// CHECK-NOT: (m2)
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

#include "scenario.h"

static pthread_mutex_t l = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t l2 = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m2 = PTHREAD_MUTEX_INITIALIZER;
static sigjmp_buf out1;
static jmp_buf out2;
static volatile sig_atomic_t inner_jumps;

static void lock_unlock(pthread_mutex_t *x)
{
	MUST(pthread_mutex_lock(x), 0);
	MUST(pthread_mutex_unlock(x), 0);
}

static void on_usr1(int sig)
{
	(void)sig;
	sigjmp_buf inner;
	if (sigsetjmp(inner, 0) == 0)
		siglongjmp(inner, 1);	/* lands in this handler */
	inner_jumps++;
	lock_unlock(&l);		/* still IN-SIGUSR1 */
	siglongjmp(out1, 1);
}

static void on_usr2(int sig)
{
	(void)sig;
	lock_unlock(&l2);
	_longjmp(out2, 1);
}

static void set_blocked(int sig, int how)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	MUST(sigprocmask(how, &s, NULL), 0);
}

static int blocked(int sig)
{
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	return sigismember(&now, sig);
}

/* Take x from well below the frames the handlers ran in. */
static __attribute__((noinline)) void take_deep(pthread_mutex_t *x, int depth)
{
	volatile char pad[4096];
	pad[0] = (char)depth;
	if (depth > 0)
		take_deep(x, depth - 1);
	else
		lock_unlock(x);
	(void)pad[0];
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	MUST(sigaction(SIGUSR1, &sa, NULL), 0);

	static char alt[64 * 1024];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
	MUST(sigaltstack(&ss, NULL), 0);
	sa.sa_handler = on_usr2;
	sa.sa_flags = SA_ONSTACK;
	MUST(sigaction(SIGUSR2, &sa, NULL), 0);

	if (sigsetjmp(out1, 1) == 0) {
		raise(SIGUSR1);
		return 2;	/* the handler does not return */
	}
	MUST(inner_jumps, 1);
	MUST(blocked(SIGUSR1), 0);
	take_deep(&m, 4);	/* first thing after the jump */
	set_blocked(SIGUSR1, SIG_BLOCK);
	take_deep(&m, 4);
	set_blocked(SIGUSR1, SIG_UNBLOCK);
	take_deep(&m, 4);
	lock_unlock(&l);	/* the handler may take l: report */

	if (_setjmp(out2) == 0) {
		raise(SIGUSR2);
		return 2;
	}
	MUST(blocked(SIGUSR2), 1);
	take_deep(&m2, 4);
	set_blocked(SIGUSR2, SIG_UNBLOCK);
	take_deep(&m2, 4);
	lock_unlock(&l2);	/* the handler may take l2: report */
	return 0;
}
