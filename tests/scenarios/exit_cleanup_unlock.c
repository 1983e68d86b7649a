/*
** exit_cleanup_unlock.c: threads leave with pthread_exit while they hold a
** mutex, and the cleanup handler they pushed releases it, as a thread that
** may be cancelled must do.
**
** pthread_exit unwinds the thread: its cleanup handlers run first, and the
** thread ends holding nothing, natively and for the validator, which must
** judge the thread's end after them. A third thread leaves with pthread_exit
** holding a lock that no handler releases: that one is reported, once.
*/
// EXPECT: held_at_exit
// CHECK: (kept){+
// CHECK-NOT: (m){+
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t kept = PTHREAD_MUTEX_INITIALIZER;
static int released;

static void unlock_m(void *arg)
{
	(void)arg;
	released++;
	MUST(pthread_mutex_unlock(&m), 0);
}

static void *leaver(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&m), 0);
	pthread_cleanup_push(unlock_m, NULL);
	pthread_exit(NULL);
	pthread_cleanup_pop(1);
	return NULL;
}

static void *keeper(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&kept), 0);
	pthread_exit(NULL);
}

int main(void)
{
	pthread_t t[2], k;

	for (int i = 0; i < 2; i++) {
		MUST(pthread_create(&t[i], NULL, leaver, NULL), 0);
		MUST(pthread_join(t[i], NULL), 0);
	}
	if (released != 2) {
		fprintf(stderr, "cleanup handlers ran %d times\n", released);
		return 1;
	}
	/* m is free again: the handlers released it. */
	MUST(pthread_mutex_lock(&m), 0);
	MUST(pthread_mutex_unlock(&m), 0);
	MUST(pthread_create(&k, NULL, keeper, NULL), 0);
	MUST(pthread_join(k, NULL), 0);
	return 0;
}
