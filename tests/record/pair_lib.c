/*
** pair_lib.c: library code linked into two programs, once as a static
** object and once as a shared library. db_lock is initialised at run time
** (an init-site class), cache_lock statically (a static class).
*/
#include <pthread.h>

pthread_mutex_t db_lock;
pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

void pair_init(void)
{
	pthread_mutex_init(&db_lock, NULL);
}

void pair_db_then_cache(void)
{
	pthread_mutex_lock(&db_lock);
	pthread_mutex_lock(&cache_lock);
	pthread_mutex_unlock(&cache_lock);
	pthread_mutex_unlock(&db_lock);
}

void pair_cache_then_db(void)
{
	pthread_mutex_lock(&cache_lock);
	pthread_mutex_lock(&db_lock);
	pthread_mutex_unlock(&db_lock);
	pthread_mutex_unlock(&cache_lock);
}
