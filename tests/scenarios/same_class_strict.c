/*
** same_class_strict.c: two instances of one class nested once, with strict=1.
**
** X and Y are initialised at one call site (node_init). Keyed by that site
** (init_frames=1, and by default too: node_init is no lock wrapper by its
** name) they are one class. The kernel's rule, which strict=1 selects,
** reports any nesting of two locks of one class as possible recursive
** locking, since the class cannot tell which instance comes first. Only one
** order is ever used here, so the instance order (strict=0) would say
** nothing; with strict=1 the single nesting is reported: recursive.
*/
// EXPECT: recursive
// OPTIONS: strict=1:init_frames=1
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

struct node {
	pthread_mutex_t lock;
	int value;
};

static struct node X, Y;

static void node_init(struct node *n, int value)
{
	MUST(pthread_mutex_init(&n->lock, NULL), 0);	/* the one class */
	n->value = value;
}

int main(void)
{
	node_init(&X, 1);
	node_init(&Y, 2);
	MUST(pthread_mutex_lock(&X.lock), 0);
	MUST(pthread_mutex_lock(&Y.lock), 0);
	X.value += Y.value;
	MUST(pthread_mutex_unlock(&Y.lock), 0);
	MUST(pthread_mutex_unlock(&X.lock), 0);
	return X.value == 3 ? 0 : 1;
}
