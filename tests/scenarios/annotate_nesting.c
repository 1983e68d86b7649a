/*
** annotate_nesting.c: same-class nesting the annotations make legal, under the
** kernel's strict rule (nesting two locks of one class is recursive locking):
**  - parent then child, the child taken as subclass 1 (_nested);
**  - many locks of one class held at once under a nest_lock;
**  - locks of a class ordered by address through an instance comparison
**    function, taken in that order;
**  - custom locks taken as subclass 1, and under a nest_lock.
** Nothing is reported.
*/
// EXPECT: none
// OPTIONS: strict=1
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <ulockdep.h>

#include "scenario.h"

struct node {
	pthread_mutex_t lock;
	int custom;		/* a custom lock's word */
};

ULOCKDEP_DEFINE_KEY(node_key);
ULOCKDEP_DEFINE_KEY(custom_key);
ULOCKDEP_DEFINE_KEY(ordered_key);
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

static int by_address(const void *a, const void *b)
{
	return (uintptr_t)a < (uintptr_t)b ? -1 : (uintptr_t)a > (uintptr_t)b;
}

int main(void)
{
	struct node n[4];
	pthread_mutex_t ordered[3];
	for (int i = 0; i < 4; i++) {
		MUST(pthread_mutex_init(&n[i].lock, NULL), 0);
		ulockdep_set_class(&n[i].lock, &node_key, "node->lock");
		ulockdep_lock_init(&n[i].custom, &custom_key, "node->custom", 0);
	}
	for (int i = 0; i < 3; i++) {
		MUST(pthread_mutex_init(&ordered[i], NULL), 0);
		ulockdep_set_class(&ordered[i], &ordered_key, "ordered");
	}
	ulockdep_set_cmp_fn(&ordered[0], by_address);

	/* parent, then child as subclass 1 */
	MUST(pthread_mutex_lock(&n[0].lock), 0);
	MUST(ulockdep_mutex_lock_nested(&n[1].lock, 1), 0);
	MUST(pthread_mutex_unlock(&n[1].lock), 0);
	MUST(pthread_mutex_unlock(&n[0].lock), 0);

	/* all four, in any order, under the table lock */
	MUST(pthread_mutex_lock(&table_lock), 0);
	MUST(ulockdep_mutex_lock_nest_lock(&n[2].lock, &table_lock), 0);
	MUST(ulockdep_mutex_lock_nest_lock(&n[0].lock, &table_lock), 0);
	MUST(ulockdep_mutex_lock_nest_lock(&n[3].lock, &table_lock), 0);
	MUST(ulockdep_mutex_lock_nest_lock(&n[1].lock, &table_lock), 0);
	for (int i = 0; i < 4; i++)
		MUST(pthread_mutex_unlock(&n[i].lock), 0);
	MUST(pthread_mutex_unlock(&table_lock), 0);

	/* address order */
	pthread_mutex_t *lo = &ordered[0], *hi = &ordered[2];
	MUST(pthread_mutex_lock(lo), 0);
	MUST(pthread_mutex_lock(hi), 0);
	MUST(pthread_mutex_unlock(hi), 0);
	MUST(pthread_mutex_unlock(lo), 0);

	/* custom locks */
	ulockdep_acquire(&n[0].custom, ULOCKDEP_EXCLUSIVE);
	ulockdep_acquire_nested(&n[1].custom, ULOCKDEP_EXCLUSIVE, 1);
	ulockdep_release(&n[1].custom);
	ulockdep_release(&n[0].custom);
	MUST(pthread_mutex_lock(&table_lock), 0);
	ulockdep_acquire_nest_lock(&n[3].custom, ULOCKDEP_EXCLUSIVE, &table_lock);
	ulockdep_acquire_nest_lock(&n[2].custom, ULOCKDEP_EXCLUSIVE, &table_lock);
	ulockdep_release(&n[3].custom);
	ulockdep_release(&n[2].custom);
	MUST(pthread_mutex_unlock(&table_lock), 0);
	return 0;
}
