/*
** abba_barrier.c: liblockdep's ABBA_2threads. main takes a, a thread takes b,
** both meet at a barrier, then each takes the other's lock: a real deadlock,
** reported before the threads block for good.
**
** main is not a thread the runtime saw start, so only the created thread
** has a lifetime for the barrier to wait on. That lifetime goes on after the
** barrier under the lock held across it, so what the thread takes after the
** barrier does not look like something the barrier waited for: the report is
** about a and b, never about the thread's lifetime.
*/
// EXPECT: circular
// HANGS: yes
// CHECK: (a){+...}-{3:3}
// CHECK: (b){+...}-{3:3}
// CHECK-NOT: (thread:ba_lock){+...}-{0:0}, at:
#include <pthread.h>
#include <stddef.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t bar;

static void *ba_lock(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&b);
	pthread_barrier_wait(&bar);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	return NULL;
}

int main(void)
{
	pthread_t t;
	pthread_barrier_init(&bar, NULL, 2);
	if (pthread_create(&t, NULL, ba_lock, NULL))
		return 1;
	pthread_mutex_lock(&a);
	pthread_barrier_wait(&bar);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	pthread_join(t, NULL);
	return 0;
}
