/*
** alloc.h: the runtime's private memory.
**
** Nothing in the runtime calls the program's malloc: the program's allocator may
** take pthread mutexes we intercept, may be the very thing being debugged, and
** is not async-signal-safe. Memory comes from mmap in power-of-two size
** classes with per-class free lists. Blocks are returned with their size
** (sized free), which keeps headers out of every block.
*/
#ifndef UD_BASE_ALLOC_H
#define UD_BASE_ALLOC_H

#include <stddef.h>

/* Zero-filled memory of at least `size` bytes; aborts the validator on OOM. */
void *ud_alloc(size_t size);
/* Give back a block obtained from ud_alloc(size) with the same size. */
void ud_free(void *p, size_t size);
/* Grow or shrink; contents up to min(old, new) kept, the rest zeroed. */
void *ud_realloc(void *p, size_t old_size, size_t new_size);
/* Bytes currently mapped by the allocator (for statistics and benchmarks). */
size_t ud_alloc_mapped_bytes(void);
/* In a fork child: the allocator's lock may have been held by a vanished thread. */
void ud_alloc_fork_prepare(void);
void ud_alloc_fork_parent(void);
void ud_alloc_fork_child(void);

#endif
