/*
** same_class_inverted.c: two instances of one class nested as X then Y, and
** later as Y then X.
**
** Both nodes initialise their lock in node_init, one call site, so X and Y
** are one class and class order alone cannot tell the two nestings apart.
** With the default options the validator also orders the instances within a
** class: thread 1 takes X then Y; after it has been joined, thread 2 takes Y
** then X. Overlapped, that is an ABBA deadlock: circular.
*/
// EXPECT: circular
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

static void swap_values(struct node *first, struct node *second)
{
	MUST(pthread_mutex_lock(&first->lock), 0);
	MUST(pthread_mutex_lock(&second->lock), 0);
	int v = first->value;
	first->value = second->value;
	second->value = v;
	MUST(pthread_mutex_unlock(&second->lock), 0);
	MUST(pthread_mutex_unlock(&first->lock), 0);
}

static void *x_then_y(void *arg)
{
	(void)arg;
	swap_values(&X, &Y);
	return NULL;
}

static void *y_then_x(void *arg)
{
	(void)arg;
	swap_values(&Y, &X);
	return NULL;
}

int main(void)
{
	pthread_t t;

	node_init(&X, 1);
	node_init(&Y, 2);
	MUST(pthread_create(&t, NULL, x_then_y, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, y_then_x, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	return X.value == 1 && Y.value == 2 ? 0 : 1;
}
