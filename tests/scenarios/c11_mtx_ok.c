/*
** c11_mtx_ok.c: C11 mutexes used in one consistent order by two concurrent
** threads.
**
** Both threads take a then b with mtx_lock (a is an mtx_recursive mutex,
** taken twice), and the reverse direction only with mtx_trylock, which
** cannot wait. One blocking order, no cycle: no report. Negative twin of
** c11_mtx.c.
*/
// EXPECT: none
#include <stdio.h>
#include <stdlib.h>
#include <threads.h>

#include "scenario.h"

enum { ROUNDS = 1000 };

static mtx_t a, b;
static long counter;

static int worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		MUST(mtx_lock(&a), thrd_success);
		MUST(mtx_lock(&a), thrd_success);	/* mtx_recursive */
		MUST(mtx_lock(&b), thrd_success);
		counter++;
		MUST(mtx_unlock(&b), thrd_success);
		MUST(mtx_unlock(&a), thrd_success);
		MUST(mtx_unlock(&a), thrd_success);

		MUST(mtx_lock(&b), thrd_success);
		if (mtx_trylock(&a) == thrd_success)
			MUST(mtx_unlock(&a), thrd_success);
		MUST(mtx_unlock(&b), thrd_success);
	}
	return 0;
}

int main(void)
{
	thrd_t t1, t2;

	MUST(mtx_init(&a, mtx_plain | mtx_recursive), thrd_success);
	MUST(mtx_init(&b, mtx_plain), thrd_success);
	MUST(thrd_create(&t1, worker, NULL), thrd_success);
	MUST(thrd_create(&t2, worker, NULL), thrd_success);
	MUST(thrd_join(t1, NULL), thrd_success);
	MUST(thrd_join(t2, NULL), thrd_success);
	if (counter != 2 * ROUNDS) {
		fprintf(stderr, "counter %ld, expected %d\n", counter, 2 * ROUNDS);
		return 1;
	}
	mtx_destroy(&b);
	mtx_destroy(&a);
	return 0;
}
