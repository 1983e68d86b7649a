/*
** free_held.c: free() of a heap object whose mutex the caller still holds.
**
** With check_free=1 the free is a held lock freed. The lock stays on the
** thread's held list (the program never released it); main then ends the
** process, which is no thread end (exit_holding.c): held_freed only.
*/
// OPTIONS: check_free=1
// EXPECT: held_freed
#include <pthread.h>
#include <stdlib.h>

struct obj {
	int value;
	pthread_mutex_t lock;
};

int main(void)
{
	struct obj *o = malloc(sizeof *o);
	if (!o)
		return 1;
	pthread_mutex_init(&o->lock, NULL);
	pthread_mutex_lock(&o->lock);
	o->value = 1;
	free(o);		/* still locked */
	return 0;
}
