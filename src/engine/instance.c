/*
** instance.c: lock instances, from address to identity.
**
** An instance is one life of one lock object: it starts at init or at first
** sight and ends at destroy, re-init or when its memory is freed. A later lock
** at the same address is a new instance, possibly of another class; this is
** what keeps programs that create and destroy many mutexes at recycled
** addresses from merging unrelated locks.
**
** Records are kept in 64 shards of chained hash tables, each with its own lock.
** Records are recycled through a free list but never unmapped, and every end
** of identity bumps the record's generation. That makes a per-thread
** direct-mapped cache (address -> record, generation) safe without locks: a
** cached entry is used only if the record still has the same address and
** generation.
**
** Records live in one reserved range of address space, committed as it
** fills, so that a record has a 32-bit index and a hint (engine.h) can be
** checked against the range before anything is kept from it. Should the
** range be full or unavailable, records come from ud_alloc() and are never
** hinted: lookups then go through the cache and the tables.
*/
#include "internal.h"

#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "../base/alloc.h"

#define NSHARDS 64

/*
** A shard's table: open addressing with linear probing, at most half full.
** Readers probe it without the lock. Writers hold the shard lock; deletion
** shifts later entries back (no tombstones), and growth publishes a new table
** and keeps the old one mapped. A reader racing with either may miss an
** entry that exists: every miss is confirmed under the lock, so a miss only
** costs time, never an answer.
*/
typedef struct table {
	size_t mask;
	ud_instance_t *_Atomic slots[];
} table_t;

typedef struct shard {
	ud_lock_t lock;
	table_t *_Atomic table;
	size_t count;
} shard_t;

static shard_t shards[NSHARDS];

/*
** Live instances per 64-byte granule, counted in hashed buckets. A free() of
** a block whose granules all count zero holds no lock: the common case costs
** one load per granule instead of a probe per possible lock address. A bucket
** shared by unrelated granules only costs a probe, never an answer.
*/
#define GRANULE_SHIFT 6
#define NBUCKETS (1u << 18)
static _Atomic uint32_t *granules;
static ud_lock_t granules_lock = UD_LOCK_INIT;

static inline size_t granule_bucket(uintptr_t g)
{
	return (size_t)(((uint64_t)g * UD_HASH_PHI) >> 40) & (NBUCKETS - 1);
}

static _Atomic uint32_t *granules_get(void)
{
	_Atomic uint32_t *g = atomic_load_explicit(&granules, memory_order_acquire);
	if (g)
		return g;
	ud_lock_acquire(&granules_lock);
	g = atomic_load_explicit(&granules, memory_order_relaxed);
	if (!g) {
		g = ud_alloc(NBUCKETS * sizeof *g);	/* fresh mapping: zero */
		atomic_store_explicit(&granules, g, memory_order_release);
	}
	ud_lock_release(&granules_lock);
	return g;
}

static inline void granule_count(uintptr_t a, int d)
{
	_Atomic uint32_t *g = granules_get();
	atomic_fetch_add_explicit(&g[granule_bucket(a >> GRANULE_SHIFT)], (uint32_t)d,
				  memory_order_relaxed);
}
static ud_lock_t free_lock = UD_LOCK_INIT;
static ud_instance_t *free_list;

/*
** The record range. Index 0 is never handed out: an empty hint names it, and
** its address stays 0, which no lock has; so do the records of a step that
** are not handed out yet. Reserved without backing (PROT_NONE
** costs no commit charge) and made writable 2 MiB at a time. Past the first
** step it asks for transparent huge pages: a program with many locks reads
** records at random, and a TLB miss per record would cost as much as the
** record itself.
*/
#define REGION_MAX ((size_t)1 << 35)	/* 2^30 records */
#define REGION_MIN ((size_t)1 << 30)
#define REGION_STEP ((size_t)1 << 21)
static size_t region_size, region_committed;	/* free_lock */
static uint32_t region_used;			/* records handed out; free_lock */
static bool region_tried;

_Static_assert(sizeof(ud_instance_t) == 32, "records are 32 bytes");

/* The key of hint checks: the kernel's random bytes for this process
** (AT_RANDOM), mixed with the range's address; a hint written by another
** process, or in a previous run, does not pass. */
static uint64_t hint_key_make(uintptr_t salt)
{
	uint64_t k = salt, r[2];
	const void *random = (const void *)getauxval(AT_RANDOM);	/* 16 bytes */
	if (random) {
		memcpy(r, random, sizeof r);
		k ^= r[0] ^ (r[1] << 1);
	}
	k = (k ^ (k >> 31)) * UD_HASH_SPLITMIX1;
	return k ^ (k >> 29);
}

static void region_reserve(void)
{
	for (size_t sz = REGION_MAX; sz >= REGION_MIN; sz >>= 1) {
		/* One step more, to start on a step boundary (a huge page). */
		char *p = mmap(NULL, sz + REGION_STEP, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			continue;
		uintptr_t a = ((uintptr_t)p + REGION_STEP - 1) & ~(uintptr_t)(REGION_STEP - 1);
		ud_hot.hint_key = hint_key_make(a);
		ud_hot.inst_base = (ud_instance_t *)a;
		region_size = sz;
		region_used = 1;
#ifdef MADV_HUGEPAGE
		madvise((char *)a + REGION_STEP, sz - REGION_STEP, MADV_HUGEPAGE);
#endif
		return;
	}
}

/* free_lock held: a record of the range, or NULL when there is none. */
static ud_instance_t *region_take(void)
{
	if (!region_tried) {
		region_tried = true;
		region_reserve();
	}
	ud_instance_t *base = ud_hot.inst_base;
	if (!base)
		return NULL;
	uint32_t n = region_used;
	size_t end = ((size_t)n + 1) * sizeof(ud_instance_t);
	if (end > region_committed) {
		if (region_committed + REGION_STEP > region_size ||
		    mprotect((char *)base + region_committed, REGION_STEP,
			     PROT_READ | PROT_WRITE) != 0)
			return NULL;
		region_committed += REGION_STEP;
		/* Published after the memory is readable: a hint below the
		** limit may be read through, and records not handed out yet
		** are zero (address 0: no lock's). Written once per step. */
		atomic_store_explicit(&ud_hot.inst_limit,
				      (uint32_t)(region_committed / sizeof(ud_instance_t)),
				      memory_order_release);
	}
	region_used = n + 1;
	return &base[n];
}

ud_hint_t ud_instance_hint(const ud_instance_t *inst)
{
	ud_hint_t h = { { 0, 0 } };
	ud_instance_t *in = (ud_instance_t *)inst;
	uintptr_t base = (uintptr_t)ud_hot.inst_base, p = (uintptr_t)inst;
	if (!base || p < base || p >= base + region_size)
		return h;
	/*
	** The class and its epoch must go together. ud_instance_set_class()
	** stores the new class, then bumps the old one's epoch (release): an
	** epoch read after that bump (acquire) is followed by a reread that
	** sees the new class, and one read before it is refused once it lands.
	*/
	ud_class_t *c;
	uint32_t epoch;
	do {
		c = atomic_load_explicit(&in->cls, memory_order_relaxed);
		epoch = atomic_load_explicit(&c->hot.hint_epoch, memory_order_acquire);
	} while (atomic_load_explicit(&in->cls, memory_order_relaxed) != c);
	if (c->id > UD_HINT_CLASS_MAX ||
	    (__atomic_load_n(&c->hot.flags, __ATOMIC_RELAXED) & UD_CLASS_NOFAST))
		return h;
	bool shared = atomic_load_explicit(&in->shared, memory_order_relaxed);
	uint32_t tag = shared ? 0 : atomic_load_explicit(&in->taker, memory_order_relaxed);
	uint32_t meta = c->id | (shared ? UD_HINT_SHARED : 0);
	uint32_t idx = (uint32_t)((p - base) / sizeof *inst);
	h.w[0] = (uint64_t)atomic_load_explicit(&in->gen, memory_order_relaxed) << 32 | idx;
	/* Keyed to the record's address, not the caller's: a record recycled
	** meanwhile gives a hint that no lock passes. */
	uintptr_t addr = atomic_load_explicit(&in->addr, memory_order_relaxed);
	h.w[1] = (uint64_t)ud_hint_check(addr, h.w[0], meta, epoch, tag) << 32 | meta;
	return h;
}

static ud_node_t *free_nodes;	/* graph lock */

/* initial-exec: a plain TLS access, not a __tls_get_addr call per lookup. */
_Thread_local ud_cache_entry_t ud_inst_cache[UD_INST_CACHE_SIZE]
	__attribute__((tls_model("initial-exec")));

static inline size_t addr_hash(uintptr_t a)
{
	return ud_addr_hash(a);
}

static inline shard_t *shard_of(uintptr_t a)
{
	return &shards[addr_hash(a) & (NSHARDS - 1)];
}


static inline uintptr_t inst_addr(const ud_instance_t *in)
{
	return atomic_load_explicit(&((ud_instance_t *)in)->addr, memory_order_relaxed);
}

static inline size_t home(const table_t *t, uintptr_t a)
{
	return (addr_hash(a) >> 6) & t->mask;
}

/* Probe t for a; lock-free. */
static ud_instance_t *table_find(const table_t *t, uintptr_t a)
{
	if (!t)
		return NULL;
	for (size_t i = home(t, a);; i = (i + 1) & t->mask) {
		ud_instance_t *in = atomic_load_explicit(&((table_t *)t)->slots[i],
							 memory_order_acquire);
		if (!in)
			return NULL;
		if (inst_addr(in) == a)
			return in;
	}
}

/* Shard lock held. */
static void table_put(table_t *t, ud_instance_t *in)
{
	size_t i = home(t, inst_addr(in));
	while (atomic_load_explicit(&t->slots[i], memory_order_relaxed))
		i = (i + 1) & t->mask;
	atomic_store_explicit(&t->slots[i], in, memory_order_release);
}

/* Shard lock held. The old table stays mapped: readers may still be in it. */
static void shard_grow(shard_t *s)
{
	table_t *old = atomic_load_explicit(&s->table, memory_order_relaxed);
	size_t n = old ? (old->mask + 1) * 2 : 256;
	table_t *t = ud_alloc(sizeof *t + n * sizeof t->slots[0]);
	t->mask = n - 1;
	for (size_t i = 0; old && i <= old->mask; i++) {
		ud_instance_t *in = atomic_load_explicit(&old->slots[i], memory_order_relaxed);
		if (in)
			table_put(t, in);
	}
	atomic_store_explicit(&s->table, t, memory_order_release);
}

/* Shard lock held. */
static ud_instance_t *shard_find(shard_t *s, uintptr_t a)
{
	return table_find(atomic_load_explicit(&s->table, memory_order_relaxed), a);
}

/* Shard lock held: remove and return the record at a, or NULL. */
static ud_instance_t *shard_unlink(shard_t *s, uintptr_t a)
{
	table_t *t = atomic_load_explicit(&s->table, memory_order_relaxed);
	if (!t)
		return NULL;
	size_t i = home(t, a);
	ud_instance_t *in;
	for (;; i = (i + 1) & t->mask) {
		in = atomic_load_explicit(&t->slots[i], memory_order_relaxed);
		if (!in)
			return NULL;
		if (inst_addr(in) == a)
			break;
	}
	/* Backward-shift: move each later entry of the run into the hole if
	** its home does not lie cyclically in (hole, j]. */
	size_t hole = i;
	for (size_t j = (i + 1) & t->mask;; j = (j + 1) & t->mask) {
		ud_instance_t *e = atomic_load_explicit(&t->slots[j], memory_order_relaxed);
		if (!e)
			break;
		size_t h = home(t, inst_addr(e));
		bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
		if (stays)
			continue;
		atomic_store_explicit(&t->slots[hole], e, memory_order_release);
		hole = j;
	}
	atomic_store_explicit(&t->slots[hole], NULL, memory_order_release);
	s->count--;
	granule_count(a, -1);
	return in;
}

static __attribute__((noinline)) ud_instance_t *lookup_slow(uintptr_t a,
							     ud_cache_entry_t *ce)
{
	shard_t *s = shard_of(a);
	ud_instance_t *in = table_find(atomic_load_explicit(&s->table, memory_order_acquire), a);
	if (!in) {
		ud_lock_acquire(&s->lock);
		in = shard_find(s, a);
		ud_lock_release(&s->lock);
	}
	if (in) {
		ce->addr = a;
		ce->inst = in;
		ce->gen = atomic_load_explicit(&in->gen, memory_order_relaxed);
		if (inst_addr(in) != a)
			return NULL;	/* retired meanwhile */
	}
	return in;
}

ud_instance_t *ud_instance_lookup(const void *addr)
{
	ud_instance_t *in = ud_instance_cached(addr);
	if (ud_likely(in != NULL))
		return in;
	return lookup_slow((uintptr_t)addr, ud_inst_cache_slot((uintptr_t)addr));
}

/* Graph lock held: end the instance-order node of a dying instance. */
static void release_node(ud_instance_t *in)
{
	ud_node_t *n = in->node;
	if (!n)
		return;
	in->node = NULL;
	ud_graph_node_clear(n);
	n->gen++;		/* edges into it from other instances go stale */
	n->inst = NULL;
	n->cls = NULL;
	n->next_free = free_nodes;
	free_nodes = n;
}

ud_node_t *ud_instance_node(ud_instance_t *inst)
{
	UD_ASSERT_LOCKED(&ud_graph_lock);
	if (!inst->node) {
		ud_node_t *n = free_nodes;
		if (n) {
			free_nodes = n->next_free;
			n->next_free = NULL;
		} else {
			n = ud_alloc(sizeof *n);
		}
		n->inst = inst;
		n->cls = atomic_load_explicit(&inst->cls, memory_order_relaxed);
		inst->node = n;
	}
	return inst->node;
}

static void retire(ud_instance_t *in)
{
	ud_lock_acquire(&ud_graph_lock);
	release_node(in);
	ud_lock_release(&ud_graph_lock);
	atomic_store_explicit(&in->addr, 0, memory_order_relaxed);
	atomic_fetch_add_explicit(&in->gen, 1, memory_order_release);
	ud_lock_acquire(&free_lock);
	in->next_free = free_list;
	free_list = in;
	ud_lock_release(&free_lock);
}

ud_instance_t *ud_instance_create(const void *addr, ud_lock_kind_t kind,
				  const ud_class_key_t *key)
{
	uintptr_t a = (uintptr_t)addr;
	ud_class_t *c = ud_class_get(key);
	if (!c->kind_set) {
		c->kind = kind;
		c->kind_set = true;
	}

	ud_lock_acquire(&free_lock);
	ud_instance_t *in = free_list;
	if (in)
		free_list = in->next_free;
	else
		in = region_take();
	ud_lock_release(&free_lock);
	if (!in)
		in = ud_alloc(sizeof *in);
	in->kind = (uint8_t)kind;
	in->node = NULL;
	atomic_store_explicit(&in->taker, 0, memory_order_relaxed);
	atomic_store_explicit(&in->shared, 0, memory_order_relaxed);
	atomic_store_explicit(&in->cls, c, memory_order_relaxed);
	atomic_store_explicit(&in->addr, a, memory_order_release);

	shard_t *s = shard_of(a);
	ud_lock_acquire(&s->lock);
	ud_instance_t *old = shard_unlink(s, a);
	table_t *t = atomic_load_explicit(&s->table, memory_order_relaxed);
	if (!t || (s->count + 1) * 2 > t->mask + 1)
		shard_grow(s);
	table_put(atomic_load_explicit(&s->table, memory_order_relaxed), in);
	s->count++;
	granule_count(a, 1);
	ud_lock_release(&s->lock);
	if (old)
		retire(old);
	return in;
}

/* Forget the identity at a (no checks). */
static void forget(uintptr_t a)
{
	shard_t *s = shard_of(a);
	ud_lock_acquire(&s->lock);
	ud_instance_t *old = shard_unlink(s, a);
	ud_lock_release(&s->lock);
	if (old)
		retire(old);
}

/*
** End of identity with the checks of a destroy: a lock this thread holds is
** reported (the kernel's "held lock freed!"), and its identity is kept, since
** the destroy fails (EBUSY) or leaves the program holding something it will
** unlock. An entry inherited across fork() is ended quietly: allocators
** re-initialise their held locks in the child.
*/
static bool check_held_freed(ud_thread_t *t, uintptr_t lo, uintptr_t hi,
			     uintptr_t pc)
{
	bool kept = false;
	for (unsigned i = t ? t->depth : 0; i-- > 0;) {
		ud_held_t *h = &t->held[i];
		if (h->addr < lo || h->addr >= hi)
			continue;
		if (h->forked) {
			ud_held_remove(t, h);
			continue;
		}
		kept = true;
		if (!ud_engine_active() || h->freed)
			continue;
		h->freed = 1;
		ud_report_t r = {0};
		r.kind = UD_REPORT_HELD_FREED;
		ud_report_fill_thread(&r, t);
		ud_report_fill_lock(&r.target, h);
		r.freed_lo = lo;
		r.freed_hi = hi;
		r.stack = ud_stack_capture();
		ud_report_fill_held(&r, t, t->depth);
		r.signature = ((uint64_t)UD_REPORT_HELD_FREED << 56) ^
			      ((uint64_t)h->cls->id << 24) ^ (uint64_t)pc;
		ud_engine_submit(&r);
	}
	return kept;
}

void ud_instance_check_freed(ud_thread_t *t, uintptr_t lo, uintptr_t hi,
			     uintptr_t pc)
{
	if (hi > lo)
		check_held_freed(t, lo, hi, pc);
}

void ud_instance_destroy(ud_thread_t *t, const void *addr, uintptr_t pc)
{
	uintptr_t a = (uintptr_t)addr;
	if (check_held_freed(t, a, a + 1, pc))
		return;
	forget(a);
}

void ud_instance_reset_held(ud_thread_t *t, const void *addr)
{
	ud_held_t *h = ud_held_find(t, NULL, (uintptr_t)addr);
	if (!h)
		return;
	ud_held_remove(t, h);
	forget((uintptr_t)addr);
}

/* Forget every instance in [lo, hi) that t does not hold, by table scan. */
static void forget_range_scan(ud_thread_t *t, uintptr_t lo, uintptr_t hi)
{
	for (unsigned i = 0; i < NSHARDS; i++) {
		shard_t *s = &shards[i];
		for (;;) {
			ud_instance_t *victim = NULL;
			ud_lock_acquire(&s->lock);
			table_t *tb = atomic_load_explicit(&s->table, memory_order_relaxed);
			for (size_t b = 0; tb && b <= tb->mask && !victim; b++) {
				ud_instance_t *in = atomic_load_explicit(&tb->slots[b], memory_order_relaxed);
				uintptr_t a = in ? inst_addr(in) : 0;
				if (in && a >= lo && a < hi && !(t && ud_held_find(t, NULL, a)))
					victim = in;
			}
			if (victim)
				shard_unlink(s, inst_addr(victim));
			ud_lock_release(&s->lock);
			if (!victim)
				break;
			retire(victim);
		}
	}
}

/* Forget the instances of [lo, hi) granule by granule: only granules whose
** bucket counts live instances are probed, at every byte address (annotated
** locks may be single bytes). */
static void forget_range_granules(ud_thread_t *t, uintptr_t lo, uintptr_t hi)
{
	_Atomic uint32_t *g = granules_get();
	for (uintptr_t gr = lo >> GRANULE_SHIFT; gr <= (hi - 1) >> GRANULE_SHIFT; gr++) {
		if (!atomic_load_explicit(&g[granule_bucket(gr)], memory_order_relaxed))
			continue;
		uintptr_t a = gr << GRANULE_SHIFT, end = a + ((uintptr_t)1 << GRANULE_SHIFT);
		for (a = a < lo ? lo : a; a < end && a < hi; a++) {
			shard_t *s = shard_of(a);
			if (!table_find(atomic_load_explicit(&s->table, memory_order_acquire), a))
				continue;	/* a racing writer can only add locks the caller does not own */
			if (!(t && ud_held_find(t, NULL, a)))
				forget(a);
		}
	}
}

void ud_instance_destroy_range(ud_thread_t *t, uintptr_t lo, uintptr_t hi,
			       uintptr_t pc)
{
	if (hi <= lo)
		return;
	check_held_freed(t, lo, hi, pc);
	/* A big range (a large munmap) is cheaper to match against the tables. */
	size_t ngran = ((hi - 1) >> GRANULE_SHIFT) - (lo >> GRANULE_SHIFT) + 1;
	if (ngran > 4096 && ngran / 4 > ud_instance_count())
		forget_range_scan(t, lo, hi);
	else
		forget_range_granules(t, lo, hi);
}

ud_class_t *ud_instance_class(const ud_instance_t *inst)
{
	return atomic_load_explicit(&((ud_instance_t *)inst)->cls, memory_order_relaxed);
}

ud_lock_kind_t ud_instance_kind(const ud_instance_t *inst)
{
	return inst->kind;
}

void ud_instance_set_kind(ud_instance_t *inst, ud_lock_kind_t kind)
{
	inst->kind = kind;
}

void ud_instance_set_class(ud_instance_t *inst, const ud_class_key_t *key)
{
	ud_class_t *c = ud_class_get(key);
	if (!c->kind_set) {
		c->kind = inst->kind;
		c->kind_set = true;
	}
	ud_lock_acquire(&ud_graph_lock);
	release_node(inst);	/* its instance order belonged to the old class */
	ud_class_t *old = atomic_load_explicit(&inst->cls, memory_order_relaxed);
	atomic_store_explicit(&inst->cls, c, memory_order_relaxed);
	/* Hints of the old class go stale: ud_instance_hint() says why after. */
	if (old != c)
		atomic_fetch_add_explicit(&old->hot.hint_epoch, UD_HINT_EPOCH_STEP,
					  memory_order_release);
	ud_lock_release(&ud_graph_lock);
}

size_t ud_instance_count(void)
{
	size_t n = 0;
	for (unsigned i = 0; i < NSHARDS; i++)
		n += shards[i].count;
	return n;
}

void ud_instance_fork_prepare(void)
{
	for (unsigned i = 0; i < NSHARDS; i++)
		ud_lock_acquire(&shards[i].lock);
	ud_lock_acquire(&free_lock);
}

void ud_instance_fork_parent(void)
{
	ud_lock_release(&free_lock);
	for (unsigned i = NSHARDS; i-- > 0;)
		ud_lock_release(&shards[i].lock);
}

void ud_instance_fork_child(void)
{
	ud_lock_reset(&free_lock);
	ud_lock_reset(&granules_lock);	/* leaf lock, held only to publish the map */
	for (unsigned i = 0; i < NSHARDS; i++)
		ud_lock_reset(&shards[i].lock);
}
