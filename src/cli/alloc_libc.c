/*
** alloc_libc.c: the runtime's allocator interface (src/base/alloc.h) on the
** C library's malloc, for the command. The runtime's own allocator blocks
** every signal around its lock, two system calls per block: right inside
** someone else's program, far too slow for a command that reads a suite's
** hundred thousand dependencies. The command is an ordinary program.
*/
#include "base/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *oom(size_t size)
{
	fprintf(stderr, "ulockdep: out of memory (%zu bytes)\n", size);
	exit(70);
}

void *ud_alloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);
	return p ? p : oom(size);
}

void ud_free(void *p, size_t size)
{
	(void)size;
	free(p);
}

void *ud_realloc(void *p, size_t old_size, size_t new_size)
{
	void *q = realloc(p, new_size ? new_size : 1);
	if (!q)
		return oom(new_size);
	if (new_size > old_size)
		memset((char *)q + old_size, 0, new_size - old_size);
	return q;
}

size_t ud_alloc_mapped_bytes(void)
{
	return 0;
}

void ud_alloc_fork_prepare(void)
{
}

void ud_alloc_fork_parent(void)
{
}

void ud_alloc_fork_child(void)
{
}

