/*
** alloc.c: size-class allocator on mmap (see alloc.h).
**
** Blocks of 16 bytes up to 64 KiB come from 1 MiB chunks carved front to back;
** freed blocks go on a singly linked free list per class and are reused first.
** Larger requests get their own mapping. Chunks are never unmapped: the runtime's
** data (classes, edges, stacks) lives as long as the process.
*/
#include "alloc.h"
#include "lock.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIN_SHIFT 4		/* 16 bytes */
#define MAX_SHIFT 16		/* 64 KiB */
#define NCLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define CHUNK_SIZE (1u << 20)

typedef struct free_block { struct free_block *next; } free_block_t;

static ud_lock_t alloc_lock = UD_LOCK_INIT;
static free_block_t *free_lists[NCLASSES];
static char *chunk_cur, *chunk_end;
static _Atomic size_t mapped_bytes;

static void *map_pages(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		static const char msg[] = "ulockdep: out of memory, aborting\n";
		(void)!write(2, msg, sizeof msg - 1);
		_exit(70);
	}
	atomic_fetch_add_explicit(&mapped_bytes, size, memory_order_relaxed);
	return p;
}

static unsigned size_class(size_t size)
{
	unsigned shift = MIN_SHIFT;
	while (((size_t)1 << shift) < size)
		shift++;
	return shift - MIN_SHIFT;
}

static size_t page_round(size_t size)
{
	size_t page = 4096;
	return (size + page - 1) & ~(page - 1);
}

void *ud_alloc(size_t size)
{
	if (size == 0)
		size = 1;
	if (size > ((size_t)1 << MAX_SHIFT))
		return map_pages(page_round(size));

	unsigned c = size_class(size);
	size_t bsize = (size_t)1 << (c + MIN_SHIFT);
	void *p;
	ud_lock_acquire(&alloc_lock);
	if (free_lists[c]) {
		p = free_lists[c];
		free_lists[c] = free_lists[c]->next;
		ud_lock_release(&alloc_lock);
		memset(p, 0, bsize);
		return p;
	}
	if (!chunk_cur || (size_t)(chunk_end - chunk_cur) < bsize) {
		/* The tail of the old chunk is left unused: at most 64 KiB per MiB. */
		chunk_cur = map_pages(CHUNK_SIZE);
		chunk_end = chunk_cur + CHUNK_SIZE;
	}
	p = chunk_cur;
	chunk_cur += bsize;
	ud_lock_release(&alloc_lock);
	return p;		/* fresh mmap memory is already zero */
}

void ud_free(void *p, size_t size)
{
	if (!p)
		return;
	if (size == 0)
		size = 1;
	if (size > ((size_t)1 << MAX_SHIFT)) {
		munmap(p, page_round(size));
		atomic_fetch_sub_explicit(&mapped_bytes, page_round(size),
					  memory_order_relaxed);
		return;
	}
	unsigned c = size_class(size);
	free_block_t *b = p;
	ud_lock_acquire(&alloc_lock);
	b->next = free_lists[c];
	free_lists[c] = b;
	ud_lock_release(&alloc_lock);
}

void *ud_realloc(void *p, size_t old_size, size_t new_size)
{
	void *q = ud_alloc(new_size);
	if (p) {
		memcpy(q, p, old_size < new_size ? old_size : new_size);
		ud_free(p, old_size);
	}
	return q;
}

size_t ud_alloc_mapped_bytes(void)
{
	return atomic_load_explicit(&mapped_bytes, memory_order_relaxed);
}

void ud_alloc_fork_prepare(void) { ud_lock_acquire(&alloc_lock); }
void ud_alloc_fork_parent(void) { ud_lock_release(&alloc_lock); }
void ud_alloc_fork_child(void) { ud_lock_reset(&alloc_lock); }
