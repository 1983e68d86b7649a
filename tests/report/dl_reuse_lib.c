/*
** dl_reuse_lib.c: a library with two static mutexes and both orders of
** taking them, built twice by tests/cli/dl_reuse.sh (same layout, so a copy
** loaded after the other was unloaded usually gets the same addresses).
*/
#include <pthread.h>

pthread_mutex_t m1 = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t m2 = PTHREAD_MUTEX_INITIALIZER;

void *lib_lock_addr(void)
{
	return &m1;
}

void lib_ab(void)
{
	pthread_mutex_lock(&m1);
	pthread_mutex_lock(&m2);
	pthread_mutex_unlock(&m2);
	pthread_mutex_unlock(&m1);
}

void lib_ba(void)
{
	pthread_mutex_lock(&m2);
	pthread_mutex_lock(&m1);
	pthread_mutex_unlock(&m1);
	pthread_mutex_unlock(&m2);
}
