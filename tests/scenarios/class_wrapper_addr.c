/*
** class_wrapper_addr.c: a lock wrapper given the lock's address, as libuv's
** uv_mutex_init(uv_mutex_t *) is: my_mutex_init() initialises the mutex it
** is handed, and the program makes every mutex through it. Its name says it
** makes a lock, so each lock's class is the site that called it: the
** queue's (in queue_init) and the log's (in log_init) are two classes. One
** path holds the queue lock and takes `stats`, an unrelated one holds
** `stats` and takes the log lock: keyed by my_mutex_init's own site
** (init_frames=1) that would be a cycle of one class through `stats`; no
** lock is taken both ways round, so nothing is reported.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static __attribute__((noinline)) void my_mutex_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	MUST(pthread_mutexattr_init(&a), 0);
	MUST(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK), 0);
	MUST(pthread_mutex_init(m, &a), 0);
	MUST(pthread_mutexattr_destroy(&a), 0);
}

struct queue {
	pthread_mutex_t lock;
	int len;
};

struct logger {
	pthread_mutex_t lock;
	int lines;
};

static struct queue queue;
static struct logger logger;
static pthread_mutex_t stats = PTHREAD_MUTEX_INITIALIZER;
static int pushed;

static __attribute__((noinline)) void queue_init(struct queue *q)
{
	my_mutex_init(&q->lock);
	q->len = 0;
}

static __attribute__((noinline)) void log_init(struct logger *l)
{
	my_mutex_init(&l->lock);
	l->lines = 0;
}

/* Push: the queue's lock, then the statistics. */
static void *producer(void *arg)
{
	MUST(pthread_mutex_lock(&queue.lock), 0);
	queue.len++;
	MUST(pthread_mutex_lock(&stats), 0);
	pushed++;
	MUST(pthread_mutex_unlock(&stats), 0);
	MUST(pthread_mutex_unlock(&queue.lock), 0);
	return arg;
}

/* Report: the statistics, then the log. */
static void *reporter(void *arg)
{
	MUST(pthread_mutex_lock(&stats), 0);
	MUST(pthread_mutex_lock(&logger.lock), 0);
	logger.lines += pushed;
	MUST(pthread_mutex_unlock(&logger.lock), 0);
	MUST(pthread_mutex_unlock(&stats), 0);
	return arg;
}

int main(void)
{
	pthread_t t;
	queue_init(&queue);
	log_init(&logger);
	MUST(pthread_create(&t, NULL, producer, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, reporter, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	return logger.lines == 1 ? 0 : 1;
}
