/*
** wait_context.c: sleeping while holding a spinlock.
**
** Under a pthread spinlock: a mutex is locked (blocking), then only tried
** (a trylock never sleeps: fine), and another spinlock is taken (fine). Under
** a custom lock declared spin-only through ulockdep.h, a mutex is locked. A
** thread is joined under the spinlock. Each sleeping wait is reported as an
** invalid wait context naming the spinlock held.
*/
// EXPECT: wait_context
// CHECK: [ BUG: Invalid wait context ]
// CHECK: (spin){+...}-{2:2}
// CHECK: (my_spin_key){+...}-{2:2}
// CHECK: (thread:idle)
// CHECK: context-{2:2}
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <ulockdep.h>

#include "scenario.h"

static pthread_spinlock_t spin, spin2;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m2 = PTHREAD_MUTEX_INITIALIZER;
ULOCKDEP_DEFINE_KEY(my_spin_key);
static int my_spin;	/* stands for a lock built on atomics */

static void *idle(void *arg)
{
	return arg;
}

int main(void)
{
	MUST(pthread_spin_init(&spin, 0), 0);
	MUST(pthread_spin_init(&spin2, 0), 0);
	ulockdep_set_class((const void *)&spin, &my_spin, "spin");

	MUST(pthread_spin_lock(&spin), 0);
	MUST(pthread_mutex_lock(&m), 0);	/* sleeps under a spinlock */
	MUST(pthread_mutex_unlock(&m), 0);
	MUST(pthread_mutex_trylock(&m2), 0);	/* exempt */
	MUST(pthread_mutex_unlock(&m2), 0);
	MUST(pthread_spin_lock(&spin2), 0);	/* spinning under spinning: fine */
	MUST(pthread_spin_unlock(&spin2), 0);
	MUST(pthread_spin_unlock(&spin), 0);

	ulockdep_lock_init(&my_spin, &my_spin_key, NULL, ULOCKDEP_LOCK_SPIN);
	ulockdep_acquire(&my_spin, ULOCKDEP_EXCLUSIVE);
	MUST(pthread_mutex_lock(&m2), 0);
	MUST(pthread_mutex_unlock(&m2), 0);
	ulockdep_release(&my_spin);

	pthread_t th;
	MUST(pthread_create(&th, NULL, idle, NULL), 0);
	MUST(pthread_spin_lock(&spin2), 0);
	MUST(pthread_join(th, NULL), 0);
	MUST(pthread_spin_unlock(&spin2), 0);
	return 0;
}
