/*
** ring_buffers_cmp.c: ring_buffers.c with its protocol stated. The class is
** given an instance order, ulockdep_set_cmp_fn: holding buffer N, a thread
** may take N+1 (mod 8) and nothing else of the class. The ring is then no
** cycle, and a nesting out of that order (holding N, taking N+2, or N-1)
** would be reported as recursive locking (annotate_cmp_inverted.c).
*/
// EXPECT: none
#include <stdint.h>

#include <ulockdep.h>

static void ring_annotate(void);
#define RING_ANNOTATED
#include "ring_buffers.c"

/* Holding buffer `held`, the only buffer that may be taken is the next one. */
static int ring_next(const void *held, const void *taken)
{
	const pthread_mutex_t *h = held, *t = taken;
	return t == &buffers[(h - buffers + 1) % NBUF] ? -1 : 1;
}

static void ring_annotate(void)
{
	ulockdep_set_cmp_fn(&buffers[0], ring_next);
}
