/*
** abba_deadlock.c: a real ABBA deadlock between two threads.
**
** Thread 1 holds a, thread 2 holds b; a barrier makes sure both hold their
** first lock before either asks for its second, so each then waits for the
** other forever. The validator checks each acquisition before the real call:
** whichever thread validates second closes the cycle a->b->a, so the circular
** report must be printed before both threads block. The run is then killed by
** the timeout.
*/
// EXPECT: circular
// HANGS: yes
// A thread's own lifetime is never the lock a report is about: each thread
// takes its first lock in the phase that ends at the barrier, and nobody
// else takes that lock before the barrier.
// CHECK-NOT: (thread:take_a_then_b){+...}-{0:0}, at:
// CHECK-NOT: (thread:take_b_then_a){+...}-{0:0}, at:
#include <pthread.h>
#include <stddef.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;

static void *take_a_then_b(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&a);
	pthread_barrier_wait(&both_hold_one);
	pthread_mutex_lock(&b);		/* waits for thread 2 forever */
	return NULL;
}

static void *take_b_then_a(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&b);
	pthread_barrier_wait(&both_hold_one);
	pthread_mutex_lock(&a);		/* waits for thread 1 forever */
	return NULL;
}

int main(void)
{
	pthread_t t1, t2;

	pthread_barrier_init(&both_hold_one, NULL, 2);
	pthread_create(&t1, NULL, take_a_then_b, NULL);
	pthread_create(&t2, NULL, take_b_then_a, NULL);
	pthread_join(t1, NULL);		/* never returns */
	pthread_join(t2, NULL);
	return 1;
}
