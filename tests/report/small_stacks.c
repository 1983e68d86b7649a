/*
** small_stacks.c KIB...: one thread per argument, each on a stack of that
** many KiB, takes its own two locks in both orders: each thread makes its
** own "possible circular locking dependency" report. Reports are built and
** symbolized on the reporting thread; a runtime that ran libdw on a 16 KiB
** stack would crash the program. Natively it exits 0.
*/
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAXT 8

/* Static: each lock is a class of its own, so each thread reports anew. */
static pthread_mutex_t a[MAXT] = { [0 ... MAXT - 1] = PTHREAD_MUTEX_INITIALIZER };
static pthread_mutex_t b[MAXT] = { [0 ... MAXT - 1] = PTHREAD_MUTEX_INITIALIZER };

static void *inverter(void *arg)
{
	int i = (int)(intptr_t)arg;
	pthread_mutex_lock(&a[i]);
	pthread_mutex_lock(&b[i]);
	pthread_mutex_unlock(&b[i]);
	pthread_mutex_unlock(&a[i]);
	pthread_mutex_lock(&b[i]);
	pthread_mutex_lock(&a[i]);	/* the report */
	pthread_mutex_unlock(&a[i]);
	pthread_mutex_unlock(&b[i]);
	return NULL;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc && i <= MAXT; i++) {
		int n = i - 1;
		pthread_attr_t at;
		pthread_attr_init(&at);
		if (pthread_attr_setstacksize(&at, (size_t)atoi(argv[i]) * 1024)) {
			fprintf(stderr, "small_stacks: bad stack size %s KiB\n", argv[i]);
			return 2;
		}
		pthread_t t;
		if (pthread_create(&t, &at, inverter, (void *)(intptr_t)n) ||
		    pthread_join(t, NULL))
			return 1;
		pthread_attr_destroy(&at);
	}
	return 0;
}
