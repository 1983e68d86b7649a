/*
** join_np.c: glibc's other joins. pthread_timedjoin_np and
** pthread_clockjoin_np wait like pthread_join (glibc does not route them
** through it), so each of them under a lock its thread takes is a cycle, as
** in join_deadlock.c; pthread_tryjoin_np never waits, so polling it under
** the lock is not.
*/
// EXPECT: circular
// CHECK: (thread:timed_worker -> a -> thread:timed_worker)
// CHECK: (thread:clock_worker -> a -> thread:clock_worker)
// CHECK-NOT: thread:try_worker -> a
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static int done;

static void take_a(void)
{
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
}

static void *timed_worker(void *arg) { take_a(); return arg; }
static void *clock_worker(void *arg) { take_a(); return arg; }
static void *try_worker(void *arg) { take_a(); return arg; }

static pthread_t start(void *(*fn)(void *))
{
	pthread_t th;
	__atomic_store_n(&done, 0, __ATOMIC_RELEASE);
	MUST(pthread_create(&th, NULL, fn, NULL), 0);
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		;
	return th;
}

static struct timespec in_seconds(clockid_t clk, int s)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	ts.tv_sec += s;
	return ts;
}

int main(void)
{
	pthread_t th = start(timed_worker);
	struct timespec ts = in_seconds(CLOCK_REALTIME, 30);
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_timedjoin_np(th, NULL, &ts), 0);
	MUST(pthread_mutex_unlock(&a), 0);

	th = start(clock_worker);
	ts = in_seconds(CLOCK_MONOTONIC, 30);
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_clockjoin_np(th, NULL, CLOCK_MONOTONIC, &ts), 0);
	MUST(pthread_mutex_unlock(&a), 0);

	th = start(try_worker);
	MUST(pthread_mutex_lock(&a), 0);
	while (pthread_tryjoin_np(th, NULL) != 0) {
		MUST(pthread_mutex_unlock(&a), 0);
		usleep(1000);
		MUST(pthread_mutex_lock(&a), 0);
	}
	MUST(pthread_mutex_unlock(&a), 0);
	return 0;
}
