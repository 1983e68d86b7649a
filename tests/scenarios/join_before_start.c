/*
** join_before_start.c: a thread joined before it has run a single instruction.
**
** main makes a worker, then at once locks `a` and joins it; the worker then
** takes `a`: a real deadlock. The join may come before the new thread has
** started, so the thread's lifetime class must be known to the joiner from
** pthread_create on, not only from the new thread's first step. A first
** worker, joined while it sleeps, leaves its stack to be reused, which makes
** the second one slow to start.
*/
// EXPECT: circular
// HANGS: yes
// CHECK: (thread:worker)
#include <pthread.h>
#include <unistd.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	usleep(50 * 1000);
	if (arg) {
		MUST(pthread_mutex_lock(&a), 0);	/* never returns */
		MUST(pthread_mutex_unlock(&a), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t th;
	MUST(pthread_create(&th, NULL, worker, NULL), 0);
	MUST(pthread_join(th, NULL), 0);
	MUST(pthread_create(&th, NULL, worker, (void *)1), 0);
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_join(th, NULL), 0);	/* never returns */
	MUST(pthread_mutex_unlock(&a), 0);
	return 0;
}
