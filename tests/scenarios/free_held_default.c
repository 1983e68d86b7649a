/*
** free_held_default.c: with the default options, a worker thread frees a
** heap object whose mutex it still holds, while the main thread frees
** objects whose locks nobody holds.
**
** check_free_held (on by default) checks the locks the freeing thread holds,
** as the kernel does: the worker's free is a held lock freed, found past the
** worker's own lifetime entry and a static lock under which it freed other
** blocks first, and the other frees are nothing. The worker then ends
** holding only freed memory: one bug, one report.
*/
// EXPECT: held_freed
#include <pthread.h>
#include <stdlib.h>

#include "scenario.h"

struct obj {
	int value;
	pthread_mutex_t lock;
};

static struct obj *make(void)
{
	struct obj *o = malloc(sizeof *o);
	if (!o)
		abort();
	MUST(pthread_mutex_init(&o->lock, NULL), 0);
	return o;
}

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	(void)arg;
	/* Frees under a static lock alone: nothing (and, with free_key_cache,
	** that chain is remembered as safe)... */
	MUST(pthread_mutex_lock(&table_lock), 0);
	for (int i = 0; i < 10; i++)
		free(make());
	/* ...which must not hide the object's own lock taken under it. */
	struct obj *o = make();
	MUST(pthread_mutex_lock(&o->lock), 0);
	o->value = 1;
	free(o);		/* still locked */
	MUST(pthread_mutex_unlock(&table_lock), 0);
	return NULL;
}

int main(void)
{
	/* Unheld locks in freed memory, and frees while a lock is held
	** elsewhere: not reported. */
	struct obj *guard = make();
	MUST(pthread_mutex_lock(&guard->lock), 0);
	for (int i = 0; i < 100; i++) {
		struct obj *o = make();
		MUST(pthread_mutex_lock(&o->lock), 0);
		MUST(pthread_mutex_unlock(&o->lock), 0);
		free(o);
	}
	MUST(pthread_mutex_unlock(&guard->lock), 0);
	pthread_t t;
	MUST(pthread_create(&t, NULL, worker, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	free(guard);
	return 0;
}
