/*
** alloc_shim.c: ud_alloc, ud_free and ud_realloc (src/base/alloc.h) on the
** C library's allocator, for the fuzz harnesses only.
**
** The runtime's allocator carves power-of-two blocks out of mmap chunks, where
** AddressSanitizer sees neither the end of a block nor a leak. Here every block
** is its own malloc of exactly the size asked, behind a header that records
** that size, so ASan catches an access past the size the code asked for, its
** leak checker catches a block never given back, and ud_free and ud_realloc
** check that the caller passes the size it allocated (the allocator is sized:
** a wrong size would file the block under the wrong class).
*/
#include <string.h>

#include "base/alloc.h"
#include "fuzz.h"

#define MAGIC 0x75646661u	/* "udfa" */

typedef struct hdr {
	size_t size;
	unsigned magic;
	unsigned pad;		/* keeps the block 16-byte aligned */
} hdr_t;

void *ud_alloc(size_t size)
{
	hdr_t *h = calloc(1, sizeof *h + size);
	CHECK(h, "out of memory for %zu bytes", size);
	h->size = size;
	h->magic = MAGIC;
	return h + 1;
}

void ud_free(void *p, size_t size)
{
	if (!p)
		return;
	hdr_t *h = (hdr_t *)p - 1;
	CHECK(h->magic == MAGIC, "ud_free of a block not from ud_alloc");
	CHECK(h->size == size, "ud_free of a %zu-byte block as %zu bytes",
	      h->size, size);
	h->magic = 0;
	free(h);
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
