/*
** free_munmap.c: munmap() of a page whose mutex the caller still holds.
**
** With check_free=1 the unmap is a held lock freed; the lock is never
** released, and main ends the process holding it, which is not reported
** (exit_holding.c). A second, unlocked mutex on the same page is forgotten
** quietly.
*/
// OPTIONS: check_free=1
// EXPECT: held_freed
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(void)
{
	size_t len = 4096;
	pthread_mutex_t *page = mmap(NULL, len, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 1;
	pthread_mutex_init(&page[0], NULL);
	pthread_mutex_init(&page[3], NULL);
	pthread_mutex_lock(&page[3]);
	pthread_mutex_unlock(&page[3]);
	pthread_mutex_lock(&page[0]);
	if (munmap(page, len) != 0)	/* page[0] still locked */
		return 1;
	return 0;
}
