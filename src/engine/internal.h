/*
** internal.h: the engine's data structures, shared by the files of src/engine.
**
** Main types:
**   ud_class_t     one lock class: a node of the dependency graph
**   ud_instance_t  one live lock object: address, class, kind, generation
**   ud_node_t      a graph node; classes embed one, instances that take part
**                  in same-class nesting get one lazily (instance ordering)
**   ud_edge_t      "held `from`, then waited for `to`": dependency kinds and the
**                  stack that first created it
**   ud_held_t      one entry of a thread's held-lock stack
**   ud_thread_t    a thread: held stack and chain key
**
** Locking: graph_lock (engine.c) guards classes, nodes, edges and chain-cache
** inserts. Instance shards have their own locks. A thread's held stack is
** touched only by that thread. Chain-cache lookups take no lock.
*/
#ifndef UD_ENGINE_INTERNAL_H
#define UD_ENGINE_INTERNAL_H

#include <stdatomic.h>

#include "../base/lock.h"
#include "../report/report.h"
#include "engine.h"

#define UD_likely(x) __builtin_expect(!!(x), 1)
#define UD_unlikely(x) __builtin_expect(!!(x), 0)

/*
** Dependency kinds (lockdep-design, "Recursive read locks"). For an edge
** L1 -> L2 only what L1 blocks (writer E, or any reader S) and what blocks L2
** (recursive reader R, or non-recursive N) matter. Bit numbers:
*/
enum {
	UD_DEP_SR = 1u << 0,	/* L1 reader, L2 recursive reader */
	UD_DEP_ER = 1u << 1,	/* L1 writer, L2 recursive reader */
	UD_DEP_SN = 1u << 2,	/* L1 reader, L2 writer or non-recursive reader */
	UD_DEP_EN = 1u << 3,	/* L1 writer, L2 writer or non-recursive reader */
	UD_DEP_E_ANY = UD_DEP_ER | UD_DEP_EN,
	UD_DEP_N_ANY = UD_DEP_SN | UD_DEP_EN,
};

static inline unsigned ud_dep_bit(ud_mode_t from, ud_mode_t to)
{
	return 1u << ((from == UD_MODE_WRITE) + 2 * (to != UD_MODE_READ_RECURSIVE));
}

typedef struct ud_node ud_node_t;

typedef struct ud_edge {
	ud_node_t *from;
	ud_node_t *to;
	uint32_t to_gen;	/* to->gen when created: stale when it differs */
	uint8_t dep;		/* UD_DEP_* kinds seen */
	uint8_t to_mode;	/* how `to` was taken when the edge was made */
	ud_stack_id_t stack;	/* the acquisition that first created it */
	uintptr_t to_addr;	/* instance address of `to` then */
	uintptr_t to_pc;	/* acquisition site of `to` then */
	int tid;		/* thread that created it */
	ud_stack_id_t thread_origin;	/* where that thread was created, 0: main */
	char thread_name[16];
} ud_edge_t;

struct ud_node {
	ud_edge_t **out;	/* edges leaving this node, each allocated alone */
	uint32_t nout, cap;
	uint32_t gen;		/* bumped when an instance node is recycled */
	uint64_t visit[2];	/* BFS stamps, per "entered as recursive reader" */
	ud_class_t *cls;	/* the class (of the instance, for instance nodes) */
	ud_instance_t *inst;	/* instance nodes only */
	ud_node_t *next_free;	/* recycled instance nodes */
	/* Class nodes only: edges arriving, and the node's place in a
	** topological order of the class graph (graph.c). */
	ud_edge_t **in;
	uint32_t nin, incap;
	uint32_t ord;
	uint64_t mark;		/* reordering stamp */
};

/* One acquisition that gave a class signal usage: the bits it set (each bit
** is set once for any mode and once for an excluding one, so by at most two
** events), whether it excluded readers, and its stack. */
typedef struct ud_usage_event {
	uint64_t in, on;
	ud_stack_id_t stack;
	bool excl;
} ud_usage_event_t;

struct ud_class {
	ud_node_t node;		/* first: a class is a node */
	ud_class_key_t key;	/* name copied into runtime memory */
	unsigned id;
	ud_lock_kind_t kind;	/* kind of the first instance seen */
	bool kind_set;
	uint8_t flags;		/* UD_CLASS_* (annotations) */
	/* Bumped (by UD_HINT_EPOCH_STEP) when an instance leaves the class:
	** every hint that names the class with an older value is refused
	** (instance.c). */
	_Atomic uint32_t hint_epoch;
	uint64_t chain_salt;	/* the class's part of a chain key step */
	/* Signal usage (usage.c): bit s-1 = taken in a handler of signal s /
	** taken with s unblocked, by an acquisition that excludes readers
	** (any mode but a recursive read: *_excl) and by any (*_used); and the
	** events that set them (graph lock). With flags, hint_epoch and
	** chain_salt, the excluding usage is all that a mutex's fast path reads
	** of a class: on one cache line. */
	_Atomic uint64_t sig_in_excl, sig_on_excl;
	_Atomic uint64_t sig_in_used, sig_on_used;
	struct ud_class *hnext;	/* class hash chain */
	int (*cmp)(const void *, const void *);	/* instance order, or NULL */
	ud_usage_event_t *usage;	/* capacity: nusage rounded up to a power of 2 */
	uint32_t nusage;
};

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
	uint8_t nest;		/* taken under a nest_lock: counts its class */
	uint16_t pins;		/* ud_pin() depth, meaningful only while PINNED */
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
	uint64_t sig_on;	/* signals unblocked now (bit s-1), set by the runtime */
	uint64_t sig_in;	/* signals whose handlers are running on this thread */
	uint64_t chain_ctx;	/* ud_chain_ctx() of sig_on and sig_in */
	uint16_t taker_tag;	/* ud_taker_tag(tid), for takers.c */
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
	return ((uint64_t)id << 3) * 0x9e3779b97f4a7c15ull;
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
	uint64_t x = key ^ c->chain_salt ^
		     (((uint64_t)mode << 1 | trylock) * 0x9e3779b97f4a7c15ull);
	x *= 0xbf58476d1ce4e5b9ull;
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
	uint64_t x = sig_on * 0x9e3779b97f4a7c15ull;
	x ^= x >> 31;
	x = (x ^ sig_in) * 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	x = (x ^ sig_in) * 0x94d049bb133111ebull;
	return x ^ x >> 32;
}

/* The next chain key of thread t, whose key is `key`, for an entry of class c. */
static inline uint64_t ud_chain_step(const ud_thread_t *t, uint64_t key,
				     const ud_class_t *c, ud_mode_t mode, bool trylock)
{
	return ud_chain_mix(key ^ t->chain_ctx, c, mode, trylock);
}

/* engine.c */
extern ud_lock_t ud_graph_lock;
extern ud_engine_config_t ud_config;
extern _Atomic bool ud_active;
extern _Atomic size_t ud_stat_edges;
extern _Atomic unsigned ud_stat_max_depth;
void ud_engine_submit(ud_report_t *r);

/* class.c */
void ud_class_fork_child(void);
size_t ud_class_count_locked(void);

/* instance.c */
/* The per-thread cache (the record range is in ud_hot, below). */

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
	uint64_t x = (uint64_t)a * 0x9e3779b97f4a7c15ull;
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
	if (UD_likely(ce->addr == a && in &&
		      atomic_load_explicit(&in->addr, memory_order_relaxed) == a &&
		      atomic_load_explicit(&in->gen, memory_order_relaxed) == ce->gen))
		return in;
	return NULL;
}

ud_node_t *ud_instance_node(ud_instance_t *inst);	/* graph lock held */
void ud_instance_fork_prepare(void);
void ud_instance_fork_parent(void);
void ud_instance_fork_child(void);
size_t ud_instance_count(void);

/* graph.c (graph lock held) */
ud_edge_t *ud_graph_find_edge(ud_node_t *from, ud_node_t *to);
ud_edge_t *ud_graph_add_edge(ud_node_t *from, ud_node_t *to, unsigned dep);
void ud_graph_node_clear(ud_node_t *n);
/* A new class node takes the last place in the topological order. */
void ud_graph_class_node_init(ud_node_t *n);
/*
** True when the order proves there is no path from `from` to `to` (both
** class nodes): then no search is needed. While the class graph has no cycle
** (cycles made only of reader edges that cannot deadlock are the exception),
** every edge goes from a lower to a higher place.
*/
bool ud_graph_no_path(const ud_node_t *from, const ud_node_t *to);
/* The search may skip nodes placed after `to`: they cannot reach it. */
bool ud_graph_beyond(const ud_node_t *n, const ud_node_t *to);

/* bfs.c (graph lock held) */
typedef struct ud_path {
	ud_edge_t **edges;	/* edges[0] leaves the start node */
	unsigned n;
} ud_path_t;
/*
** Is there a strong path from `start` (entered as `start_mode`) to `target`
** that conflicts with `target` being held in `held_mode`? Fills *path with the
** shortest such path and returns true. The path is valid until the next call.
*/
bool ud_bfs_find(ud_node_t *start, ud_mode_t start_mode, ud_node_t *target,
		 ud_mode_t held_mode, ud_path_t *path);
/*
** The class nearest to `start` (itself included unless past_start: a class's
** own two usages are the inconsistency rule's to judge), following
** dependencies forwards or backwards, whose usage meets `mask`: signals
** unblocked when it was taken (forwards), signals whose handlers took it
** (backwards). Fills *path with the edges walked; NULL if none, and then
** *seen (if given) gets the union of that usage over every class reached.
*/
ud_class_t *ud_bfs_usage(ud_node_t *start, bool backward, bool past_start,
			 uint64_t mask, uint64_t *seen, ud_path_t *path);

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
	return ((uint64_t)addr ^ ud_hot.hint_key ^ w0 ^ v) * 0x9e3779b97f4a7c15ull;
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
void ud_chain_init(void);		/* the first table */
void ud_chain_insert(uint64_t key);	/* graph lock held */
size_t ud_chain_count(void);

/* thread.c */
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
	h->nest = 0;
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
	if (UD_unlikely(t->depth == t->cap))
		ud_held_grow(t);
	ud_held_t *h = &t->held[t->depth++];
	if (UD_unlikely(t->depth > t->max_depth))
		ud_note_depth(t);
	ud_held_fill(h, inst, c, mode, trylock, pc);
	h->prev_key = t->chain_key;
	t->chain_key = key;
}
ud_held_t *ud_held_find(ud_thread_t *t, const ud_instance_t *inst, uintptr_t addr);
void ud_held_remove(ud_thread_t *t, ud_held_t *h);
void ud_report_fill_thread(ud_report_t *r, const ud_thread_t *t);
void ud_report_fill_held(ud_report_t *r, const ud_thread_t *t);
void ud_report_fill_lock(ud_report_lock_t *l, const ud_held_t *h);
void ud_report_fill_class(ud_report_class_t *rc, const ud_class_t *c);
/* A chain link: the lock the edge leads to, as it was first taken after
** the edge's `from`. */
void ud_report_fill_link(ud_report_link_t *l, const ud_edge_t *e);

/* Is h an entry for this life of inst? (A re-initialised held lock leaves
** an entry whose record may since have been recycled for another lock.) */
static inline bool ud_held_is(const ud_held_t *h, const ud_instance_t *inst)
{
	return h->inst == inst &&
	       h->gen == atomic_load_explicit(&((ud_instance_t *)inst)->gen,
					      memory_order_relaxed);
}

/* check.c */
/* Validate the acquisition of inst as class c (flags: UD_ACQ_*). */
void ud_validate(ud_thread_t *t, unsigned ctx_depth, ud_instance_t *inst,
		 ud_class_t *c, ud_mode_t mode, uintptr_t pc, uint64_t key,
		 unsigned flags);
uint64_t ud_sig_mix(uint64_t sig, uint64_t v);

/* usage.c */
/* Record new signal usage of class c by this acquisition, report conflicts. */
__attribute__((noinline)) void ud_usage_mark(ud_thread_t *t, ud_instance_t *inst,
					     ud_class_t *c, ud_mode_t mode, uintptr_t pc);
/*
** Would a new dependency prev -> next join a class taken in a handler of some
** signal S (at or before prev) to one taken with S unblocked (at or after
** next)? If so fills the order-specific part of r (kind, classes, links,
** signature) and returns true. Graph lock held.
*/
bool ud_usage_order(ud_report_t *r, ud_class_t *prev, ud_class_t *next);
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
	uint64_t on = atomic_load_explicit(excl ? &c->sig_on_excl : &c->sig_on_used,
					   memory_order_relaxed);
	uint64_t in = atomic_load_explicit(excl ? &c->sig_in_excl : &c->sig_in_used,
					   memory_order_relaxed);
	return (t->sig_on & ~on) | (t->sig_in & ~in);
}

static inline __attribute__((always_inline)) void
ud_usage_check(ud_thread_t *t, ud_instance_t *inst, ud_class_t *c,
	       ud_mode_t mode, uintptr_t pc)
{
	if (UD_unlikely(ud_usage_adds(t, c, mode)))
		ud_usage_mark(t, inst, c, mode, pc);
}

/* takers.c (graph lock held) */
/*
** A cycle found closing the dependency h -> inst, through a thread lifetime,
** that can only be made of different instances of a class: see takers.c.
*/
bool ud_cycle_other_instance(const ud_thread_t *t, const ud_held_t *h,
			     const ud_instance_t *inst, const ud_class_t *c,
			     const ud_path_t *path);

/* assert.c */
/* Report an annotation misuse or failed assertion (UD_ASSERT_*) about the
** lock at addr (0: none), h its held entry if any. */
void ud_report_assert(ud_thread_t *t, unsigned what, uintptr_t addr,
		      const ud_held_t *h, uintptr_t pc);

#endif
