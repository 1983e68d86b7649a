/*
** ring_buffers.c: MariaDB Aria's log buffers. Eight buffers, one class (one
** init site); "the log lock" is the lock of whichever buffer is current. A
** writer holding the current buffer N locks N+1, makes it current and
** releases N, so buffer 7 is taken under buffer 6 and buffer 0 under 7:
** the instance order of the class is a ring. No thread ever holds a buffer
** and waits for another but the holder of the current one, so it cannot
** deadlock, but no lock instance is held across every link of the ring
** (the gate-lock rule has nothing to stand on): what the runtime sees is a
** cycle, and it reports it. ring_buffers_cmp.c states the protocol.
*/
// EXPECT: circular
// CHECK: (buffer_init@ring_buffers.c:
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

#define NBUF 8

static pthread_mutex_t buffers[NBUF];
static unsigned current;	/* read and written under buffers[current] */

static __attribute__((noinline)) void buffer_init(pthread_mutex_t *m)
{
	MUST(pthread_mutex_init(m, NULL), 0);
}

/* The log lock: the current buffer's, retried if it moved meanwhile. */
static void log_lock(void)
{
	for (;;) {
		unsigned c = __atomic_load_n(&current, __ATOMIC_ACQUIRE);
		MUST(pthread_mutex_lock(&buffers[c]), 0);
		if (__atomic_load_n(&current, __ATOMIC_ACQUIRE) == c)
			return;
		MUST(pthread_mutex_unlock(&buffers[c]), 0);
	}
}

/* Holding the log lock: move to the next buffer, which becomes the log lock. */
static void next_buffer(void)
{
	unsigned c = current, n = (c + 1) % NBUF;
	MUST(pthread_mutex_lock(&buffers[n]), 0);
	__atomic_store_n(&current, n, __ATOMIC_RELEASE);
	MUST(pthread_mutex_unlock(&buffers[c]), 0);
}

static void *writer(void *arg)
{
	for (int i = 0; i < 20; i++) {
		log_lock();
		next_buffer();
		MUST(pthread_mutex_unlock(&buffers[current]), 0);
	}
	return arg;
}

int main(void)
{
	for (int i = 0; i < NBUF; i++)
		buffer_init(&buffers[i]);
#ifdef RING_ANNOTATED
	ring_annotate();
#endif
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		MUST(pthread_create(&th[i], NULL, writer, NULL), 0);
	for (int i = 0; i < 2; i++)
		MUST(pthread_join(th[i], NULL), 0);
	return 0;
}
