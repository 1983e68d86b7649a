/*
** torture_dl.c: the library dlopen_loop loads and unloads. Its locks are
** static (A, B, C) and one initialised by its constructor (D), taken in the
** order A, B, C, D by every caller.
*/
#include <pthread.h>

static pthread_mutex_t A = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t B = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t C = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t D;
static int count;

__attribute__((constructor)) static void lib_init(void)
{
	pthread_mutex_init(&D, NULL);
}

__attribute__((destructor)) static void lib_fini(void)
{
	pthread_mutex_destroy(&D);
}

/* Takes the four locks in order n times; returns the calls counted so far. */
int torture_dl_work(int n)
{
	int r = 0;
	for (int i = 0; i < n; i++) {
		pthread_mutex_lock(&A);
		pthread_mutex_lock(&B);
		pthread_mutex_lock(&C);
		pthread_mutex_lock(&D);
		r = ++count;
		pthread_mutex_unlock(&D);
		pthread_mutex_unlock(&C);
		pthread_mutex_unlock(&B);
		pthread_mutex_unlock(&A);
	}
	return r;
}
