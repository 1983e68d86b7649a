/*
** free_reuse.c: locks never initialised by a call, at recycled heap addresses.
**
** Each round allocates two objects whose mutexes are set up by assignment of
** PTHREAD_MUTEX_INITIALIZER (no init call, so no destroy either), takes them
** in one order and frees both. The next round gets the same two blocks back
** from malloc, in swapped roles, and takes them in the same role order.
** Each lock is a new lock: there is no inversion. With check_free=1 the
** frees end the old identities; without it, identity by address would see
** A->B then B->A.
*/
// OPTIONS: check_free=1
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct obj {
	pthread_mutex_t lock;
	char pad[64];
};

static struct obj *make(void)
{
	struct obj *o = malloc(sizeof *o);
	if (!o)
		abort();
	pthread_mutex_t init = PTHREAD_MUTEX_INITIALIZER;
	o->lock = init;
	return o;
}

int main(void)
{
	void *seen[2] = { 0, 0 };
	for (int round = 0; round < 2; round++) {
		struct obj *outer = make(), *inner = make();
		if (round == 0) {
			seen[0] = outer;
			seen[1] = inner;
		} else if ((void *)outer != seen[1] || (void *)inner != seen[0]) {
			/* The point of the test is address reuse in swapped roles. */
			fprintf(stderr, "free_reuse: malloc did not reuse the blocks swapped\n");
			return 2;
		}
		pthread_mutex_lock(&outer->lock);
		pthread_mutex_lock(&inner->lock);
		pthread_mutex_unlock(&inner->lock);
		pthread_mutex_unlock(&outer->lock);
		/* Freed so that the next round gets them back swapped (tcache is LIFO). */
		free(outer);
		free(inner);
	}
	return 0;
}
