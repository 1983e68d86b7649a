/*
** fingerprint.c: an inversion whose fingerprint must not depend on the run
** or on other locks. Built three ways: as it is; with -DEXTRA, which first
** takes an unrelated lock initialised at run time (so every class number
** after it moves); with -DOTHER, which inverts other locks instead (a
** different bug, same class numbers). The #if lines are there in every
** build, so no line moves.
*/
#include <pthread.h>

static pthread_mutex_t first_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t second_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t third_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t fourth_lock = PTHREAD_MUTEX_INITIALIZER;

static void pair(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x);
	pthread_mutex_lock(y);
	pthread_mutex_unlock(y);
	pthread_mutex_unlock(x);
}

int main(void)
{
#if defined(EXTRA)
	pthread_mutex_t extra;
	pthread_mutex_init(&extra, 0);
	pthread_mutex_lock(&extra);
	pthread_mutex_unlock(&extra);
#endif
#if defined(OTHER)
	pair(&third_lock, &fourth_lock);
	pair(&fourth_lock, &third_lock);
#else
	pair(&first_lock, &second_lock);
	pair(&second_lock, &first_lock);
#endif
	return 0;
}
