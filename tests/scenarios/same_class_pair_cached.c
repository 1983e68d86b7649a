/*
** same_class_pair_cached.c: instance order still checked once pairs of one
** class are cached (instance_cache).
**
** Eight locks of one class (one init loop) are nested in index order many
** times over: pairs, hand over hand, released out of order, under a lock of
** another class; every pair is then cached. Then:
**  - lock 5 then lock 3, against the order: circular;
**  - lock 0 ends (destroy, init again): its new life has no order yet, so
**    lock 1 then the new lock 0 is fine, and the new lock 0 then lock 1
**    closes a cycle with it. The pair (0, 1) cached for the old life must
**    not vouch for the new one: circular again, reported in new_life.
** init_frames=1 keys every lock by init_one's call: the new life of lock 0
** is of the one class too.
*/
// EXPECT: circular
// OPTIONS: init_frames=1
// CHECK: inverted+
// CHECK: new_life+
#include <pthread.h>
#include <stdio.h>

#include "scenario.h"

#define N 8
static pthread_mutex_t locks[N];
static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;

static void init_one(int i)
{
	MUST(pthread_mutex_init(&locks[i], NULL), 0);	/* the one class */
}

static void lock(int i)
{
	MUST(pthread_mutex_lock(&locks[i]), 0);
}

static void unlock(int i)
{
	MUST(pthread_mutex_unlock(&locks[i]), 0);
}

static void *in_order(void *arg)
{
	(void)arg;
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i + 1 < N; i++) {	/* pairs */
			lock(i);
			lock(i + 1);
			unlock(i + 1);
			unlock(i);
		}
		lock(0);				/* hand over hand */
		for (int i = 1; i < N; i++) {
			lock(i);
			unlock(i - 1);
		}
		unlock(N - 1);
		MUST(pthread_mutex_lock(&outer), 0);	/* under another class, */
		for (int i = 0; i < N; i++)		/* released oldest first */
			lock(i);
		for (int i = 0; i < N; i++)
			unlock(i);
		MUST(pthread_mutex_unlock(&outer), 0);
	}
	return NULL;
}

static void *inverted(void *arg)
{
	(void)arg;
	lock(5);
	lock(3);
	unlock(3);
	unlock(5);
	return NULL;
}

static void *new_life(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_destroy(&locks[0]), 0);
	init_one(0);
	lock(1);
	lock(0);
	unlock(0);
	unlock(1);
	lock(0);
	lock(1);
	unlock(1);
	unlock(0);
	return NULL;
}

static void run(void *(*fn)(void *))
{
	pthread_t t;
	MUST(pthread_create(&t, NULL, fn, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
}

int main(void)
{
	for (int i = 0; i < N; i++)
		init_one(i);
	run(in_order);
	run(inverted);
	run(new_life);
	printf("done\n");
	return 0;
}
