/*
** many_locks.c: 64 threads, each taking 1,000 mutexes nested, in one order,
** again and again, then releasing them (in reverse order, or in the order
** taken: releasing a lock that is not the last taken is allowed).
**
** Part one uses 1,000 static mutexes: 1,000 classes, a chain 1,000 deep.
** Part two uses 1,000 mutexes initialised at one call site: one class, whose
** instances are nested in address order, as the default (non-strict) mode
** lets a program do. Every thread takes them in the same order, so natively
** they only queue behind each other, and there is nothing to report.
*/
#include <pthread.h>
#include <stdatomic.h>

#include "torture.h"

#define THREADS 64
#define LOCKS 1000

static pthread_mutex_t statics[LOCKS] = {
	[0 ... LOCKS - 1] = PTHREAD_MUTEX_INITIALIZER
};
static pthread_mutex_t *dynamic;
static double deadline[2];
static atomic_ulong passes[2];

static void *taker(void *arg)
{
	int part = (int)(long)arg;
	pthread_mutex_t *m = part == 0 ? statics : dynamic;
	/* At least one pass each, however slow. */
	for (unsigned round = 0; round == 0 || now_s() < deadline[part]; round++) {
		for (int i = 0; i < LOCKS; i++)
			MUST(pthread_mutex_lock(&m[i]));
		if (round & 1)
			for (int i = 0; i < LOCKS; i++)
				MUST(pthread_mutex_unlock(&m[i]));
		else
			for (int i = LOCKS; i-- > 0;)
				MUST(pthread_mutex_unlock(&m[i]));
		atomic_fetch_add(&passes[part], 1);
	}
	return NULL;
}

static void run_part(int part, double seconds)
{
	pthread_t t[THREADS];
	deadline[part] = now_s() + seconds;
	for (int i = 0; i < THREADS; i++)
		MUST(pthread_create(&t[i], NULL, taker, (void *)(long)part));
	for (int i = 0; i < THREADS; i++)
		MUST(pthread_join(t[i], NULL));
}

int main(int argc, char **argv)
{
	double seconds = run_seconds(argc, argv);

	dynamic = malloc(LOCKS * sizeof *dynamic);
	if (!dynamic)
		return 1;
	for (int i = 0; i < LOCKS; i++)
		MUST(pthread_mutex_init(&dynamic[i], NULL));

	run_part(0, seconds / 2);
	run_part(1, seconds / 2);

	for (int i = 0; i < LOCKS; i++)
		MUST(pthread_mutex_destroy(&dynamic[i]));
	free(dynamic);
	printf("many_locks: %lu passes over %d static locks, %lu over %d "
	       "locks of one class (%d threads)\n", (unsigned long)passes[0],
	       LOCKS, (unsigned long)passes[1], LOCKS, THREADS);
	return 0;
}
