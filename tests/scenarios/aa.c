/*
** aa.c: one thread locks the same default mutex twice.
**
** A default (non-recursive) glibc mutex relocked by its owner blocks forever:
** this is a real self-deadlock. The validator checks before the real call, so
** "possible recursive locking" must be printed before the thread hangs; the
** run is then killed by the timeout.
*/
// EXPECT: recursive
// HANGS: yes
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&a);		/* never returns */
	return 1;
}
