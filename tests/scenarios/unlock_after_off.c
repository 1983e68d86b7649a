/*
** unlock_after_off.c: locks taken between ulockdep_off() and ulockdep_on(),
** released after ulockdep_on().
**
** The last release of each mutex finds nothing on the held stack, and each
** is legal: glibc records this thread as the owner of every mutex it
** unlocks, so nothing is reported. The cases: a static mutex the runtime never saw; one it saw
** taken and released before; a recursive mutex taken once untracked and once
** tracked; a mutex passed to pthread_cond_timedwait (seen before too); a C11
** mtx_t (seen at its init); and a mutex unlocked in a child after fork(),
** where glibc still names the parent's thread as its owner.
*/
// EXPECT: none
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

#include <ulockdep.h>

#include "scenario.h"

static pthread_mutex_t unseen = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t seen = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t rec = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_mutex_t waited = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t forked = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static mtx_t c11;

int main(void)
{
	struct timespec now;
	pid_t pid;
	int status;

	MUST(mtx_init(&c11, mtx_plain), thrd_success);
	MUST(pthread_mutex_lock(&seen), 0);
	MUST(pthread_mutex_unlock(&seen), 0);
	MUST(pthread_mutex_lock(&waited), 0);
	MUST(pthread_mutex_unlock(&waited), 0);

	ulockdep_off();
	MUST(pthread_mutex_lock(&unseen), 0);
	MUST(pthread_mutex_lock(&seen), 0);
	MUST(pthread_mutex_lock(&rec), 0);
	MUST(pthread_mutex_lock(&waited), 0);
	MUST(pthread_mutex_lock(&forked), 0);
	MUST(mtx_lock(&c11), thrd_success);
	ulockdep_on();

	MUST(pthread_mutex_unlock(&unseen), 0);
	MUST(pthread_mutex_unlock(&seen), 0);
	MUST(pthread_mutex_lock(&rec), 0);
	MUST(pthread_mutex_unlock(&rec), 0);
	MUST(pthread_mutex_unlock(&rec), 0);
	MUST(clock_gettime(CLOCK_REALTIME, &now), 0);
	MUST(pthread_cond_timedwait(&cv, &waited, &now), ETIMEDOUT);
	MUST(pthread_mutex_unlock(&waited), 0);
	MUST(mtx_unlock(&c11), thrd_success);

	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		MUST(pthread_mutex_unlock(&forked), 0);
		_exit(0);
	}
	MUST(waitpid(pid, &status, 0) == pid, 1);
	MUST(WIFEXITED(status) && WEXITSTATUS(status) == 0, 1);
	MUST(pthread_mutex_unlock(&forked), 0);
	mtx_destroy(&c11);
	return 0;
}
