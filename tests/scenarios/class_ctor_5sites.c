/*
** class_ctor_5sites.c: a constructor called from five places, each object
** kind a caller of its own (new_request, new_reply, ...), all through
** buf_new(), which initialises the buffer's lock. All five kinds' locks are
** one class, buf_new's site. Objects made at different sites are taken
** each way round with the global `pool_lock` (a request's lock then the
** pool's; the pool's then a reply's): one inversion, reported once.
*/
// EXPECT: circular
// CHECK: (buf_new@class_ctor_5sites.c:
// CHECK-NOT: new_request@
// CHECK-NOT: new_trailer@
// CHECK: ; 1 problem reported
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

struct buf {
	pthread_mutex_t lock;
	size_t used;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t pool_free = 100;

static __attribute__((noinline)) struct buf *buf_new(void)
{
	struct buf *b = malloc(sizeof *b);
	if (!b)
		abort();
	MUST(pthread_mutex_init(&b->lock, NULL), 0);
	b->used = 0;
	return b;
}

static __attribute__((noinline)) struct buf *new_request(void) { return buf_new(); }
static __attribute__((noinline)) struct buf *new_reply(void) { return buf_new(); }
static __attribute__((noinline)) struct buf *new_header(void) { return buf_new(); }
static __attribute__((noinline)) struct buf *new_body(void) { return buf_new(); }
static __attribute__((noinline)) struct buf *new_trailer(void) { return buf_new(); }

/* Grow a buffer: its lock, then the pool's. */
static __attribute__((noinline)) void grow(struct buf *b)
{
	MUST(pthread_mutex_lock(&b->lock), 0);
	MUST(pthread_mutex_lock(&pool_lock), 0);
	pool_free--;
	b->used++;
	MUST(pthread_mutex_unlock(&pool_lock), 0);
	MUST(pthread_mutex_unlock(&b->lock), 0);
}

/* Reclaim from a buffer: the pool's lock, then the buffer's. */
static __attribute__((noinline)) void reclaim(struct buf *b)
{
	MUST(pthread_mutex_lock(&pool_lock), 0);
	MUST(pthread_mutex_lock(&b->lock), 0);
	pool_free += b->used;
	b->used = 0;
	MUST(pthread_mutex_unlock(&b->lock), 0);
	MUST(pthread_mutex_unlock(&pool_lock), 0);
}

int main(void)
{
	struct buf *req = new_request(), *rep = new_reply(), *hdr = new_header();
	struct buf *body = new_body(), *tr = new_trailer();
	grow(req);
	grow(hdr);
	grow(body);
	reclaim(rep);
	reclaim(tr);
	return pool_free == 100 - 3 && hdr->used == 1 ? 0 : 1;
}
