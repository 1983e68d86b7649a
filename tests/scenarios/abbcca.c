/*
** abbcca.c: a->b, b->c, c->a (liblockdep's ABBCCA).
**
** Three dependencies taken in the order they close: the last one, c -> a,
** closes the cycle a -> b -> c -> a.
** One thread runs the pairs one after another, so nothing blocks; the
** dependencies recorded still form a cycle: circular.
*/
// EXPECT: circular
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define MUST(call, want)                                                     \
	do {                                                                 \
		int rc_ = (call);                                            \
		if (rc_ != (want)) {                                         \
			fprintf(stderr, "%s:%d: %s = %d, expected %d\n",     \
				__FILE__, __LINE__, #call, rc_, (want));     \
			abort();                                             \
		}                                                            \
	} while (0)

/* lock x, lock y, unlock y, unlock x: records the dependency x -> y */
#define LOCK_UNLOCK_2(x, y)                                                  \
	do {                                                                 \
		MUST(pthread_mutex_lock(&(x)), 0);                           \
		MUST(pthread_mutex_lock(&(y)), 0);                           \
		MUST(pthread_mutex_unlock(&(y)), 0);                         \
		MUST(pthread_mutex_unlock(&(x)), 0);                         \
	} while (0)

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	LOCK_UNLOCK_2(a, b);
	LOCK_UNLOCK_2(b, c);
	LOCK_UNLOCK_2(c, a);
	return 0;
}
