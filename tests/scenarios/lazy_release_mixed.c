/*
** lazy_release_mixed.c: lazy releases (lazy_release) mixed with
** acquisitions, trylocks, releases from the middle and from the top, and a
** read lock, in a thread (whose stack begins with the runtime's entry for
** its lifetime).
**
** Each round holds o and l[0..7] (each its own class), then:
**  1. releases l[0] and l[1] oldest first, takes n (keys worked out again),
**     releases l[2] oldest first, then l[5] from the middle, then the rest;
**  2. releases l[0] oldest first, then every lock from the top, o last,
**     and takes n with nothing held;
**  3. under a read lock of r, trylocks t, releases r, then l[0] oldest
**     first, takes n, and releases the rest.
** Nothing there is inverted. Thread `inverted` then takes n, then l[3]:
** l[3] is before n through l[4]..l[7], a circular dependency, the only
** report. The debug build checks every chain key once worked out again.
*/
// EXPECT: circular
// CHECK: inverted+
// CHECK-NOT: recursive locking
#include <pthread.h>
#include <stdio.h>

#include "scenario.h"

#define N 8
static pthread_mutex_t l[N] = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
};
static pthread_mutex_t o = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t n = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t t = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t r = PTHREAD_RWLOCK_INITIALIZER;

static void lock(pthread_mutex_t *m)
{
	MUST(pthread_mutex_lock(m), 0);
}

static void unlock(pthread_mutex_t *m)
{
	MUST(pthread_mutex_unlock(m), 0);
}

static void hold_all(void)
{
	for (int i = 0; i < N; i++)
		lock(&l[i]);
}

static void *rounds(void *arg)
{
	(void)arg;
	for (int round = 0; round < 3; round++) {
		lock(&o);
		hold_all();
		unlock(&l[0]);
		unlock(&l[1]);
		lock(&n);
		unlock(&l[2]);
		unlock(&l[5]);
		unlock(&n);
		for (int i = N - 1; i > 2; i--)
			if (i != 5)
				unlock(&l[i]);
		unlock(&o);

		lock(&o);
		hold_all();
		unlock(&l[0]);
		for (int i = N - 1; i > 0; i--)
			unlock(&l[i]);
		unlock(&o);
		lock(&n);
		unlock(&n);

		MUST(pthread_rwlock_rdlock(&r), 0);
		hold_all();
		MUST(pthread_mutex_trylock(&t), 0);
		MUST(pthread_rwlock_unlock(&r), 0);
		unlock(&l[0]);
		lock(&n);
		unlock(&n);
		unlock(&t);
		for (int i = N - 1; i > 0; i--)
			unlock(&l[i]);
	}
	return NULL;
}

static void *inverted(void *arg)
{
	(void)arg;
	lock(&n);
	lock(&l[3]);
	unlock(&l[3]);
	unlock(&n);
	return NULL;
}

int main(void)
{
	pthread_t th;
	MUST(pthread_create(&th, NULL, rounds, NULL), 0);
	MUST(pthread_join(th, NULL), 0);
	MUST(pthread_create(&th, NULL, inverted, NULL), 0);
	MUST(pthread_join(th, NULL), 0);
	return 0;
}
