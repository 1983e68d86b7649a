/*
** wait_context_cond.c: a condition wait made while holding a spinlock. The
** wait gives its mutex up and takes it again before it returns: a sleeping
** wait under the spinlock (invalid wait context), and, since the mutex was
** taken before the spinlock, the re-take inverts their order (circular).
** The deadline has passed already, so the wait returns at once.
*/
// EXPECT: wait_context circular
// CHECK: (cond_mutex){+...}-{3:3}
// CHECK: while holding the spinlock:
// CHECK: context-{2:2}
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "scenario.h"

static pthread_spinlock_t spin;
static pthread_mutex_t cond_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

int main(void)
{
	struct timespec past = { 0, 0 };
	MUST(pthread_spin_init(&spin, 0), 0);
	MUST(pthread_mutex_lock(&cond_mutex), 0);
	MUST(pthread_spin_lock(&spin), 0);
	MUST(pthread_cond_timedwait(&cond, &cond_mutex, &past), 110 /* ETIMEDOUT */);
	MUST(pthread_spin_unlock(&spin), 0);
	MUST(pthread_mutex_unlock(&cond_mutex), 0);
	return 0;
}
