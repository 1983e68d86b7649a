/*
** join_done_flag.c: pigz's yarn pool. A worker's last act is to take
** threads_lock, mark itself done, broadcast and unlock; the joiner holds
** threads_lock, waits on the condition until some thread is done, and joins
** only the threads marked done, still holding the lock. No thread can want
** threads_lock once it is joined: no report. Threads are launched under the
** lock too, and some are still working when the joiner starts waiting.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "scenario.h"

struct lock {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	long value;
};

struct thread {
	pthread_t id;
	int done;
	struct thread *next;
};

static struct lock threads_lock = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
static struct thread *threads;
static struct lock work = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };

/* The worker's last act: mark itself done under the lock and tell the joiner. */
static void reenter(void)
{
	pthread_t me = pthread_self();
	MUST(pthread_mutex_lock(&threads_lock.mutex), 0);
	for (struct thread *m = threads; m; m = m->next)
		if (pthread_equal(m->id, me))
			m->done = 1;
	threads_lock.value++;
	MUST(pthread_cond_broadcast(&threads_lock.cond), 0);
	MUST(pthread_mutex_unlock(&threads_lock.mutex), 0);
}

static void *ignition(void *arg)
{
	MUST(pthread_mutex_lock(&work.mutex), 0);
	work.value++;
	MUST(pthread_mutex_unlock(&work.mutex), 0);
	if (arg)
		usleep(20000);	/* still working when the joiner waits */
	reenter();
	return NULL;
}

static void launch(void *arg)
{
	struct thread *th = calloc(1, sizeof *th);
	MUST(th != NULL, 1);
	MUST(pthread_mutex_lock(&threads_lock.mutex), 0);
	MUST(pthread_create(&th->id, NULL, ignition, arg), 0);
	th->next = threads;
	threads = th;
	MUST(pthread_mutex_unlock(&threads_lock.mutex), 0);
}

static int join_all(void)
{
	int count = 0;
	MUST(pthread_mutex_lock(&threads_lock.mutex), 0);
	while (threads) {
		while (threads_lock.value == 0)
			MUST(pthread_cond_wait(&threads_lock.cond, &threads_lock.mutex), 0);
		struct thread **prior = &threads, *m;
		while ((m = *prior) != NULL) {
			if (m->done) {
				MUST(pthread_join(m->id, NULL), 0);
				*prior = m->next;
				free(m);
				threads_lock.value--;
				count++;
			} else {
				prior = &m->next;
			}
		}
	}
	MUST(pthread_mutex_unlock(&threads_lock.mutex), 0);
	return count;
}

int main(void)
{
	int joined = 0;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 4; i++)
			launch(i == 3 ? (void *)1 : NULL);
		if (round == 0)
			usleep(50000);	/* the first three have ended before the join */
		joined += join_all();
	}
	return joined == 12 && work.value == 12 ? 0 : 1;
}
