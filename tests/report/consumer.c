/*
** consumer.c: a program as a project that uses ulockdep would write it. Two
** mutexes, named with ulockdep.h, are taken in both orders in one thread: a
** possible deadlock that never hangs. Built with -DCONSUMER_ORDERED, it takes
** them in one order only, and there is nothing to report.
** The packaging and test-launcher CLI tests build it with CMake, pkg-config,
** Meson and Automake.
*/
#include <pthread.h>
#include <stdio.h>

#include <ulockdep.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
ULOCKDEP_DEFINE_KEY(a_key);
ULOCKDEP_DEFINE_KEY(b_key);

static void nest(pthread_mutex_t *outer, pthread_mutex_t *inner)
{
	pthread_mutex_lock(outer);
	pthread_mutex_lock(inner);
	pthread_mutex_unlock(inner);
	pthread_mutex_unlock(outer);
}

int main(void)
{
	/* The names show in a report only if the header reached the runtime. */
	ulockdep_set_class(&a, &a_key, "consumer_a");
	ulockdep_set_class(&b, &b_key, "consumer_b");
	nest(&a, &b);
#ifndef CONSUMER_ORDERED
	nest(&b, &a);
#endif
	puts("consumer: done");
	return 0;
}
