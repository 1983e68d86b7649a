/*
** alloc_lock_lib.c: a library that replaces malloc with one that locks, as
** jemalloc does (trylock, then lock), and allocates in its constructor, which
** runs before the preloaded runtime's: the runtime starts inside the
** program's first lock call, with the allocator's lock held. Used by
** tests/cli/init_in_allocator.sh.
*/
#include <pthread.h>
#include <stdio.h>
#include <string.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t align, size_t n);
void __libc_free(void *p);

static pthread_mutex_t arena = PTHREAD_MUTEX_INITIALIZER;
static unsigned long calls;

static void enter(void)
{
	if (pthread_mutex_trylock(&arena) != 0)
		pthread_mutex_lock(&arena);
	calls++;
}

static void leave(void)
{
	pthread_mutex_unlock(&arena);
}

void *malloc(size_t n)
{
	enter();
	void *p = __libc_malloc(n);
	leave();
	return p;
}

void *calloc(size_t n, size_t size)
{
	enter();
	void *p = __libc_calloc(n, size);
	leave();
	return p;
}

void *realloc(void *p, size_t n)
{
	enter();
	void *q = __libc_realloc(p, n);
	leave();
	return q;
}

void *aligned_alloc(size_t align, size_t n)
{
	enter();
	void *p = __libc_memalign(align, n);
	leave();
	return p;
}

void *memalign(size_t align, size_t n)
{
	return aligned_alloc(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p = aligned_alloc(align, n);
	if (!p)
		return 12;
	*out = p;
	return 0;
}

void free(void *p)
{
	if (!p)
		return;
	enter();
	__libc_free(p);
	leave();
}

static char *early;

__attribute__((constructor)) static void allocate_early(void)
{
	early = malloc(32);
	if (early)
		strcpy(early, "allocated in a constructor");
}

const char *alloc_lock_early(void)
{
	return early;
}

unsigned long alloc_lock_calls(void)
{
	return calls;
}
