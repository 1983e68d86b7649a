/*
** same_class_pair_cached_rw.c: instance order of rwlocks still checked once
** pairs of one class are cached (instance_cache), through the rwlock
** lock's out-of-line pair probe.
**
** Eight rwlocks of one class (one init loop) are nested in index order many
** times over: pairs written, hand over hand read then written, and read
** under a lock of another class, released oldest first; every pair is then
** cached. Then:
**  - rwlock 5 then rwlock 3, written, against the order: circular (the path
**    back, 3 to 5, is through writers: a deadlock, readers or not);
**  - rwlock 0 ends (destroy, init again): its new life has no order yet, so
**    rwlock 1 then the new rwlock 0 is fine, and the new rwlock 0 then
**    rwlock 1 closes a cycle with it. The pair (0, 1) cached for the old
**    life must not vouch for the new one: circular again, in new_life.
** init_frames=1 keys every rwlock by init_one's call.
*/
// EXPECT: circular
// OPTIONS: init_frames=1
// CHECK: inverted+
// CHECK: new_life+
#include <pthread.h>
#include <stdio.h>

#include "scenario.h"

#define N 8
static pthread_rwlock_t locks[N];
static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;

static void init_one(int i)
{
	MUST(pthread_rwlock_init(&locks[i], NULL), 0);	/* the one class */
}

static void rd(int i)
{
	MUST(pthread_rwlock_rdlock(&locks[i]), 0);
}

static void wr(int i)
{
	MUST(pthread_rwlock_wrlock(&locks[i]), 0);
}

static void unlock(int i)
{
	MUST(pthread_rwlock_unlock(&locks[i]), 0);
}

static void *in_order(void *arg)
{
	(void)arg;
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i + 1 < N; i++) {	/* pairs */
			wr(i);
			wr(i + 1);
			unlock(i + 1);
			unlock(i);
		}
		rd(0);					/* hand over hand */
		for (int i = 1; i < N; i++) {
			wr(i);
			unlock(i - 1);
		}
		unlock(N - 1);
		MUST(pthread_mutex_lock(&outer), 0);	/* under another class, */
		for (int i = 0; i < N; i++)		/* released oldest first */
			rd(i);
		for (int i = 0; i < N; i++)
			unlock(i);
		MUST(pthread_mutex_unlock(&outer), 0);
	}
	return NULL;
}

static void *inverted(void *arg)
{
	(void)arg;
	wr(5);
	wr(3);
	unlock(3);
	unlock(5);
	return NULL;
}

static void *new_life(void *arg)
{
	(void)arg;
	MUST(pthread_rwlock_destroy(&locks[0]), 0);
	init_one(0);
	wr(1);
	wr(0);
	unlock(0);
	unlock(1);
	wr(0);
	wr(1);
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
