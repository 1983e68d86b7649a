/*
** signal_sigset.c: a handler installed with sigset() takes L. Main takes L
** while sigset(SIGUSR1, SIG_HOLD) (and sighold) block the signal: no report;
** then with SIGUSR1 released (sigrelse): inconsistent lock state, reported
** at that acquisition.
**
** sigset keeps its own semantics under the runtime: SIG_HOLD blocks the
** signal and returns the handler, or SIG_HOLD if it was blocked already;
** installing a handler unblocks the signal and returns SIG_HOLD if it was
** blocked; the program sees its own handler, not the runtime's.
*/
// EXPECT: inconsistent
// CHECK: inconsistent {IN-SIGUSR1-W} -> {SIGUSR1-ON-W} usage.
// CHECK: {IN-SIGUSR1-W} state was registered at:
// CHECK: on_usr1
// CHECK: take_unblocked
// CHECK-NOT: take_held
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>

#include "scenario.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static pthread_mutex_t l = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	pthread_mutex_lock(&l);
	handled++;
	pthread_mutex_unlock(&l);
}

static int blocked(void)
{
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	return sigismember(&now, SIGUSR1);
}

static __attribute__((noinline)) void take_held(void)
{
	pthread_mutex_lock(&l);
	handled++;
	pthread_mutex_unlock(&l);
}

static __attribute__((noinline)) void take_unblocked(void)
{
	pthread_mutex_lock(&l);
	handled++;
	pthread_mutex_unlock(&l);
}

int main(void)
{
	MUST(sigset(SIGUSR1, on_usr1) == SIG_DFL, 1);
	MUST(raise(SIGUSR1), 0);
	MUST(handled, 1);

	MUST(sigset(SIGUSR1, SIG_HOLD) == on_usr1, 1);
	MUST(blocked(), 1);
	MUST(sigset(SIGUSR1, SIG_HOLD) == SIG_HOLD, 1);
	take_held();
	MUST(sigset(SIGUSR1, on_usr1) == SIG_HOLD, 1);
	MUST(blocked(), 0);

	MUST(sighold(SIGUSR1), 0);
	take_held();
	MUST(sigrelse(SIGUSR1), 0);
	MUST(blocked(), 0);
	take_unblocked();
	return handled == 4 ? 0 : 1;
}
