/*
** aba.c: lock a, lock b, lock a again (liblockdep's ABA).
**
** The second lock of a is a real self-deadlock on a default mutex, with another
** lock in between. It must be reported as recursive locking (same lock already
** held), not as a cycle through b, and before the thread blocks for good.
*/
// EXPECT: recursive
// HANGS: yes
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);		/* never returns */
	return 1;
}
