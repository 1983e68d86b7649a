/*
** c11_thread_join.c: join_deadlock.c with C11 threads.
**
** glibc's thrd_create and thrd_join call its internal pthread functions, so
** C11 threads need interceptors of their own. The worker takes `a`, then
** main locks `a` and joins it: had main locked first, each would wait for
** the other. Results still reach the joiner: a thread's return value and
** thrd_exit's.
*/
// EXPECT: circular
// CHECK: (thread:worker)
// CHECK: lock(thread:worker);
#include <stdlib.h>
#include <threads.h>

#include "scenario.h"

static mtx_t a;
static int done;

static int worker(void *arg)
{
	(void)arg;
	MUST(mtx_lock(&a), thrd_success);
	MUST(mtx_unlock(&a), thrd_success);
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	return 42;
}

static int leaver(void *arg)
{
	(void)arg;
	thrd_exit(7);
}

int main(void)
{
	int res = 0;
	thrd_t th;
	MUST(mtx_init(&a, mtx_plain), thrd_success);
	MUST(thrd_create(&th, leaver, NULL), thrd_success);
	MUST(thrd_join(th, &res), thrd_success);
	if (res != 7)
		abort();
	MUST(thrd_create(&th, worker, NULL), thrd_success);
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		;
	MUST(mtx_lock(&a), thrd_success);
	MUST(thrd_join(th, &res), thrd_success);
	MUST(mtx_unlock(&a), thrd_success);
	if (res != 42)
		abort();
	return 0;
}
