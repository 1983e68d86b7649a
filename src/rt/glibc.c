/*
** glibc.c: the out-of-line part of glibc.h: the futex wake of a plain
** mutex's unlock, out of the unlock's line.
*/
#include "rt.h"
#include "glibc.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#if UD_PLAIN_MUTEX
/* As glibc's lll_unlock: the lock word was 2, so a thread may sleep on it. */
int ud_plain_mutex_wake(pthread_mutex_t *m)
{
	syscall(SYS_futex, &m->__data.__lock, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	return 0;
}
#endif
