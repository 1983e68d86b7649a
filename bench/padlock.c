/*
** padlock.c: a preload library that adds a fixed amount of work to every
** pthread_mutex_lock() and does nothing else: what a lock checker that
** costs N instructions per lock would cost, with no bookkeeping at all.
** docs/performance.md uses it to show how much per-lock work each workload
** of lockbench.c tolerates.
**
**   gcc -O2 -shared -fPIC -o padlock.so bench/padlock.c
**   PADLOCK_OPS=48 LD_PRELOAD=./padlock.so ./lockbench table_object 1
**
** PADLOCK_OPS (default 0) additions run, in four independent chains, before
** the call is forwarded to glibc; the result is stored so that the compiler
** keeps them. Single-threaded use only: the store is not atomic.
*/
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>

/* glibc's internal aliases of the public calls, bound by symbol version as
** the runtime binds them (src/rt/rt.h), so that no lookup is needed. */
#if defined(__x86_64__)
#define PADLOCK_GLIBC "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define PADLOCK_GLIBC "GLIBC_2.17"
#endif
int padlock_real_lock(pthread_mutex_t *m);
int padlock_real_unlock(pthread_mutex_t *m);
__asm__(".symver padlock_real_lock, __pthread_mutex_lock@" PADLOCK_GLIBC);
__asm__(".symver padlock_real_unlock, __pthread_mutex_unlock@" PADLOCK_GLIBC);

static int rounds;			/* PADLOCK_OPS / 4 */
static unsigned long sink[4];

__attribute__((constructor)) static void padlock_init(void)
{
	const char *s = getenv("PADLOCK_OPS");
	rounds = s ? atoi(s) / 4 : 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
	unsigned long a = sink[0], b = sink[1], c = sink[2], d = sink[3];
	for (int i = 0; i < rounds; i++) {
		__asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
		a += 1;
		b += 2;
		c += 3;
		d += 4;
	}
	sink[0] = a;
	sink[1] = b;
	sink[2] = c;
	sink[3] = d;
	return padlock_real_lock(m);
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	return padlock_real_unlock(m);
}
