/*
** hot.h: the engine's hot path, for the runtime's lock hooks
** (src/rt/hooks_fast.h) and the engine itself.
**
** Everything an acquisition or release reads in the common case, inline: the
** held stack, the chain key and the chain cache, the per-thread instance
** cache, the mutex hint's check, the part of a class an acquisition reads,
** and the fast calls themselves. This is the only engine header besides
** engine.h and types.h that src/rt may include; the rest of the engine's
** data (the graph, the rest of a class) is private (internal.h).
**
** Each fast call does what the engine.h call it stands for does, but only in
** the common case. When anything else applies it returns false or NULL having
** changed nothing, and the caller makes the full call. The rules therefore
** live in one place (check.c, instance.c); this file only decides that none
** of the exceptions applies.
*/
#ifndef UD_ENGINE_HOT_H
#define UD_ENGINE_HOT_H

#include <stdatomic.h>

#include "../base/compiler.h"
#include "../base/debug.h"
#include "../base/hash.h"
#include "engine.h"

typedef struct ud_node ud_node_t;

/*
** What an acquisition reads of its class: every class begins with it
** (internal.h), so the fast path needs nothing else of a class's layout.
** flags, the hint epoch, the chain salt and the excluding usage (all that a
** mutex's fast path reads) share one cache line.
*/
typedef struct ud_class_hot {
	uint8_t flags;		/* UD_CLASS_* (annotations, runtime) */
	/* The class has an instance order of the program's (annotate.c), which
	** is asked at every nesting: none of its pairs is taken as cached. */
	_Atomic uint8_t ordered;
	/* Bumped (by UD_HINT_EPOCH_STEP) when an instance leaves the class:
	** every hint that names the class with an older value is refused
	** (instance.c). */
	_Atomic uint32_t hint_epoch;
	uint64_t chain_salt;	/* the class's part of a chain key step */
	/* Signal usage (usage.c): bit s-1 = taken in a handler of signal s /
	** taken with s unblocked, by an acquisition that excludes readers
	** (any mode but a recursive read: *_excl) and by any (*_used). */
	_Atomic uint64_t sig_in_excl, sig_on_excl;
	_Atomic uint64_t sig_in_used, sig_on_used;
} ud_class_hot_t;

/* The hot part of class c (its first member). */
static inline ud_class_hot_t *ud_class_hot_of(const ud_class_t *c)
{
	return (ud_class_hot_t *)c;
}

struct ud_instance {
	_Atomic uintptr_t addr;	/* 0 while free */
	_Atomic uint32_t gen;	/* bumped at every end of identity */
	uint8_t kind;		/* ud_lock_kind_t */
	/* takers.c: whether a thread other than the first taker took it, and
	** a 16-bit tag of that first taker (0: none yet). Small, so that a
	** record stays 32 bytes: lock-heavy programs touch many of them. */
	_Atomic uint8_t shared;
	_Atomic uint16_t taker;
	ud_class_t *_Atomic cls;
	union {
		ud_node_t *node;	/* instance-order node, NULL until needed */
		struct ud_instance *next_free;	/* while on the free list */
	};
};

typedef struct ud_held {
	ud_instance_t *inst;
	uint32_t gen;		/* inst->gen at push: the record may be recycled */
	ud_class_t *cls;
	uintptr_t addr;
	uint64_t prev_key;	/* chain key before this entry */
	uintptr_t pc;
	uint32_t refs;		/* recursive mutex depth, | UD_HELD_PINNED */
	uint8_t mode;
	bool trylock;
	uint8_t forked;		/* inherited across fork(): re-init ends it quietly */
	uint8_t freed;		/* reported as a held lock freed: not again at exit */
	uint8_t nest;		/* taken under a nest_lock: counts its class */
	uint8_t signalled;	/* a condition was signalled under it (takers.c) */
	uint16_t pins;		/* ud_pin() depth, meaningful only while PINNED */
	/* The signal context the entry was keyed in, for the debug build's
	** recompute of the chain key (ud_chain_key_check). */
	UD_DEBUG_ONLY(uint64_t ctx;)
} ud_held_t;

/* Set in refs while pinned, so that the release fast path misses and the
** slow path sees the pin; pins counts only while it is set. */
#define UD_HELD_PINNED (1u << 31)
#define UD_HELD_REFS(h) ((h)->refs & ~UD_HELD_PINNED)

struct ud_thread {
	int tid;
	char name[16];
	int parent_tid;
	ud_stack_id_t origin;
	uint64_t chain_key;
	ud_held_t *held;	/* held[-1] exists, never held (thread.c) */
	unsigned depth, cap;
	unsigned max_depth;	/* deepest this thread went (feeds the global max) */
	/* The fast paths' gates: an acquisition pushes without a call below
	** push_limit (max_depth, or 0 while keys are stale), the lock under the
	** top is released without one from depth under_top_min on (2, or
	** UINT_MAX while keys are stale). */
	unsigned push_limit, under_top_min;
	/* After a lazy release (thread.c): the entries from stale_from up have
	** stale keys, as has chain_key; stale_key is the key of the entries
	** below stale_from. The held stack begins `shift` slots into its
	** allocation. */
	bool stale;
	unsigned stale_from, shift;
	uint64_t stale_key;
	uint64_t sig_on;	/* signals unblocked now (bit s-1), set by the runtime */
	uint64_t sig_in;	/* signals whose handlers are running on this thread */
	uint64_t chain_ctx;	/* ud_chain_ctx() of sig_on and sig_in */
	uint16_t taker_tag;	/* ud_taker_tag(tid), for takers.c */
	/* While a join is validated: the lock its thread is done with (takers.c). */
	ud_instance_t *wait_done;
	uint32_t wait_done_gen;
};

/* Never 0, which means "no taker yet". Thread ids are mostly close together. */
static inline uint16_t ud_taker_tag(int tid)
{
	return (uint16_t)((unsigned)tid % 65535u + 1u);
}

#define UD_CHAIN_KEY_INITIAL 0x6a09e667f3bcc909ull

/* A class's salt: its id spread over the word. */
static inline uint64_t ud_chain_salt(unsigned id)
{
	return ((uint64_t)id << 3) * UD_HASH_PHI;
}

/*
** One step of the chain key: a bijection of the key and the (class, mode,
** trylock) salt, so that two different next entries give two different
** keys, and order matters. The top bit is always set: 0 marks an empty
** slot of the chain cache. With mode and trylock constant (the fast path),
** a step is two loads, two xors, a multiply and a shift.
*/
static inline uint64_t ud_chain_mix(uint64_t key, const ud_class_t *c,
				    ud_mode_t mode, bool trylock)
{
	uint64_t x = key ^ ud_class_hot_of(c)->chain_salt ^
		     (((uint64_t)mode << 1 | trylock) * UD_HASH_PHI);
	x *= UD_HASH_SPLITMIX1;
	x ^= x >> 29;
	return x | 1ull << 63;
}

/*
** The thread's signal context, as part of every chain-key step: 0 with no
** signal unblocked and no handler running, else a hash of both masks. A
** chain is only cached once its last class has the usage that this context
** gives it (check.c), so a hit also says that the acquisition adds no signal
** usage, and the fast path needs no test of its own.
*/
static inline uint64_t ud_chain_ctx(uint64_t sig_on, uint64_t sig_in)
{
	if (!(sig_on | sig_in))
		return 0;
	uint64_t x = sig_on * UD_HASH_PHI;
	x ^= x >> 31;
	x = (x ^ sig_in) * UD_HASH_SPLITMIX1;
	x ^= x >> 29;
	x = (x ^ sig_in) * UD_HASH_SPLITMIX2;
	return x ^ x >> 32;
}

/* The next chain key of thread t, whose key is `key`, for an entry of class c. */
static inline uint64_t ud_chain_step(const ud_thread_t *t, uint64_t key,
				     const ud_class_t *c, ud_mode_t mode, bool trylock)
{
	return ud_chain_mix(key ^ t->chain_ctx, c, mode, trylock);
}

/* engine.c: false once validation was stopped by a report (validation off). */
extern _Atomic bool ud_active;

/* ---- the per-thread instance cache (instance.c) ------------------------- */

#define UD_INST_CACHE_SIZE 256
typedef struct ud_cache_entry {
	uintptr_t addr;
	ud_instance_t *inst;
	uint32_t gen;
} ud_cache_entry_t;
extern _Thread_local ud_cache_entry_t ud_inst_cache[UD_INST_CACHE_SIZE]
	__attribute__((tls_model("initial-exec")));

static inline size_t ud_addr_hash(uintptr_t a)
{
	uint64_t x = (uint64_t)a * UD_HASH_PHI;
	return (size_t)(x >> 32);
}

static inline ud_cache_entry_t *ud_inst_cache_slot(uintptr_t a)
{
	return &ud_inst_cache[(ud_addr_hash(a) >> 8) & (UD_INST_CACHE_SIZE - 1)];
}

/* The instance at addr if this thread's cache has it, else NULL. */
static inline ud_instance_t *ud_instance_cached(const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	ud_cache_entry_t *ce = ud_inst_cache_slot(a);
	ud_instance_t *in = ce->inst;
	if (ud_likely(ce->addr == a && in &&
		      atomic_load_explicit(&in->addr, memory_order_relaxed) == a &&
		      atomic_load_explicit(&in->gen, memory_order_relaxed) == ce->gen))
		return in;
	return NULL;
}

/* ---- what every acquisition reads ------------------------------------------ */

/* chain.c */
typedef struct chain_table {
	size_t mask;
	size_t count;
	_Atomic uint64_t keys[];
} chain_table_t;

/* Classes by id (class.c): class i + 1 at c[i]; entries below n are set and
** never change. A full table is copied into a bigger one, and the old one
** stays mapped. */
typedef struct class_table {
	_Atomic uint32_t n;
	uint32_t cap;
	ud_class_t *c[];
} class_table_t;
extern class_table_t ud_class_table_empty;	/* the first, never NULL */

/*
** What every acquisition reads and only growth writes: the instance record
** range and hint key (instance.c), the class table (class.c) and the chain
** cache's table (chain.c), alone on one cache line, so that slow-path writes
** to their neighbours never take the line from other threads' caches.
*/
typedef struct ud_hot {
	ud_instance_t *inst_base;	/* the record range, NULL if none */
	_Atomic uint32_t inst_limit;	/* records below this index are mapped */
	chain_table_t *_Atomic chain;	/* the chain cache */
	class_table_t *_Atomic classes;	/* classes by id (never NULL) */
	uint64_t hint_key;		/* random, set before the first hint */
} __attribute__((aligned(64))) ud_hot_t;
extern ud_hot_t ud_hot;

/*
** The check word of a hint (engine.h): a hash, keyed with a random value of
** this process, of the lock's address, the hint's first word, its class
** field, and what must still hold for the hint to be good: the class's hint
** epoch and the taker tag of the thread (0 once the lock is shared). The
** vouched-for fields have bits of their own, so that no change of one can
** cancel a change of another; then one multiply carries every bit of the
** difference into the top half, which is the check. Another address, a word
** of another process, or a change of class, epoch or takers gives another
** value but for a chance of about 2^-32.
*/
#define UD_HINT_SHARED 0x80000000u	/* class field: taken by two threads */
#define UD_HINT_CLASS_MAX 0x7fffffffu

/* The class's hint epoch counts in steps of this: the low 16 bits of the
** check's input are the taker tag's. */
#define UD_HINT_EPOCH_STEP 0x10000u

static inline uint64_t ud_hint_hash(uintptr_t addr, uint64_t w0, uint32_t meta,
				    uint32_t epoch, uint32_t tag)
{
	uint64_t v = (uint64_t)meta << 32 | epoch | (tag & 0xffff);
	return ((uint64_t)addr ^ ud_hot.hint_key ^ w0 ^ v) * UD_HASH_PHI;
}

static inline uint32_t ud_hint_check(uintptr_t addr, uint64_t w0, uint32_t meta,
				     uint32_t epoch, uint32_t tag)
{
	return (uint32_t)(ud_hint_hash(addr, w0, meta, epoch, tag) >> 32);
}

/* Does hint {w0, w1} pass the check for the lock at addr? (The top halves
** compared by one xor and shift.) */
static inline bool ud_hint_ok(uintptr_t addr, uint64_t w0, uint64_t w1, uint32_t epoch,
			      uint32_t tag)
{
	return !((ud_hint_hash(addr, w0, (uint32_t)w1, epoch, tag) ^ w1) >> 32);
}

/* Was the chain with this key validated? Lock-free; inline, as every
** acquisition asks. The table exists from ud_engine_init() on. */
static inline bool ud_chain_lookup(uint64_t key)
{
	chain_table_t *t = atomic_load_explicit(&ud_hot.chain, memory_order_acquire);
	for (size_t i = key & t->mask;; i = (i + 1) & t->mask) {
		uint64_t k = atomic_load_explicit(&t->keys[i], memory_order_relaxed);
		if (k == key)
			return true;
		if (k == 0)
			return false;
	}
}

/*
** The pair cache (chain.c): a chain whose new lock has a lock of its own
** class directly below is never cached by its chain key, since that nesting
** is checked per instance. Once such an acquisition was validated without a
** report, the pair of instances (each in its life) on that chain is cached
** instead, in the same table under a key of its own: the same two instances
** on the same chain again get the same verdict, since the instance edge
** between them lives as long as both do.
*/
static inline uint64_t ud_pair_key(uint64_t key, const ud_instance_t *below,
				   uint32_t below_gen, const ud_instance_t *inst, uint32_t gen)
{
	uint64_t x = (key ^ (uint64_t)(uintptr_t)below ^ (uint64_t)below_gen << 48) *
		     UD_HASH_SPLITMIX1;
	x ^= x >> 29;
	x = (x ^ (uint64_t)(uintptr_t)inst ^ (uint64_t)gen << 48) * UD_HASH_SPLITMIX2;
	x ^= x >> 32;
	return x | 1ull << 63;
}

/*
** After a chain-cache miss: is the lock on top of t's stack of class c, in
** its present life, and the pair of it and inst (life gen) cached for this
** chain key? Only the top is looked at here; a pair under trylocks is the
** slow path's (check.c).
*/
static inline bool ud_pair_cached_top(const ud_thread_t *t, const ud_instance_t *inst,
				      uint32_t gen, const ud_class_t *c, uint64_t key)
{
	const ud_held_t *h = &t->held[(int)t->depth - 1];	/* held[-1]: no class */
	return h->cls == c &&
	       !atomic_load_explicit(&ud_class_hot_of(c)->ordered, memory_order_relaxed) &&
	       h->gen == atomic_load_explicit(&h->inst->gen, memory_order_relaxed) &&
	       ud_chain_lookup(ud_pair_key(key, h->inst, h->gen, inst, gen));
}

/* ---- the held stack (thread.c) ------------------------------------------ */

/*
** Debug build: recompute t's chain key from its held stack, entry by entry
** (each with the signal context it was keyed in), and check every entry's
** prev_key and the thread's key against it. Run after every change to the
** stack, it proves the incremental keys of the fast and slow paths right.
*/
#ifdef UD_DEBUG
void ud_chain_key_check(const ud_thread_t *t);
#define UD_CHECK_CHAIN_KEY(t) ud_chain_key_check(t)
#else
#define UD_CHECK_CHAIN_KEY(t) ((void)0)
#endif

__attribute__((noinline)) void ud_note_depth(ud_thread_t *t);
__attribute__((noinline)) void ud_held_grow(ud_thread_t *t);

/* A fresh held entry for inst, the life gen of the lock at addr, of class c;
** the caller sets its prev_key. */
static inline __attribute__((always_inline)) void
ud_held_fill_as(ud_held_t *h, ud_instance_t *inst, uint32_t gen, uintptr_t addr,
		ud_class_t *c, ud_mode_t mode, bool trylock, uintptr_t pc)
{
	h->inst = inst;
	h->gen = gen;
	h->cls = c;
	h->addr = addr;
	h->pc = pc;
	h->refs = 1;
	h->mode = (uint8_t)mode;
	h->trylock = trylock;
	h->forked = 0;
	h->freed = 0;
	h->nest = 0;
	h->signalled = 0;
}

/* The same, for the instance's present life, read from its record. */
static inline __attribute__((always_inline)) void
ud_held_fill(ud_held_t *h, ud_instance_t *inst, ud_class_t *c, ud_mode_t mode,
	     bool trylock, uintptr_t pc)
{
	ud_held_fill_as(h, inst, atomic_load_explicit(&inst->gen, memory_order_relaxed),
			atomic_load_explicit(&inst->addr, memory_order_relaxed), c, mode,
			trylock, pc);
}

/* Push inst (of class c); key is the chain key with it on top. Inline: it is
** half of the acquire fast path, whichever caller that is. */
static inline __attribute__((always_inline)) void
ud_held_push(ud_thread_t *t, ud_instance_t *inst, ud_class_t *c, ud_mode_t mode,
	     bool trylock, uintptr_t pc, uint64_t key)
{
	if (ud_unlikely(t->depth == t->cap))
		ud_held_grow(t);
	ud_held_t *h = &t->held[t->depth++];
	if (ud_unlikely(t->depth > t->max_depth))
		ud_note_depth(t);
	ud_held_fill(h, inst, c, mode, trylock, pc);
	h->prev_key = t->chain_key;
	UD_DEBUG_ONLY(h->ctx = t->chain_ctx;)
	t->chain_key = key;
	UD_CHECK_CHAIN_KEY(t);
}

/* Is h an entry for this life of inst? (A re-initialised held lock leaves
** an entry whose record may since have been recycled for another lock.) */
static inline bool ud_held_is(const ud_held_t *h, const ud_instance_t *inst)
{
	return h->inst == inst &&
	       h->gen == atomic_load_explicit(&((ud_instance_t *)inst)->gen,
					      memory_order_relaxed);
}

/* ---- signal usage (usage.c) ------------------------------------------------ */

/* Record new signal usage of class c by this acquisition, report conflicts. */
__attribute__((noinline)) void ud_usage_mark(ud_thread_t *t, ud_instance_t *inst,
					     ud_class_t *c, ud_mode_t mode, uintptr_t pc);
/* Does an acquisition in this mode exclude readers, for signal usage? A
** recursive reader never waits for another reader. */
static inline bool ud_usage_excl(ud_mode_t mode)
{
	return mode != UD_MODE_READ_RECURSIVE;
}

/* One test on the acquire path: does this acquisition add usage to c? The
** excluding usage is a subset of the whole, so one pair of masks says it. */
static inline __attribute__((always_inline)) bool
ud_usage_adds(const ud_thread_t *t, ud_class_t *c, ud_mode_t mode)
{
	bool excl = ud_usage_excl(mode);
	ud_class_hot_t *h = ud_class_hot_of(c);
	uint64_t on = atomic_load_explicit(excl ? &h->sig_on_excl : &h->sig_on_used,
					   memory_order_relaxed);
	uint64_t in = atomic_load_explicit(excl ? &h->sig_in_excl : &h->sig_in_used,
					   memory_order_relaxed);
	return (t->sig_on & ~on) | (t->sig_in & ~in);
}

static inline __attribute__((always_inline)) void
ud_usage_check(ud_thread_t *t, ud_instance_t *inst, ud_class_t *c,
	       ud_mode_t mode, uintptr_t pc)
{
	if (ud_unlikely(ud_usage_adds(t, c, mode)))
		ud_usage_mark(t, inst, c, mode, pc);
}

/* ---- the fast calls --------------------------------------------------------- */

static inline int ud_thread_tid_fast(const ud_thread_t *t)
{
	return t->tid;
}

static inline ud_lock_kind_t ud_instance_kind_fast(const ud_instance_t *inst)
{
	return inst->kind;
}

/*
** The rules' part of ud_acquire_fast(), for instance inst in life gen at addr,
** of class c, once the instance's own tests passed (not a recursive mutex,
** taker noted, a tracked class): for a blocking acquisition, a chain
** validated before (which has no lock of the class directly below and gives
** no new signal usage: check.c never caches such a chain) or, when `pairs`
** (a constant) asks, with a lock of the class on top, the pair of the two
** instances cached on that chain; for a trylock, no new signal usage. The
** lock hooks' inline halves leave pairs to their out-of-line halves: the
** probe's call would cost the chain hit its frame.
*/
/* The push of ud_acquire_fast_as(), key being the chain key with inst on
** top; false, having changed nothing, when the thread would go deeper than
** it ever was (then the stack may lack room and there is a record to
** publish) or its keys are stale (push_limit is then 0). Makes no call. */
static inline __attribute__((always_inline)) bool
ud_held_push_fast(ud_thread_t *t, ud_instance_t *inst, uint32_t gen, uintptr_t addr,
		  ud_class_t *c, ud_mode_t mode, bool trylock, uintptr_t pc, uint64_t key)
{
	unsigned d = t->depth;
	if (ud_unlikely(d >= t->push_limit))
		return false;
	ud_held_t *h = &t->held[d];
	ud_held_fill_as(h, inst, gen, addr, c, mode, trylock, pc);
	h->prev_key = t->chain_key;
	UD_DEBUG_ONLY(h->ctx = t->chain_ctx;)
	t->depth = d + 1;
	t->chain_key = key;
	UD_CHECK_CHAIN_KEY(t);
	return true;
}

/*
** ud_acquire_fast_as() with `miss` (a constant: NULL or not): when a blocking
** acquisition's chain is not cached and pairs is false, *miss is set to its
** chain key, so that the caller may try the pair cache out of line
** (ud_acquire_pair_as()) without working the key out again.
*/
static inline __attribute__((always_inline)) bool
ud_acquire_fast_miss(ud_thread_t *t, ud_instance_t *inst, uint32_t gen, uintptr_t addr,
		     ud_class_t *c, ud_mode_t mode, bool trylock, uintptr_t pc, bool pairs,
		     uint64_t *miss)
{
	uint64_t key = ud_chain_step(t, t->chain_key, c, mode, trylock);
	/* A cached chain also vouches for the signal usage (ud_chain_ctx); a
	** trylock, which needs no cached chain, asks the usage itself. With
	** validation off (stopped by a report), ud_acquire() only pushes,
	** which is what this does too: no need to ask. */
	if (ud_unlikely(trylock ? ud_usage_adds(t, c, mode) : !ud_chain_lookup(key)) &&
	    (trylock || !pairs || !ud_pair_cached_top(t, inst, gen, c, key))) {
		if (miss && !trylock)
			*miss = key;
		return false;
	}
	return ud_held_push_fast(t, inst, gen, addr, c, mode, trylock, pc, key);
}

static inline __attribute__((always_inline)) bool
ud_acquire_fast_as(ud_thread_t *t, ud_instance_t *inst, uint32_t gen, uintptr_t addr,
		   ud_class_t *c, ud_mode_t mode, bool trylock, uintptr_t pc, bool pairs)
{
	return ud_acquire_fast_miss(t, inst, gen, addr, c, mode, trylock, pc, pairs, NULL);
}

/* After ud_acquire_fast_miss() gave the blocking acquisition's chain key
** `key` (not cached), on the same stack: the pair of the lock on top and
** inst cached on that chain, and the push. False: nothing was done. */
static inline __attribute__((always_inline)) bool
ud_acquire_pair_as(ud_thread_t *t, ud_instance_t *inst, uint32_t gen, uintptr_t addr,
		   ud_class_t *c, ud_mode_t mode, uintptr_t pc, uint64_t key)
{
	return ud_pair_cached_top(t, inst, gen, c, key) &&
	       ud_held_push_fast(t, inst, gen, addr, c, mode, false, pc, key);
}

/* What a fast acquisition that missed only the chain cache leaves for the
** pair cache's attempt out of line (ud_acquire_pair_as()). */
typedef struct ud_fast_miss {
	uint64_t key;		/* the chain key; 0: no miss of this kind */
	ud_class_t *cls;
	ud_instance_t *inst;
	uint32_t gen;
} ud_fast_miss_t;

/*
** ud_note_taker() and ud_acquire(t, inst, mode, trylock ? UD_ACQ_TRY : 0, pc)
** when no rule has anything to say: the taker already noted, not a recursive
** mutex, a tracked class, and ud_acquire_fast_as(). Returns false, having
** changed nothing, in every other case; then, when only the chain cache
** missed, miss (NULL or not, a constant) has the key, the class and the
** instance's life, else its key is left alone.
*/
static inline __attribute__((always_inline)) bool
ud_acquire_fast_pairs_miss(ud_thread_t *t, ud_instance_t *inst, ud_mode_t mode,
			   bool trylock, uintptr_t pc, bool pairs, ud_fast_miss_t *miss)
{
	ud_class_t *c = atomic_load_explicit(&inst->cls, memory_order_relaxed);
	if (ud_unlikely(inst->kind == UD_KIND_MUTEX_RECURSIVE ||
			(ud_class_hot_of(c)->flags & UD_CLASS_NOFAST)))
		return false;
	/* Taken first by this thread, or by two already: takers.c has
	** nothing to note. */
	if (ud_unlikely(atomic_load_explicit(&inst->taker, memory_order_relaxed) !=
				t->taker_tag &&
			!atomic_load_explicit(&inst->shared, memory_order_relaxed)))
		return false;
	uint32_t gen = atomic_load_explicit(&inst->gen, memory_order_relaxed);
	if (ud_likely(ud_acquire_fast_miss(t, inst, gen,
					   atomic_load_explicit(&inst->addr, memory_order_relaxed),
					   c, mode, trylock, pc, pairs,
					   miss ? &miss->key : NULL)))
		return true;
	if (miss) {
		miss->cls = c;
		miss->inst = inst;
		miss->gen = gen;
	}
	return false;
}

static inline __attribute__((always_inline)) bool
ud_acquire_fast_pairs(ud_thread_t *t, ud_instance_t *inst, ud_mode_t mode, bool trylock,
		      uintptr_t pc, bool pairs)
{
	return ud_acquire_fast_pairs_miss(t, inst, mode, trylock, pc, pairs, NULL);
}

/* The same without the pair cache. */
static inline __attribute__((always_inline)) bool
ud_acquire_fast(ud_thread_t *t, ud_instance_t *inst, ud_mode_t mode, bool trylock,
		uintptr_t pc)
{
	return ud_acquire_fast_pairs(t, inst, mode, trylock, pc, false);
}

/*
** ud_acquire_fast() of the lock at addr from its hint {w0, w1} (engine.h),
** without reading the instance's record: the hint gives the record, the life
** and the class, and its check vouches for the class, the taker and the
** class being tracked and fast (a class loses its hints when it stops
** being: UD_CLASS_NOFAST). The caller has ruled out a recursive mutex.
** Returns the instance, or NULL having changed nothing; then, if the hint
** was good and the chain not cached, miss (NULL or not, a constant) has its key (ud_acquire_fast_miss()),
** the class, the instance and its life; else its key is left alone.
*/
static inline __attribute__((always_inline)) ud_instance_t *
ud_acquire_hinted_miss(ud_thread_t *t, const void *addr, uint64_t w0, uint64_t w1,
		       ud_mode_t mode, bool trylock, uintptr_t pc, bool pairs,
		       ud_fast_miss_t *miss)
{
	uint32_t idx = (uint32_t)w0, meta = (uint32_t)w1;
	uint32_t slot = (meta & UD_HINT_CLASS_MAX) - 1;	/* class id 0: none */
	/* Both indices are bounded before anything is read through them. */
	class_table_t *ct = atomic_load_explicit(&ud_hot.classes, memory_order_acquire);
	if (ud_unlikely(idx >= atomic_load_explicit(&ud_hot.inst_limit, memory_order_acquire) ||
			slot >= atomic_load_explicit(&ct->n, memory_order_acquire)))
		return NULL;
	ud_class_t *c = ct->c[slot];
	uint32_t tag = (meta & UD_HINT_SHARED) ? 0 : t->taker_tag;
	uint32_t epoch = atomic_load_explicit(&ud_class_hot_of(c)->hint_epoch,
					      memory_order_relaxed);
	if (ud_unlikely(!ud_hint_ok((uintptr_t)addr, w0, w1, epoch, tag)))
		return NULL;
	ud_instance_t *inst = &ud_hot.inst_base[idx];
	if (!inst)
		__builtin_unreachable();	/* idx < inst_limit: the range exists */
	uint32_t gen = (uint32_t)(w0 >> 32);
	if (ud_unlikely(!ud_acquire_fast_miss(t, inst, gen, (uintptr_t)addr, c, mode, trylock,
					      pc, pairs, miss ? &miss->key : NULL))) {
		if (miss) {
			miss->cls = c;
			miss->inst = inst;
			miss->gen = gen;
		}
		return NULL;
	}
	return inst;
}

/* ud_acquire_hinted_miss() without the miss's key. */
static inline __attribute__((always_inline)) ud_instance_t *
ud_acquire_hinted_pairs(ud_thread_t *t, const void *addr, uint64_t w0, uint64_t w1,
			ud_mode_t mode, bool trylock, uintptr_t pc, bool pairs)
{
	return ud_acquire_hinted_miss(t, addr, w0, w1, mode, trylock, pc, pairs, NULL);
}

/* The same without the pair cache. */
static inline __attribute__((always_inline)) ud_instance_t *
ud_acquire_hinted(ud_thread_t *t, const void *addr, uint64_t w0, uint64_t w1,
		  ud_mode_t mode, bool trylock, uintptr_t pc)
{
	return ud_acquire_hinted_pairs(t, addr, w0, w1, mode, trylock, pc, false);
}

/* ud_release() of the lock on top, taken once (not pinned, not recursively
** held); false: anything else. Makes no call. With stale keys (a lazy
** release below), the key it restores is as stale as the one it replaces. */
static inline __attribute__((always_inline)) bool
ud_release_top_fast(ud_thread_t *t, const void *addr)
{
	unsigned d = t->depth;
	ud_held_t *h = t->held + d - 1;	/* with no lock held: the entry below */
	if (ud_likely(h->addr == (uintptr_t)addr && h->refs == 1)) {
		t->chain_key = h->prev_key;
		t->depth = d - 1;
		UD_CHECK_CHAIN_KEY(t);
		return true;
	}
	return false;
}

/*
** The same for the lock just under the top (hand-over-hand locking): the top
** entry moves down, onto the chain below the released lock, which must have
** been validated, as for an acquisition (with validation off, stop_after_report
** having fired, it needs none). Makes no call.
*/
static inline __attribute__((always_inline)) bool
ud_release_under_top_fast(ud_thread_t *t, const void *addr)
{
	unsigned d = t->depth;
	if (d < t->under_top_min)	/* 2, or never while the keys are stale */
		return false;
	ud_held_t *h = &t->held[d - 2], *top = &t->held[d - 1];
	if (h->addr != (uintptr_t)addr || h->refs != 1)
		return false;
	uint64_t prev = h->prev_key;
	uint64_t key = ud_chain_step(t, prev, top->cls, (ud_mode_t)top->mode, top->trylock);
	if (!top->trylock && ud_unlikely(!ud_chain_lookup(key)) &&
	    atomic_load_explicit(&ud_active, memory_order_relaxed))
		return false;
	*h = *top;
	h->prev_key = prev;
	UD_DEBUG_ONLY(h->ctx = t->chain_ctx;)
	t->depth = d - 1;
	t->chain_key = key;
	UD_CHECK_CHAIN_KEY(t);
	return true;
}

/* Lazy releases (thread.c): at least this many entries above the lock
** released, at most this many below. */
#define UD_LAZY_ABOVE_MIN 4
#define UD_LAZY_BELOW_MAX 8

/* Drop entry i of a stale stack: the i entries below it move up one slot,
** and the stack begins one slot further into its allocation. */
static inline __attribute__((always_inline)) void ud_held_lazy_drop(ud_thread_t *t,
								    unsigned i)
{
	for (unsigned k = i; k-- > 0;)	/* at most UD_LAZY_BELOW_MAX */
		t->held[k + 1] = t->held[k];
	t->held++;
	t->shift++;
	t->cap--;
	t->depth--;
	/* What the fast paths read of the entry below the first: never held. */
	t->held[-1].addr = 0;
	t->held[-1].cls = NULL;
	t->held[-1].inst = NULL;
}

/*
** The common case of a lazy release (thread.c), for the unlock's
** out-of-line half: the keys are stale already, the lock released is the
** lowest stale entry, taken once, and the entry above it, blocking and
** validated, finds its new chain cached. lazy_ok() then holds but for the
** class's instance order (asked here): stale keys mean lazy_release on,
** `strict` off and the held addresses distinct, and at stale_from the entry
** is the lowest of its address. lazy_remove() would validate nothing but
** that entry above (its loop stops there), and leave stale_from and
** stale_key as they are. False: nothing was done. Makes no call.
*/
static inline __attribute__((always_inline)) bool
ud_release_stale_fast(ud_thread_t *t, const void *addr)
{
	unsigned i = t->stale_from;
	if (!t->stale || i > UD_LAZY_BELOW_MAX || t->depth < i + 1 + UD_LAZY_ABOVE_MIN)
		return false;
	ud_held_t *h = &t->held[i], *e = h + 1;
	if (h->addr != (uintptr_t)addr || h->refs != 1 ||
	    atomic_load_explicit(&ud_class_hot_of(h->cls)->ordered, memory_order_relaxed) ||
	    (i > 0 && !(ud_held_is(h, h->inst) && h->inst->kind != UD_KIND_SPIN)) ||
	    e->trylock || (ud_class_hot_of(e->cls)->flags & UD_CLASS_NOVALIDATE))
		return false;
	uint64_t key = ud_chain_step(t, t->stale_key, e->cls, (ud_mode_t)e->mode, false);
	if (!ud_chain_lookup(key) && atomic_load_explicit(&ud_active, memory_order_relaxed))
		return false;
	ud_held_lazy_drop(t, i);
	return true;
}

/* ud_release_top_fast() or ud_release_under_top_fast(). */
static inline __attribute__((always_inline)) bool
ud_release_fast(ud_thread_t *t, const void *addr)
{
	return ud_release_top_fast(t, addr) || ud_release_under_top_fast(t, addr);
}

#endif
