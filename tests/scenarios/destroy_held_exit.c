/*
** destroy_held_exit.c: one bug, one report.
**
** A thread destroys a mutex it holds (held_freed; glibc refuses with EBUSY,
** so the mutex stays held) and then ends without unlocking it. The lock it
** still holds at its end is the lock already reported as freed: that is the
** same bug, told once. A second lock the thread also keeps is a bug of its
** own and is reported as held at exit, naming only that lock.
*/
// EXPECT: held_freed held_at_exit
// CHECK: WARNING: keeper/
// CHECK: (kept){
// CHECK-NOT: WARNING: destroyer/
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>

#include "scenario.h"

static pthread_mutex_t kept = PTHREAD_MUTEX_INITIALIZER;

static void *destroyer(void *arg)
{
	pthread_mutex_t *m = arg;
	MUST(pthread_setname_np(pthread_self(), "destroyer"), 0);
	MUST(pthread_mutex_lock(m), 0);
	MUST(pthread_mutex_destroy(m), EBUSY);
	return NULL;		/* ends holding m: already reported */
}

static void *keeper(void *arg)
{
	pthread_mutex_t *m = arg;
	MUST(pthread_setname_np(pthread_self(), "keeper"), 0);
	MUST(pthread_mutex_lock(m), 0);
	MUST(pthread_mutex_destroy(m), EBUSY);
	MUST(pthread_mutex_lock(&kept), 0);
	return NULL;		/* ends holding m and kept: kept is news */
}

int main(void)
{
	static pthread_mutex_t m1, m2;
	pthread_t t;
	MUST(pthread_mutex_init(&m1, NULL), 0);
	MUST(pthread_create(&t, NULL, destroyer, &m1), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_mutex_init(&m2, NULL), 0);
	MUST(pthread_create(&t, NULL, keeper, &m2), 0);
	MUST(pthread_join(t, NULL), 0);
	return 0;
}
