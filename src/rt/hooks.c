/*
** hooks.c: every decision behind the interceptors.
**
** A hook first decides whether the call is tracked (runtime ready, thread not
** already inside the runtime, thread not ended), then runs with the thread's
** in_runtime guard raised, so that any lock call made meanwhile (by the engine's
** symbolizer, an allocator, a signal handler) passes straight through.
**
** It finds the instance behind an address and creates one on first sight,
** keyed as engine.h describes: the init site for locks initialised by a call,
** the address for locks in static storage, else the first acquisition site.
** The lock kind is read from the lock object itself on every acquisition (one
** load), so a lock first met through the naming call, or re-used as another
** type, gets its right kind without the engine knowing any pthread type.
*/
#include "hooks_fast.h"
#include "lockstat.h"

#include "../base/alloc.h"
#include "../base/hash.h"
#include "../base/lock.h"
#include "../symbolize/symbolize.h"

/* First-sight creation is serialised so two threads cannot make two identities. */
static ud_lock_t create_lock = UD_LOCK_INIT;

static __attribute__((noinline)) bool enter_slow(ud_call_t *c)
{
	if (!ud_rt_ready())
		return false;
	ud_rt_thread_t *ts = &ud_tls;
	if (ts->in_runtime || ts->dead)
		return false;
	ts->in_runtime++;
	if (!ud_rt_thread_get(ts)) {
		ts->in_runtime--;
		return false;
	}
	c->ts = ts;
	return true;
}

/* Enter the runtime for a tracked call; false: pass the call through. */
static inline bool enter(ud_call_t *c)
{
	ud_rt_thread_t *ts = &ud_tls;
	if (ud_likely(atomic_load_explicit(&ud_rt_hot.state, memory_order_relaxed) == UD_RT_READY &&
		      !ts->in_runtime && !ts->dead && ts->t)) {
		ts->in_runtime = 1;
		c->ts = ts;
		return true;
	}
	return enter_slow(c);
}

static void leave(ud_call_t *c)
{
	c->ts->in_runtime--;
}

/* ---- lock kinds and hints (the objects' layout is in glibc.h) ------------- */

static ud_lock_kind_t object_kind(const void *lock, ud_lock_type_t type)
{
	switch (type) {
	case UD_LT_MUTEX:
		return ud_mutex_kind(ud_mutex_raw_kind(lock));
	case UD_LT_RWLOCK:
		return ud_rwlock_kind(lock);
	case UD_LT_SPIN:
		break;
	case UD_LT_GMUTEX:
	case UD_LT_GRECMUTEX:
	case UD_LT_GRWLOCK:
	case UD_LT_GSTATIC_RWLOCK:
		return ud_fixed_kind(type);
	}
	return UD_KIND_SPIN;
}

/* Store inst's hint in the two words of a lock object (glibc.h). One
** caller of ud_instance_hint(), so that it stays inline. */
static void hint_store(ud_hint_word_t *w0, ud_hint_word_t *w1,
		       const ud_instance_t *inst)
{
	ud_hint_t h = ud_instance_hint(inst);
	/* Written only when it changes: the lock's line is the program's. */
	if (h.w[0] && (__atomic_load_n(w0, __ATOMIC_RELAXED) != h.w[0] ||
		       __atomic_load_n(w1, __ATOMIC_RELAXED) != h.w[1])) {
		__atomic_store_n(w0, h.w[0], __ATOMIC_RELAXED);
		__atomic_store_n(w1, h.w[1], __ATOMIC_RELAXED);
	}
}

void ud_mutex_hint_store(const pthread_mutex_t *m, int kind, const ud_instance_t *inst)
{
#if UD_MUTEX_HINTS
	if (!ud_mutex_hintable(kind) || !ud_rt_opts.mutex_hint)
		return;
	ud_hint_word_t *w = ud_mutex_hint_words(m);
	hint_store(&w[0], &w[1], inst);
#else
	(void)m;
	(void)kind;
	(void)inst;
#endif
}

void ud_rwlock_hint_store(const pthread_rwlock_t *l, const ud_instance_t *inst)
{
#if UD_RWLOCK_HINTS
	if (!ud_rwlock_hintable(l) || !ud_rt_opts.rwlock_hint)
		return;
	hint_store(ud_rwlock_hint_w0(l), ud_rwlock_hint_w1(l), inst);
#else
	(void)l;
	(void)inst;
#endif
}

void ud_rwlock_hint_clear(const pthread_rwlock_t *l)
{
#if UD_RWLOCK_HINTS
	/* With the option off nothing was written: nothing to clear. */
	if (!ud_rt_opts.rwlock_hint || !ud_rwlock_hintable(l))
		return;
	__atomic_store_n(ud_rwlock_hint_w0(l), 0, __ATOMIC_RELAXED);
	__atomic_store_n(ud_rwlock_hint_w1(l), 0, __ATOMIC_RELAXED);
#else
	(void)l;
#endif
}

/*
** What mutex m records of its owner, for the engine. This thread's tid is the
** runtime's cached one; in a child after fork(), the forking thread's tid in
** the parent counts too, since a mutex it held there is held by this copy.
*/
static ud_owner_t mutex_owner(const pthread_mutex_t *m, const ud_rt_thread_t *ts)
{
	int owner = ud_mutex_owner(m);
	if (owner < 0)
		return UD_OWNER_UNKNOWN;
	if (owner == ud_gettid() || (ts->fork_tid && owner == ts->fork_tid))
		return UD_OWNER_SELF;
	return UD_OWNER_OTHER;
}

/* ---- class keys ---------------------------------------------------------------- */

static ud_stack_id_t one_frame(uintptr_t pc)
{
	return ud_stack_put(&pc, 1);
}

/*
** Site keys past the C++ library.
**
** The call site of a lock is in the program: std::mutex::lock, the lock
** guards and __gthread_mutex_lock, functions of their own at -O0, stand
** between it and pthread_mutex_lock (a std::mutex is never initialised by a
** call, so its class is its first acquisition site). A key therefore runs
** through the leading frames that are the library's (the rule of
** symbolize/wrapper.c, judged by the function symbol) and counts the frames
** init_frames asks for from the first frame past them: every lock guard of
** the program would otherwise be one site. The library's frames stay in the
** key, which only splits, never merges, what the program's frames key.
*/
#define WRAPPER_MAX 16	/* library frames looked through before giving up */

/* How many of the n frames at pcs are the library's, from the innermost. */
static unsigned library_frames(const uintptr_t *pcs, unsigned n)
{
	unsigned k = 0;
	while (k < n && k < WRAPPER_MAX && ud_symbolize_pc_is_wrapper(pcs[k]))
		k++;
	return k;
}

/*
** Automatic site keys (init_frames=0).
**
** A class is keyed by the call site of pthread_mutex_init (or of the first
** lock), as the kernel keys it by its init macro's site. But programs wrap
** pthreads in helpers (uv_mutex_init, a RecursiveMutex constructor, three
** levels of my_mutex_init), and then one site stands for every lock of the
** program, unrelated locks share a class, and their orders look inverted.
**
** So the runtime learns which sites are shared code: for each prefix of an
** init stack (1 to 3 frames of the program's, as a depot id) it remembers
** the first frame seen after it, and marks the prefix shared when another one
** appears. The key of a new lock is its stack up to just past the deepest
** shared prefix: the first call site outside the helpers. A site called from
** one place keeps a one-frame key. Guarded by create_lock.
**
** A lock keeps one class for the run: the locks made before a prefix P was
** found shared all came through its first next frame N, and had the key K
** the deeper rule gave them then (the deepest shared prefix shorter than P,
** plus a frame). When P becomes shared, the prefix P+N is given K's length
** as its alias, so that the locks of P+N made later, keyed P+N by the new
** rule, are found in K's class. Aliases chain as deeper prefixes become
** shared in turn. A key that P+N extends further is not concerned: a deeper
** shared prefix on that path gave those locks that longer key already.
*/
#define AUTO_MAX_FRAMES 4
/*
** GLib's locks look deeper: GObject's construction puts four frames of
** libgobject (g_type_create_instance up to g_object_new) between the
** instance_init that initialises an object's lock and the code that creates
** the object, so with four frames the locks of every GObject type made the
** same way (a GstPad's, a GstTask's) would be one class. Where nothing is
** shared, the key stays one frame all the same.
*/
#define AUTO_MAX_FRAMES_GLIB 8

static unsigned auto_max_frames(ud_lock_type_t type)
{
	return type >= UD_LT_GMUTEX ? AUTO_MAX_FRAMES_GLIB : AUTO_MAX_FRAMES;
}

typedef struct prefix_info {
	ud_stack_id_t prefix;	/* 0: empty slot */
	uintptr_t next_pc;	/* first frame seen after the prefix */
	bool shared;		/* another frame was seen after it since */
	uint8_t alias;		/* as a key, the length of the key it stands for (0: none) */
} prefix_info_t;

static prefix_info_t *prefixes;
static size_t prefixes_cap, prefixes_used;
/* Bumped whenever a prefix becomes shared: every key computed before may be
** too short now (site_cache below). */
static _Atomic uint32_t sharing_gen = 1;

static bool prefix_used(const void *e)
{
	return ((const prefix_info_t *)e)->prefix != 0;
}

/* Depot ids are small and dense: their low bits are a good home. */
static size_t prefix_home(const void *e, size_t cap)
{
	return ((const prefix_info_t *)e)->prefix & (cap - 1);
}

static const ud_table_type_t prefix_table = { sizeof(prefix_info_t), prefix_used,
					      prefix_home };

static prefix_info_t *prefix_slot(ud_stack_id_t id)
{
	if ((prefixes_used + 1) * 2 > prefixes_cap) {
		size_t cap = prefixes_cap ? prefixes_cap * 2 : 256;
		prefixes = ud_table_grow(&prefix_table, prefixes, prefixes_cap, cap);
		prefixes_cap = cap;
	}
	size_t j = id & (prefixes_cap - 1);
	while (prefixes[j].prefix && prefixes[j].prefix != id)
		j = (j + 1) & (prefixes_cap - 1);
	if (!prefixes[j].prefix) {
		prefixes[j].prefix = id;
		prefixes_used++;
	}
	return &prefixes[j];
}

/* The prefix record of id, or NULL if it has none. */
static prefix_info_t *prefix_find(ud_stack_id_t id)
{
	if (!prefixes_cap)
		return NULL;
	size_t j = id & (prefixes_cap - 1);
	while (prefixes[j].prefix && prefixes[j].prefix != id)
		j = (j + 1) & (prefixes_cap - 1);
	return prefixes[j].prefix ? &prefixes[j] : NULL;
}

/* Prefix pcs[0..len) is found shared: the locks made through its first next
** frame keep the key of key_len frames they had (see above). */
static void alias_first_path(const uintptr_t *pcs, unsigned len, uintptr_t next,
			     unsigned key_len)
{
	uintptr_t path[AUTO_MAX_FRAMES_GLIB + 1];
	for (unsigned i = 0; i < len; i++)
		path[i] = pcs[i];
	path[len] = next;
	ud_stack_id_t id = ud_stack_put(path, len + 1);
	prefix_info_t *q = id ? prefix_slot(id) : NULL;
	if (q && !q->shared && !q->alias)
		q->alias = (uint8_t)key_len;
}

/* The length of the key a key of len frames at pcs stands for. */
static unsigned alias_resolve(const uintptr_t *pcs, unsigned len)
{
	for (unsigned hops = 0; hops < AUTO_MAX_FRAMES_GLIB && len > 1; hops++) {
		const prefix_info_t *p = prefix_find(ud_stack_put(pcs, len));
		if (!p || !p->alias || p->alias >= len)
			break;
		len = p->alias;
	}
	return len;
}

/* The frames of the program's that key a site: the n frames at pcs are the
** program's, from the first past the library's. create_lock held. */
static unsigned auto_site(const uintptr_t *pcs, unsigned n, unsigned max)
{
	unsigned key_len = 1;
	for (unsigned len = 1; len < max && len < n; len++) {
		prefix_info_t *p = prefix_slot(ud_stack_put(pcs, len));
		if (!p->next_pc)
			p->next_pc = pcs[len];
		else if (p->next_pc != pcs[len] && !p->shared) {
			p->shared = true;
			atomic_fetch_add_explicit(&sharing_gen, 1, memory_order_relaxed);
			alias_first_path(pcs, len, p->next_pc, key_len);
			p = prefix_find(ud_stack_put(pcs, len));	/* the table may have grown */
		}
		if (p->shared)
			key_len = len + 1;
	}
	return alias_resolve(pcs, key_len);
}

/*
** The key of a return-address chain already seen. auto_site() on a chain it
** has seen changes nothing (each prefix's next frame is the one it noted, or
** the prefix is shared already), so while no prefix has become shared since,
** the key it gave then is the key it would give now. Per thread, so that no
** lock is taken; a chain's frames are compared in full. site_cache=0
** recomputes every key (same classes: for checking the cache).
*/
#define SITE_CACHE_SIZE 64
typedef struct site_entry {
	uintptr_t pcs[AUTO_MAX_FRAMES];
	uint32_t n;		/* frames in pcs; 0: empty */
	uint32_t gen;		/* sharing_gen the key was made under */
	ud_stack_id_t key;
} site_entry_t;
/* On the heap, made at a thread's first init: static TLS is carved out of
** every thread's stack, and a program's 16 KiB thread stack has no 3 KiB
** to spare. */
static __thread site_entry_t *site_cache __attribute__((tls_model("initial-exec")));

static site_entry_t *site_slot(const uintptr_t *pcs, unsigned n)
{
	if (!site_cache &&
	    !(site_cache = ud_alloc(SITE_CACHE_SIZE * sizeof *site_cache)))
		return NULL;
	uint64_t h = n;
	for (unsigned i = 0; i < n; i++)
		h = (h ^ pcs[i]) * UD_HASH_PHI;
	return &site_cache[(h >> 40) & (SITE_CACHE_SIZE - 1)];
}

void ud_hooks_thread_end(void)
{
	ud_lockstat_thread_end();
	if (site_cache) {
		ud_free(site_cache, SITE_CACHE_SIZE * sizeof *site_cache);
		site_cache = NULL;
	}
}

static bool site_hit(const site_entry_t *e, const uintptr_t *pcs, unsigned n)
{
	if (e->n != n || e->gen != atomic_load_explicit(&sharing_gen, memory_order_relaxed))
		return false;
	for (unsigned i = 0; i < n; i++)
		if (e->pcs[i] != pcs[i])
			return false;
	return true;
}

/* The key of the n frames at pcs whose frames from skip on are keyed by the
** helpers learnt, with at most max frames from there. A chain of at most
** AUTO_MAX_FRAMES frames gets the same key under either max, so the cache
** serves both. */
static ud_stack_id_t auto_key(const uintptr_t *pcs, unsigned skip, unsigned n,
			      unsigned max)
{
	site_entry_t *e = site_slot(pcs, n);
	bool cache = e && ud_rt_opts.site_cache && n <= AUTO_MAX_FRAMES;
	if (cache && site_hit(e, pcs, n))
		return e->key;
	ud_lock_acquire(&create_lock);
	unsigned own = auto_site(pcs + skip, n - skip, max);
	uint32_t gen = atomic_load_explicit(&sharing_gen, memory_order_relaxed);
	ud_lock_release(&create_lock);
	ud_stack_id_t key = ud_stack_put(pcs, skip + own);
	if (cache) {
		e->n = 0;	/* a signal handler may look meanwhile */
		atomic_signal_fence(memory_order_seq_cst);
		for (unsigned i = 0; i < n; i++)
			e->pcs[i] = pcs[i];
		e->gen = gen;
		e->key = key;
		atomic_signal_fence(memory_order_seq_cst);
		e->n = n;
	}
	return key;
}

/*
** The automatic key (init_frames=0): the name rule.
**
** A function that makes only a lock (a lock wrapper: uv_mutex_init,
** CRYPTO_THREAD_lock_new, a RecursiveMutex constructor) stands for every
** lock made through it, so a key takes its frame and goes on to its caller;
** the first frame whose function is not one is the class's site, as the
** kernel keys by its init macro's site: a constructor obj_new() keys every
** object it makes as one class, whoever calls it. Names decide
** (ud_symbolize_pc_traits, cached per address). Two cases fall back on the
** helpers learnt above, from the frame concerned on:
**   - a function without a name (a stripped program's static function) could
**     be either, and the helper rule merges nothing it cannot tell apart;
**   - a GLib lock initialised by a function that GObject's type system calls
**     (an instance_init: gst_object_init makes the lock of every GstObject,
**     pads and elements and tasks alike) is keyed past libgobject's frames
**     up to the code that made the object, as its type is decided there.
** Past the C++ library's leading frames, the key is at most max frames; a
** library frame met later is looked through like a wrapper.
*/
static ud_stack_id_t name_key(const uintptr_t *pcs, unsigned lib, unsigned n,
			      unsigned max, bool glib)
{
	unsigned end = lib + max < n ? lib + max : n;
	for (unsigned i = lib; i < end; i++) {
		unsigned t = ud_symbolize_pc_traits(pcs[i]);
		if (t & UD_SITE_UNNAMED)
			return auto_key(pcs, i, n, max - (i - lib));
		if (t & (UD_SITE_LOCK_WRAPPER | UD_SITE_LIBRARY))
			continue;
		if (glib && i + 1 < n && (ud_symbolize_pc_traits(pcs[i + 1]) & UD_SITE_GOBJECT))
			return auto_key(pcs, i, n, max - (i - lib));
		return ud_stack_put(pcs, i + 1);
	}
	return ud_stack_put(pcs, end);
}

/*
** The site key of a lock: its init call site, or for a lock never
** initialised, its first acquisition site; past the library's frames, and
** deepened as init_frames says.
*/
static ud_stack_id_t site_key(uintptr_t pc, ud_lock_type_t type)
{
	bool glib = type >= UD_LT_GMUTEX;
	unsigned max = auto_max_frames(type);
	unsigned want = (unsigned)ud_rt_opts.init_frames;
	unsigned first = ud_symbolize_pc_traits(pc);
	bool wrapped = first & UD_SITE_LIBRARY;
	if (want == 1 && !wrapped)
		return one_frame(pc);
	/* The caller a constructor, or any function not a wrapper: its site is
	** the key, and there is no stack to walk (site_shortcut=0 walks it and
	** gets the same key). GLib's need the next frame (name_key). */
	if (want == 0 && !glib && ud_rt_opts.site_shortcut &&
	    !(first & (UD_SITE_LIBRARY | UD_SITE_LOCK_WRAPPER | UD_SITE_UNNAMED)))
		return one_frame(pc);
	/* Only the frames the key needs: a full capture costs more than the
	** rest of an init (programs init locks by the million). The caller
	** being the library's, the walk goes past its frames at once. */
	unsigned depth = (want == 0 ? max + (glib ? 1 : 0) : want) + (wrapped ? WRAPPER_MAX : 0);
	if (depth > UD_STACK_MAX_FRAMES)
		depth = UD_STACK_MAX_FRAMES;
	uintptr_t pcs[UD_STACK_MAX_FRAMES];
	unsigned n = ud_stack_walk(pcs, depth);
	if (n == 0)
		return one_frame(pc);
	unsigned lib = wrapped ? library_frames(pcs, n) : 0;
	if (lib >= n)	/* no frame of the program's in reach */
		return ud_stack_put(pcs, n);
	if (want == 0)
		return name_key(pcs, lib, n, max, glib);
	unsigned own = n - lib < want ? n - lib : want;
	return ud_stack_put(pcs, lib + own);
}

/* The key of a lock first seen being acquired (no init call seen). */
static void first_sight_key(ud_class_key_t *k, const void *lock, ud_lock_type_t type,
			    uintptr_t pc)
{
	if (ud_classify_static(lock)) {
		k->kind = UD_KEY_STATIC;
		k->key = (uintptr_t)lock;
		k->addr = (uintptr_t)lock;
	} else {
		ud_stack_id_t site = site_key(pc, type);
		k->kind = UD_KEY_ACQUIRE_SITE;
		k->key = site;
		k->site = site;
	}
}

/*
** The instance at lock, created on first sight, with the kind the object has
** now. An instance of another kind (made by the naming call, or an address
** re-used without init/destroy) is replaced keeping its class key.
*/
static __attribute__((noinline)) ud_instance_t *
instance_create(const void *lock, ud_lock_type_t type, ud_lock_kind_t kind, uintptr_t pc)
{
	/* The key is made before create_lock is taken: it may unwind the stack
	** and walk the loader's module list, which take the loader's lock, and
	** a thread in dlopen() may hold that while its constructors lock. */
	ud_class_key_t k = { 0 };
	ud_instance_t *inst = ud_instance_lookup(lock);
	if (!inst)
		first_sight_key(&k, lock, type, pc);
	ud_lock_acquire(&create_lock);
	inst = ud_instance_lookup(lock);
	if (inst && ud_instance_kind(inst) != kind) {
		ud_class_key_t old = *ud_class_key(ud_instance_class(inst));
		inst = ud_instance_create(lock, kind, &old);
	} else if (!inst) {
		if (!k.key)	/* it existed a moment ago and is gone again */
			first_sight_key(&k, lock, type, pc);
		inst = ud_instance_create(lock, kind, &k);
	}
	ud_lock_release(&create_lock);
	ud_call_site_learn(inst, pc);
	return inst;
}

static ud_instance_t *instance_find(const void *lock, ud_lock_type_t type, ud_lock_kind_t kind,
				    uintptr_t pc)
{
	ud_rt_dl_wait(lock);
	ud_instance_t *inst = ud_instance_lookup(lock);
	if (ud_likely(inst != NULL)) {
		ud_lock_kind_t have = ud_instance_kind(inst);
		if (ud_likely(have == kind || have == UD_KIND_PSEUDO))
			return inst;
	}
	return instance_create(lock, type, kind, pc);
}

/* The instance of the lock, made on first sight. */
static ud_instance_t *instance_for(const void *lock, ud_lock_type_t type,
				   uintptr_t pc)
{
	return instance_find(lock, type, object_kind(lock, type), pc);
}

/*
** The instance of a lock that thread t is taking, with t noted as a taker; a
** mutex then gets its hint, which vouches for the takers as they are now
** (a rwlock gets its own from ud_hook_rwlock_lock_slow() and
** ud_hook_rwlock_trylock_slow()). Inline: a first sight of each pair makes
** it common in lock-heavy programs (table_object).
*/
static inline __attribute__((always_inline)) ud_instance_t *
instance_taken(ud_thread_t *t, const void *lock, ud_lock_type_t type, uintptr_t pc)
{
	ud_instance_t *inst = instance_for(lock, type, pc);
	if (inst) {
		ud_note_taker(t, inst);
		if (type == UD_LT_MUTEX)
			ud_mutex_hint_store(lock, ud_mutex_raw_kind(lock), inst);
	}
	return inst;
}

/* ---- lock statistics: the inline halves' common case, here ------------------- */

/*
** With lock_stat on the interceptors' inline halves always miss (their
** thread pointer is NULL: lockstat.h), so their common case is tried here,
** with the thread's engine thread, before the full hook, and the figures are
** noted after it. The instance, or NULL having done nothing.
*/
static ud_instance_t *stat_fast_acquire(const void *lock, ud_lock_type_t type, int mode,
					bool trylock, uintptr_t pc)
{
	ud_rt_thread_t *ts = &ud_tls;
	ud_thread_t *t = ts->in_runtime ? NULL : ts->t;
	if (!t || atomic_load_explicit(&ud_rt_hot.state, memory_order_relaxed) != UD_RT_READY)
		return NULL;
	ud_instance_t *inst = NULL;
	if (type == UD_LT_MUTEX) {
		inst = ud_fast_mutex_acquire(ts, t, lock, ud_mutex_raw_kind(lock), trylock, pc,
					     true);
	} else if (type == UD_LT_RWLOCK || type == UD_LT_SPIN) {
		ud_lock_kind_t kind;
		inst = type == UD_LT_RWLOCK ? ud_fast_rwlock_instance(lock, &kind)
					    : ud_instance_cached(lock);
		if (type == UD_LT_SPIN)
			kind = UD_KIND_SPIN;
		if (inst && (ud_instance_kind_fast(inst) != kind ||
			     !ud_fast_acquire(ts, t, inst, ud_lock_mode(kind, mode), trylock, pc,
					      !trylock)))
			inst = NULL;
	}
	if (!inst)
		return NULL;
	ts->in_runtime++;
	if (trylock)
		ud_lockstat_trylock(t, lock, inst, mode == UD_HOOK_READ, pc);
	else
		ud_lockstat_before_lock(t, lock, inst, mode == UD_HOOK_READ, pc);
	ts->in_runtime--;
	return inst;
}

/* ---- hooks --------------------------------------------------------------------- */

ud_instance_t *ud_hook_lock(const void *lock, ud_lock_type_t type, int mode,
			    unsigned flags, uintptr_t pc)
{
	return ud_hook_lock_at(lock, type, mode, flags, pc, 0, 0);
}

ud_instance_t *ud_hook_lock_at(const void *lock, ud_lock_type_t type, int mode,
			       unsigned flags, uintptr_t pc, uintptr_t fp, uintptr_t sp)
{
	ud_call_t c = { pc, NULL };
	if (ud_unlikely(ud_lockstat_on)) {
		ud_instance_t *inst = stat_fast_acquire(lock, type, mode, false, pc);
		if (inst)
			return inst;
	}
	if (!enter(&c))
		return NULL;
	/* A mutex this thread holds by its record, which glibc says nobody
	** holds, was overwritten by a fresh one (an initializer assigned over
	** an abandoned lock): its entry is stale, not a recursive lock. */
	if (type == UD_LT_MUTEX && ud_mutex_owner(lock) == 0 &&
	    ud_held_mode(c.ts->t, lock) >= 0)
		ud_instance_reset_held(c.ts->t, lock);
	ud_instance_t *inst = instance_taken(c.ts->t, lock, type, pc);
	if (inst) {
		if (ud_unlikely(ud_class_flags(ud_instance_class(inst)) & UD_CLASS_SLOWPATH))
			pc = ud_call_site(c.ts->t, pc, fp, sp);
		ud_acquire(c.ts->t, inst, ud_lock_mode(ud_instance_kind(inst), mode),
			   flags, pc);
		if (ud_unlikely(ud_lockstat_on))
			ud_lockstat_before_lock(c.ts->t, lock, inst, mode == UD_HOOK_READ, pc);
	}
	leave(&c);
	return inst;
}

ud_instance_t *ud_hook_rwlock_lock_slow(const pthread_rwlock_t *l, int mode,
					unsigned flags, uintptr_t pc)
{
	ud_rt_thread_t *ts = &ud_tls;
	ud_thread_t *t = ud_fast_thread(ts);
	if (t != NULL) {
		ud_instance_t *inst = ud_fast_rwlock_acquire(ts, t, l, mode, pc, true);
		if (inst)
			return inst;
	}
	ud_instance_t *inst = ud_hook_lock(l, UD_LT_RWLOCK, mode, flags, pc);
	/* Taken (takers noted): the hint vouches for them as they are now. An
	** instance of another kind (the annotation API's) gets none: the inline
	** half takes the reader rule from the object (hooks_fast.h). */
	if (inst && ud_instance_kind(inst) == ud_rwlock_kind(l))
		ud_rwlock_hint_store(l, inst);
	return inst;
}

void ud_hook_rwlock_trylock_slow(const pthread_rwlock_t *l, int mode, uintptr_t pc)
{
	ud_hook_trylock(l, UD_LT_RWLOCK, mode, pc);
	ud_rt_thread_t *ts = &ud_tls;
	if (!ud_fast_thread(ts) || !ud_rt_opts.rwlock_hint)
		return;
	ts->in_runtime++;
	ud_instance_t *inst = ud_instance_lookup(l);
	if (inst && ud_instance_kind(inst) == ud_rwlock_kind(l))
		ud_rwlock_hint_store(l, inst);
	ts->in_runtime--;
}

void ud_hook_lock_failed(ud_instance_t *inst)
{
	/* Only called with the instance ud_hook_lock() returned: this thread
	** was tracked a moment ago, in the same call. */
	ud_rt_thread_t *ts = &ud_tls;
	ts->in_runtime++;
	if (ud_unlikely(ud_lockstat_on))
		ud_lockstat_lock_failed();
	ud_acquire_undo(ts->t, inst);
	ts->in_runtime--;
}

void ud_hook_trylock(const void *lock, ud_lock_type_t type, int mode, uintptr_t pc)
{
	ud_call_t c = { pc, NULL };
	if (ud_unlikely(ud_lockstat_on) && stat_fast_acquire(lock, type, mode, true, pc))
		return;
	if (!enter(&c))
		return;
	ud_instance_t *inst = instance_taken(c.ts->t, lock, type, pc);
	if (inst) {
		ud_acquire(c.ts->t, inst, ud_lock_mode(ud_instance_kind(inst), mode),
			   UD_ACQ_TRY, pc);
		if (ud_unlikely(ud_lockstat_on))
			ud_lockstat_trylock(c.ts->t, lock, inst, mode == UD_HOOK_READ, pc);
	}
	leave(&c);
}

void ud_hook_unlock(const void *lock, uintptr_t pc)
{
	ud_call_t c = { pc, NULL };
	if (!enter(&c))
		return;
	if (ud_unlikely(ud_lockstat_on)) {
		ud_lockstat_release(c.ts->t, lock);
		/* The interceptor's inline half, skipped (lockstat.h). */
		if (ud_release_fast(c.ts->t, lock)) {
			leave(&c);
			return;
		}
	}
	(void)ud_release(c.ts->t, lock, pc);
	leave(&c);
}

/*
** Release mutex m. A mutex that this thread does not hold by its own record
** and that was never seen gets its instance now, first sight, so that the
** engine can report the bad unlock with a class.
*/
static void mutex_release(ud_rt_thread_t *ts, const pthread_mutex_t *m, uintptr_t pc)
{
	if (ud_unlikely(ud_lockstat_on)) {
		ud_lockstat_release(ts->t, m);
		/* The interceptor's inline half, skipped (lockstat.h). */
		if (ud_release_fast(ts->t, m))
			return;
	}
	ud_owner_t owner = mutex_owner(m, ts);
	if (owner == UD_OWNER_OTHER && !ud_instance_lookup(m))
		(void)instance_for(m, UD_LT_MUTEX, pc);
	(void)ud_release_owner(ts->t, m, pc, owner);
}

void ud_hook_mutex_unlock(const pthread_mutex_t *m, uintptr_t pc)
{
	ud_call_t c = { pc, NULL };
	if (!enter(&c))
		return;
	mutex_release(c.ts, m, pc);
	leave(&c);
}

void ud_hook_mutex_unlock_invalid(const pthread_mutex_t *m, ud_bad_unlock_t why,
				  uintptr_t pc)
{
	ud_call_t c = { pc, NULL };
	if (!enter(&c))
		return;
	if (!ud_instance_lookup(m))
		(void)instance_for(m, UD_LT_MUTEX, pc);
	ud_release_invalid(c.ts->t, m, pc, why);
	leave(&c);
}

/*
** A lock's init and destroy each take several runtime locks in turn (the
** instance tables, the stack depot, create_lock); blocking signals once for
** the whole hook spares each of them its two system calls.
*/
void ud_hook_init(ud_call_t *c, const void *lock, ud_lock_type_t type)
{
	if (!enter(c))
		return;
	ud_rt_dl_wait(lock);
	ud_lock_hold_signals();
	if (ud_unlikely(ud_lockstat_on))
		ud_lockstat_forget(lock);
	/* Ends the old identity first: re-init of a held lock is a held lock freed. */
	ud_instance_destroy(c->ts->t, lock, c->pc);
	ud_stack_id_t site = site_key(c->pc, type);
	ud_class_key_t k = { .kind = UD_KEY_INIT_SITE, .key = site, .site = site };
	ud_lock_acquire(&create_lock);
	ud_instance_t *inst = ud_instance_create(lock, object_kind(lock, type), &k);
	ud_lock_release(&create_lock);
	if (type == UD_LT_MUTEX)
		ud_mutex_hint_store(lock, ud_mutex_raw_kind(lock), inst);
	else if (type == UD_LT_RWLOCK)
		ud_rwlock_hint_store(lock, inst);
	ud_lock_unhold_signals();
	leave(c);
}

void ud_hook_destroy(ud_call_t *c, const void *lock)
{
	if (!enter(c))
		return;
	ud_rt_dl_wait(lock);
	ud_lock_hold_signals();
	if (ud_unlikely(ud_lockstat_on))
		ud_lockstat_forget(lock);
	ud_instance_destroy(c->ts->t, lock, c->pc);
	ud_lock_unhold_signals();
	leave(c);
}

void ud_hook_cond_wait(ud_call_t *c, const void *m, ud_lock_type_t type)
{
	if (!enter(c))
		return;
	ud_thread_t *t = c->ts->t;
	if (type == UD_LT_MUTEX) {
		mutex_release(c->ts, m, c->pc);
	} else {	/* a GMutex records no owner */
		if (ud_unlikely(ud_lockstat_on))
			ud_lockstat_release(t, m);
		(void)ud_release(t, m, c->pc);
	}
	/*
	** The wait returns with m held again: validate that re-acquisition now,
	** against what the thread still holds, before it blocks.
	*/
	ud_instance_t *inst = instance_taken(t, m, type, c->pc);
	if (inst) {
		ud_acquire(t, inst, UD_MODE_WRITE, UD_ACQ_REACQUIRE, c->pc);
		/* Counted when the wait returns (ud_lockstat_cond_done). */
		if (ud_unlikely(ud_lockstat_on))
			ud_lockstat_before_lock(t, m, inst, false, c->pc);
	}
	leave(c);
}

void ud_hook_cond_signal(ud_call_t *c)
{
	if (!enter(c))
		return;
	ud_thread_signalled(c->ts->t);
	leave(c);
}

void ud_hook_set_class(ud_call_t *c, const void *lock, const void *key,
		       const char *name, unsigned subclass)
{
	if (!enter(c))
		return;
	ud_class_key_t k = {
		.kind = UD_KEY_USER,
		.key = (uintptr_t)key,
		.name = name,
		.subclass = subclass,
	};
	ud_lock_acquire(&create_lock);
	ud_instance_t *inst = ud_instance_lookup(lock);
	if (inst)
		ud_instance_set_class(inst, &k);
	else	/* The kind is a guess: the first acquisition corrects it. */
		ud_instance_create(lock, UD_KIND_MUTEX, &k);
	ud_lock_release(&create_lock);
	leave(c);
}

/* ---- fork ---------------------------------------------------------------------- */

void ud_hooks_fork_prepare(void)
{
	ud_lock_acquire(&create_lock);
	ud_rt_threads_fork_prepare();
}

void ud_hooks_fork_parent(void)
{
	ud_rt_threads_fork_parent();
	ud_lock_release(&create_lock);
}

void ud_hooks_fork_child(void)
{
	ud_lock_reset(&create_lock);
	ud_rt_threads_fork_child(&ud_tls);
	ud_lockstat_fork_child();
}
