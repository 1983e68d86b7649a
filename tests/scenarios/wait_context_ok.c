/*
** wait_context_ok.c: spinlocks used correctly: mutexes are taken outside
** them, or only tried under them; spinlocks nest under mutexes.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_spinlock_t spin;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	MUST(pthread_spin_init(&spin, 0), 0);
	MUST(pthread_mutex_lock(&m), 0);
	MUST(pthread_spin_lock(&spin), 0);
	MUST(pthread_spin_unlock(&spin), 0);
	MUST(pthread_mutex_unlock(&m), 0);
	MUST(pthread_spin_lock(&spin), 0);
	MUST(pthread_mutex_trylock(&m), 0);
	MUST(pthread_mutex_unlock(&m), 0);
	MUST(pthread_spin_unlock(&spin), 0);
	return 0;
}
