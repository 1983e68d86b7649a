/*
** stack.c: capture call stacks and store each distinct one once (see stack.h).
**
** Capture walks the stack with libgcc's _Unwind_Backtrace into a local array:
** no malloc, no dlopen. The depot is a chained hash table of stacks keyed by
** a hash of their pcs; every stack lives in runtime memory and gets the next
** id (1, 2, ...). Ids map to stacks through a directory of chunks whose sizes
** double, so growth never moves a published pointer and ud_stack_get() needs
** no lock. Writers hold depot_lock.
**
** Safe from any thread, but not from a signal handler: depot_lock is
** owner-recursive, so a handler interrupting its own thread's insert would
** walk into a half-updated table, and ud_alloc is not async-signal-safe.
*/
#include "stack.h"
#include "alloc.h"
#include "hash.h"
#include "lock.h"

#include <stdatomic.h>
#include <string.h>
#include <unwind.h>

typedef struct stack_rec {
	struct stack_rec *next;	/* hash chain */
	uint64_t hash;
	ud_stack_id_t id;
	unsigned n;
	uintptr_t pcs[];
} stack_rec_t;

/*
** Id directory: chunk k holds CHUNK0 << k slots, for ids
** [CHUNK0 * (2^k - 1) + 1, CHUNK0 * (2^(k+1) - 1)]. 32 chunks cover every
** 32-bit id, so the directory itself never grows.
*/
#define CHUNK0_SHIFT 8
#define CHUNK0 (1u << CHUNK0_SHIFT)
#define NCHUNKS (32 - CHUNK0_SHIFT + 1)

static ud_lock_t depot_lock = UD_LOCK_INIT;
static stack_rec_t **buckets;		/* under depot_lock */
static size_t nbuckets;			/* power of two, 0 before first use */
static _Atomic(stack_rec_t **) chunks[NCHUNKS];
static _Atomic uint32_t nstacks;	/* ids 1..nstacks are published */

/* Runtime text, whose frames are dropped. Set once at start-up; atomic only
   so that a capture racing with the setter reads whole values. */
static _Atomic uintptr_t rt_lo, rt_hi;

/* Interceptors in front of the runtime's (set at start-up, read by walks). */
#define MAX_FRONT 32
static struct { _Atomic uintptr_t lo, hi; } front[MAX_FRONT];
static _Atomic unsigned nfront;

void ud_stack_add_front_range(uintptr_t lo, uintptr_t hi)
{
	unsigned i = atomic_load_explicit(&nfront, memory_order_relaxed);
	if (i == MAX_FRONT || lo >= hi)
		return;
	atomic_store_explicit(&front[i].lo, lo, memory_order_relaxed);
	atomic_store_explicit(&front[i].hi, hi, memory_order_relaxed);
	atomic_store_explicit(&nfront, i + 1, memory_order_release);
}

static bool in_front(uintptr_t pc, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (pc >= atomic_load_explicit(&front[i].lo, memory_order_relaxed) &&
		    pc < atomic_load_explicit(&front[i].hi, memory_order_relaxed))
			return true;
	return false;
}

void ud_stack_set_runtime_range(uintptr_t lo, uintptr_t hi)
{
	atomic_store_explicit(&rt_lo, lo, memory_order_relaxed);
	atomic_store_explicit(&rt_hi, hi, memory_order_relaxed);
}

/* Position of id's slot: chunk index and slot within the chunk. */
static void id_slot(ud_stack_id_t id, unsigned *chunk, size_t *slot)
{
	uint64_t x = ((uint64_t)id - 1) / CHUNK0 + 1;	/* in [2^k, 2^(k+1)) */
	unsigned k = 63u - (unsigned)__builtin_clzll(x);
	*chunk = k;
	*slot = (size_t)((uint64_t)id - 1 - (uint64_t)CHUNK0 * ((1ull << k) - 1));
}

static uint64_t hash_pcs(const uintptr_t *pcs, unsigned n)
{
	uint64_t h = UD_HASH_PHI ^ n;
	for (unsigned i = 0; i < n; i++) {
		h ^= (uint64_t)pcs[i];
		h *= UD_HASH_MURMUR1;
		h ^= h >> 32;
	}
	return h;
}

/* Double the bucket array when the load factor reaches 1. Under depot_lock. */
static void maybe_grow(void)
{
	uint32_t count = atomic_load_explicit(&nstacks, memory_order_relaxed);
	if (nbuckets && count < nbuckets)
		return;
	size_t nb = nbuckets ? nbuckets * 2 : 1024;
	stack_rec_t **nbk = ud_alloc(nb * sizeof *nbk);
	for (size_t i = 0; i < nbuckets; i++) {
		stack_rec_t *r = buckets[i];
		while (r) {
			stack_rec_t *next = r->next;
			size_t b = (size_t)r->hash & (nb - 1);
			r->next = nbk[b];
			nbk[b] = r;
			r = next;
		}
	}
	if (buckets)
		ud_free(buckets, nbuckets * sizeof *buckets);
	buckets = nbk;
	nbuckets = nb;
}

ud_stack_id_t ud_stack_put(const uintptr_t *pcs, unsigned n)
{
	if (n == 0)
		return 0;
	uint64_t h = hash_pcs(pcs, n);
	ud_stack_id_t id = 0;

	ud_lock_acquire(&depot_lock);
	maybe_grow();
	size_t b = (size_t)h & (nbuckets - 1);
	for (stack_rec_t *r = buckets[b]; r; r = r->next) {
		if (r->hash == h && r->n == n &&
		    memcmp(r->pcs, pcs, n * sizeof *pcs) == 0) {
			id = r->id;
			goto out;
		}
	}
	uint32_t count = atomic_load_explicit(&nstacks, memory_order_relaxed);
	if (count == UINT32_MAX)
		goto out;	/* id space exhausted: "no stack" */
	id = count + 1;

	unsigned k;
	size_t slot;
	id_slot(id, &k, &slot);
	stack_rec_t **chunk = atomic_load_explicit(&chunks[k], memory_order_relaxed);
	if (!chunk) {
		chunk = ud_alloc(((size_t)CHUNK0 << k) * sizeof *chunk);
		atomic_store_explicit(&chunks[k], chunk, memory_order_release);
	}

	stack_rec_t *r = ud_alloc(sizeof *r + n * sizeof *pcs);
	r->hash = h;
	r->id = id;
	r->n = n;
	memcpy(r->pcs, pcs, n * sizeof *pcs);
	r->next = buckets[b];
	buckets[b] = r;
	/* The slot is written before the count that makes it visible. */
	atomic_store_explicit((_Atomic(stack_rec_t *) *)&chunk[slot], r,
			      memory_order_relaxed);
	atomic_store_explicit(&nstacks, id, memory_order_release);
out:
	ud_lock_release(&depot_lock);
	return id;
}

const uintptr_t *ud_stack_get(ud_stack_id_t id, unsigned *n)
{
	if (id == 0 || id > atomic_load_explicit(&nstacks, memory_order_acquire)) {
		if (n)
			*n = 0;
		return NULL;
	}
	unsigned k;
	size_t slot;
	id_slot(id, &k, &slot);
	stack_rec_t **chunk = atomic_load_explicit(&chunks[k], memory_order_acquire);
	stack_rec_t *r = atomic_load_explicit((_Atomic(stack_rec_t *) *)&chunk[slot],
					      memory_order_relaxed);
	if (n)
		*n = r->n;
	return r->pcs;
}

size_t ud_stack_count(void)
{
	return atomic_load_explicit(&nstacks, memory_order_relaxed);
}

/* ---- capture --------------------------------------------------------- */

typedef struct walk {
	uintptr_t *pcs;
	unsigned n, max;
	unsigned skip;		/* frames still to skip when no range is set */
	uintptr_t lo, hi;
	unsigned nfront;	/* front ranges to check */
	unsigned walked;	/* frames seen, with front ranges set */
} walk_t;

static _Unwind_Reason_Code walk_frame(struct _Unwind_Context *ctx, void *arg)
{
	walk_t *w = arg;
	uintptr_t pc = (uintptr_t)_Unwind_GetIP(ctx);
	if (pc == 0)
		return _URC_END_OF_STACK;
	if (w->skip) {
		w->skip--;
		return _URC_NO_REASON;
	}
	if (pc >= w->lo && pc < w->hi)
		return _URC_NO_REASON;
	if (w->nfront) {
		/* A front interceptor may lie below max frames of its own
		** workings: walk on (within reason) to find it. */
		if (in_front(pc, w->nfront)) {
			w->n = 0;
			return _URC_NO_REASON;
		}
		if (w->n < w->max)
			w->pcs[w->n++] = pc;
		return ++w->walked == 4 * UD_STACK_MAX_FRAMES ? _URC_END_OF_STACK
							       : _URC_NO_REASON;
	}
	w->pcs[w->n++] = pc;
	return w->n == w->max ? _URC_END_OF_STACK : _URC_NO_REASON;
}

/*
** Frames kept: the unwinder's first frame is the public function that walks
** (ud_stack_capture or ud_stack_walk: the return address after its
** _Unwind_Backtrace call; always_inline puts that call in their frame).
**  - With a runtime range set, every frame whose pc lies in [lo, hi) is
**    dropped, wherever it is in the stack; the walker is in the runtime,
**    so frame 0 is the first return address outside it: the program's call
**    into the intercepted function.
**  - A frame inside an interceptor in front of the runtime's (a
**    sanitizer's, which calls ours) is dropped with every frame above it:
**    frame 0 is then the program's call into that interceptor.
**  - Without one, only the walker's own frame is dropped: frame 0 is the
**    return address of the call to it, inside its caller; frame 1 is inside
**    the caller's caller, and so on.
** Every kept pc is a return address (symbolize with is_return_address).
** noinline on the public functions: the frame count relies on their frame.
*/
static inline __attribute__((always_inline)) unsigned
backtrace_into(uintptr_t *pcs, unsigned max)
{
	walk_t w = { pcs, 0, max, 0,
		     atomic_load_explicit(&rt_lo, memory_order_relaxed),
		     atomic_load_explicit(&rt_hi, memory_order_relaxed),
		     atomic_load_explicit(&nfront, memory_order_acquire), 0 };
	if (w.lo == w.hi)
		w.skip = 1;
	if (max)
		_Unwind_Backtrace(walk_frame, &w);
	return w.n;
}

__attribute__((noinline)) ud_stack_id_t ud_stack_capture(void)
{
	uintptr_t pcs[UD_STACK_MAX_FRAMES];
	unsigned n = backtrace_into(pcs, UD_STACK_MAX_FRAMES);
	return ud_stack_put(pcs, n);
}

__attribute__((noinline)) unsigned ud_stack_walk(uintptr_t *pcs, unsigned max)
{
	unsigned n = backtrace_into(pcs, max < UD_STACK_MAX_FRAMES ? max
								  : UD_STACK_MAX_FRAMES);
	/* Not a tail call: the frame must stay for the count above. */
	__asm__ volatile("" ::: "memory");
	return n;
}

void ud_stack_fork_prepare(void) { ud_lock_acquire(&depot_lock); }
void ud_stack_fork_parent(void) { ud_lock_release(&depot_lock); }
void ud_stack_fork_child(void) { ud_lock_reset(&depot_lock); }
