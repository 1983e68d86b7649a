/*
** reuse_100k.c: 100,000 short-lived objects with two mutexes each, at the same
** addresses over and over, with the roles of the two slots swapped each time.
**
** Every use initialises an "outer" mutex at one call site and an "inner"
** mutex at another, locks outer then inner, and ends both. The classes (init
** sites) are always taken outer -> inner: no report. But the slots swap roles:
** in use_pair(&p->m[0], &p->m[1]) slot 0 is outer, in use_pair(&p->m[1],
** &p->m[0]) it is inner, and malloc hands back the same block every
** iteration. A validator that kept the identity of a lock by its address
** across destroy, re-init or free would see slot 0 -> slot 1 and then slot 1
** -> slot 0: a false cycle. Identity must end with each lifetime:
**   - destroy then re-init at the same address (both uses of one block),
**   - free then malloc of the same block,
**   - every 4th iteration the block is freed without pthread_mutex_destroy
**     (allowed for an unlocked glibc mutex), so only the next init ends the
**     old identity.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

enum { ITERATIONS = 100000 };

struct pair {
	pthread_mutex_t m[2];
	long value;
};

static void use_pair(pthread_mutex_t *outer, pthread_mutex_t *inner,
		     int destroy)
{
	MUST(pthread_mutex_init(outer, NULL), 0);	/* class "outer" */
	MUST(pthread_mutex_init(inner, NULL), 0);	/* class "inner" */
	MUST(pthread_mutex_lock(outer), 0);
	MUST(pthread_mutex_lock(inner), 0);
	MUST(pthread_mutex_unlock(inner), 0);
	MUST(pthread_mutex_unlock(outer), 0);
	if (destroy) {
		MUST(pthread_mutex_destroy(inner), 0);
		MUST(pthread_mutex_destroy(outer), 0);
	}
}

int main(void)
{
	void *first = NULL;
	long same = 0;

	for (int i = 0; i < ITERATIONS; i++) {
		struct pair *p = malloc(sizeof *p);
		int x = i & 1;

		if (!p)
			abort();
		if (i == 0)
			first = p;
		same += (void *)p == first;
		use_pair(&p->m[x], &p->m[1 - x], 1);
		use_pair(&p->m[1 - x], &p->m[x], i % 4 != 3);
		free(p);
	}
	/* the point is address reuse: say so if malloc stopped giving it */
	if (same < ITERATIONS / 2)
		fprintf(stderr, "note: only %ld of %d blocks reused the first address\n",
			same, ITERATIONS);
	return 0;
}
