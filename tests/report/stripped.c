/*
** stripped.c: a cycle through three classes of lock, one of each kind of key
** that has no name of its own: a lock in static storage (keyed by its
** address), one initialised at run time (by its init site) and one never
** initialised (by the site that first takes it). forward() takes them in one
** order; backward() holds the static lock and takes the init-site lock,
** closing the cycle. The CLI test strips the program, so that nothing has a
** symbol; the MARK comments name the lines its offsets must map to.
*/
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t static_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t *init_lock, *acq_lock;

__attribute__((noinline)) void forward(void)
{
	pthread_mutex_lock(init_lock);
	pthread_mutex_lock(acq_lock); /* MARK:acq_first */
	pthread_mutex_lock(&static_lock);
	pthread_mutex_unlock(&static_lock);
	pthread_mutex_unlock(acq_lock);
	pthread_mutex_unlock(init_lock);
}

__attribute__((noinline)) void backward(void)
{
	pthread_mutex_lock(&static_lock);
	pthread_mutex_lock(init_lock); /* MARK:close */
	pthread_mutex_unlock(init_lock);
	pthread_mutex_unlock(&static_lock);
}

int main(void)
{
	init_lock = malloc(sizeof *init_lock);
	acq_lock = calloc(1, sizeof *acq_lock);	/* all zero: an initializer */
	if (!init_lock || !acq_lock)
		abort();
	pthread_mutex_init(init_lock, NULL); /* MARK:init */
	forward();
	backward(); /* MARK:call_backward */
	return 0;
}
