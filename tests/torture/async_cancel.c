/*
** async_cancel.c: threads with asynchronous cancellation churn
** pthread_mutex_init/lock/unlock/destroy and are cancelled at random times,
** while other threads keep initialising, locking and destroying mutexes.
**
** A victim's mutexes are its own, on its stack, and it takes them with
** cancellation disabled, so that it never holds a lock when it is cancelled;
** cancellation can land anywhere else, pthread_mutex_init and
** pthread_mutex_destroy included (the runtime's hooks for them run then).
** Natively this is correct: glibc's init and destroy touch only the mutex,
** and no victim calls malloc or anything else that takes a lock.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "torture.h"

#define VICTIMS 4
#define KEEPERS 2
#define NM 4

static atomic_bool stop;
static atomic_ulong victim_loops, keeper_loops;

static void *victim(void *arg)
{
	pthread_mutex_t m[NM];
	int old;
	(void)arg;
	MUST(pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old));
	for (;;) {
		for (int i = 0; i < NM; i++)
			pthread_mutex_init(&m[i], NULL);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
		for (int i = 0; i < NM; i++)
			pthread_mutex_lock(&m[i]);
		for (int i = NM; i-- > 0;)
			pthread_mutex_unlock(&m[i]);
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
		for (int i = 0; i < NM; i++)
			pthread_mutex_destroy(&m[i]);
		atomic_fetch_add_explicit(&victim_loops, 1, memory_order_relaxed);
	}
	return NULL;
}

static void *keeper(void *arg)
{
	pthread_mutex_t m[16];
	(void)arg;
	while (!atomic_load(&stop)) {
		for (int i = 0; i < 16; i++)
			MUST(pthread_mutex_init(&m[i], NULL));
		for (int i = 0; i + 1 < 16; i++) {
			MUST(pthread_mutex_lock(&m[i]));
			MUST(pthread_mutex_lock(&m[i + 1]));
			MUST(pthread_mutex_unlock(&m[i + 1]));
			MUST(pthread_mutex_unlock(&m[i]));
		}
		for (int i = 0; i < 16; i++)
			MUST(pthread_mutex_destroy(&m[i]));
		atomic_fetch_add(&keeper_loops, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	double deadline = now_s() + run_seconds(argc, argv);
	unsigned seed = 12345;
	unsigned long cancelled = 0;

	pthread_t k[KEEPERS];
	for (int i = 0; i < KEEPERS; i++)
		MUST(pthread_create(&k[i], NULL, keeper, NULL));

	while (now_s() < deadline) {
		pthread_t v[VICTIMS];
		for (int i = 0; i < VICTIMS; i++)
			MUST(pthread_create(&v[i], NULL, victim, NULL));
		/* Let them run 0-200 us, so that cancellation finds them anywhere. */
		struct timespec ts = { 0, (long)(rand_r(&seed) % 200) * 1000 };
		nanosleep(&ts, NULL);
		for (int i = 0; i < VICTIMS; i++)
			MUST(pthread_cancel(v[i]));
		for (int i = 0; i < VICTIMS; i++) {
			void *ret;
			MUST(pthread_join(v[i], &ret));
			/* A victim only ends by cancellation; glibc 2.36
			** leaves the result NULL when the cancel was pending
			** until pthread_setcancelstate(ENABLE). */
			if (ret != PTHREAD_CANCELED && ret != NULL) {
				fprintf(stderr, "async_cancel: a victim ended "
					"with %p\n", ret);
				return 1;
			}
			cancelled++;
		}
	}
	atomic_store(&stop, true);
	for (int i = 0; i < KEEPERS; i++)
		MUST(pthread_join(k[i], NULL));
	printf("async_cancel: %lu threads cancelled after %lu loops; keepers "
	       "%lu loops\n", cancelled, (unsigned long)victim_loops,
	       (unsigned long)keeper_loops);
	return 0;
}
