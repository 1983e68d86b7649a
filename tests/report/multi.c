/*
** multi.c: report problems of several kinds in one run, in this order: an
** ABBA inversion (circular), a bad unlock, and a lock held at thread exit.
** Used for the exit code, halt_on_error, report_max, suppressions and the
** parallel log_path test. With an argument N it runs the inverted order N
** times (the engine's chain cache makes later runs cheap, not new hits); a
** second argument makes it say on stdout that it got to the end.
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t m_one = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m_two = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m_free = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m_kept = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void order_one_two(void)
{
	pthread_mutex_lock(&m_one);
	pthread_mutex_lock(&m_two);
	pthread_mutex_unlock(&m_two);
	pthread_mutex_unlock(&m_one);
}

__attribute__((noinline)) void order_two_one(void)
{
	pthread_mutex_lock(&m_two);
	pthread_mutex_lock(&m_one);
	pthread_mutex_unlock(&m_one);
	pthread_mutex_unlock(&m_two);
}

__attribute__((noinline)) void release_unheld(void)
{
	pthread_mutex_lock(&m_free);
	pthread_mutex_unlock(&m_free);
	pthread_mutex_unlock(&m_free);	/* not held any more */
}

static void *keeper(void *arg)
{
	pthread_mutex_lock(&m_kept);
	return arg;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	order_one_two();
	for (int i = 0; i < n; i++)
		order_two_one();
	release_unheld();
	pthread_t t;
	if (pthread_create(&t, NULL, keeper, NULL) || pthread_join(t, NULL))
		abort();
	if (argc > 2)
		puts("multi: done");
	return 0;
}
