/*
** intercept_glib.c: GLib's locks (glib_api.inc lists the calls).
**
** Since GLib 2.46, a GMutex on Linux is a futex word, not a pthread mutex, so
** the pthread interceptors never see it. These interceptors see every call
** that reaches GLib through the dynamic linker: from the program, GIO,
** GStreamer, GTK and any library but libglib itself, which is linked with
** -Bsymbolic-functions and calls its own g_mutex_lock directly (README.md,
** "Which locks are watched").
**
** The runtime neither builds nor runs against GLib. The real functions are
** looked up the first time each is needed: with dlsym(RTLD_NEXT), else, for a
** libglib that a library loaded with RTLD_LOCAL brought in, through
** libglib's own handle. A program without GLib never calls these names, so
** nothing is looked up. libglib is never unloaded (it is linked with
** -z nodelete), so a function found stays valid.
**
** The models are the pthread ones: a GMutex is a non-recursive mutex, keyed
** by its g_mutex_init call site or, never initialised (the usual static
** GMutex), at first sight by its address or first acquisition site; a
** GRecMutex a recursive one; a GRWLock an rwlock with recursive readers (it
** is a glibc rwlock with the default, reader-preferring attributes: GLib's
** g_rw_lock_impl_new calls pthread_rwlock_init(rwlock, NULL)); a
** GStaticRWLock one with non-recursive readers (its readers wait while a
** writer waits). A GRecMutex and a GRWLock hold a pthread lock that GLib
** takes through the PLT: the real call runs inside the runtime so that it is
** not seen twice. Condition waits release and retake the GMutex; g_thread_join
** is the pthread_join GLib makes for it, at the program's call site; once
** calls are once-waits as pthread_once is; a bit lock is a mutex keyed by its
** word's address and its bit.
*/
#include "hooks_fast.h"

#include <dlfcn.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "../base/log.h"

/* ---- real functions ------------------------------------------------------- */

#define UD_GLIB(ret, name, params, what) typedef ret (*glib_##name##_fn) params;
#include "glib_api.inc"
#undef UD_GLIB

enum {
#define UD_GLIB(ret, name, params, what) GLIB_##name,
#include "glib_api.inc"
#undef UD_GLIB
	GLIB_COUNT
};

static const char *const glib_names[GLIB_COUNT] = {
#define UD_GLIB(ret, name, params, what) #name,
#include "glib_api.inc"
#undef UD_GLIB
};

static void *_Atomic glib_real[GLIB_COUNT];

/* libglib's mapping, once known: where GLib's thread proxy lives. */
static _Atomic uintptr_t glib_lo, glib_hi;

/* The module holding pc: its span, and whether it is libglib. */
typedef struct module_query {
	uintptr_t pc, lo, hi;
	bool glib;
} module_query_t;

static int find_module(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	module_query_t *q = arg;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;
		if (a < lo)
			lo = a;
		if (a + ph->p_memsz > hi)
			hi = a + ph->p_memsz;
	}
	if (q->pc < lo || q->pc >= hi)
		return 0;
	const char *name = info->dlpi_name ? info->dlpi_name : "";
	const char *b = strrchr(name, '/');
	b = b ? b + 1 : name;
	q->lo = lo;
	q->hi = hi;
	q->glib = strncmp(b, "libglib-2.0.so", 14) == 0;
	return 1;
}

/*
** Is pc in libglib? Learnt from the first address found there. The module
** list is walked with dl_iterate_phdr, not dladdr: dladdr takes the loader's
** lock, which dlopen holds while constructors run, and a constructor may wait
** for a thread being created here.
*/
static bool learn_glib(uintptr_t pc)
{
	module_query_t q = { .pc = pc };
	dl_iterate_phdr(find_module, &q);
	if (!q.glib)
		return false;
	atomic_store(&glib_lo, q.lo);
	atomic_store(&glib_hi, q.hi);
	return true;
}

static void *lookup(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);
	if (!p) {
		/* libglib loaded by a library opened RTLD_LOCAL: out of the
		** global scope, found by its name (no load, no unload). */
		void *h = dlopen("libglib-2.0.so.0", RTLD_LAZY | RTLD_NOLOAD);
		if (h)
			p = dlsym(h, name);
	}
	return p;
}

static __attribute__((noinline, cold)) void *resolve(unsigned i)
{
	/* The loader may allocate and lock: not ours to judge. */
	ud_tls.in_runtime++;
	void *p = lookup(glib_names[i]);
	if (p && !atomic_load(&glib_hi))
		(void)learn_glib((uintptr_t)p);
	ud_tls.in_runtime--;
	if (!p) {
		ud_log_message("ulockdep: %s was called, but no GLib is loaded to run it",
			       glib_names[i]);
		abort();
	}
	atomic_store_explicit(&glib_real[i], p, memory_order_release);
	return p;
}

static inline void *real_fn(unsigned i)
{
	void *p = atomic_load_explicit(&glib_real[i], memory_order_acquire);
	return ud_likely(p != NULL) ? p : resolve(i);
}

#define GREAL(name) ((glib_##name##_fn)real_fn(GLIB_##name))

/* The value of a real call made inside the runtime: the pthread lock GLib
** takes for it passes through (a GNU statement expression). */
#define HIDDEN(expr)                                                         \
	({                                                                   \
		ud_tls.in_runtime++;                                         \
		__typeof__(expr) hidden_ = (expr);                           \
		ud_tls.in_runtime--;                                         \
		hidden_;                                                     \
	})
#define HIDDEN_VOID(expr)                                                    \
	do {                                                                 \
		ud_tls.in_runtime++;                                         \
		expr;                                                        \
		ud_tls.in_runtime--;                                         \
	} while (0)

/* Is start in libglib? Until a GLib call has told where it is, the module
** list says (a thread created through g_thread_new may come first). */
static bool in_glib(uintptr_t s)
{
	if (!atomic_load(&glib_hi) && !learn_glib(s))
		return false;
	return s >= atomic_load(&glib_lo) && s < atomic_load(&glib_hi);
}

void *(*ud_glib_thread_func(void *(*start)(void *), void *arg))(void *)
{
	if (!arg || !in_glib((uintptr_t)start))
		return NULL;
	/* GLib's proxy gets its GRealThread, which starts with the public
	** GThread, whose first member is the GThreadFunc. */
	return *(void *(**)(void *))arg;
}

/* ---- lock, trylock, unlock, init, clear, in the shapes of rt.h ------------- */

/* Before a blocking lock (GLib's never fail, so nothing is undone after). */
static inline void on_lock(void *l, ud_lock_type_t type, int mode, uintptr_t pc)
{
	(void)ud_hook_fixed_lock(l, type, mode, false, pc);
}

static inline void on_unlock(void *l, uintptr_t pc)
{
	ud_thread_t *t;
	if (ud_hook_release_fast(l, &t) || ud_hook_release_under_top(t, l))
		return;
	ud_hook_unlock(l, pc);
}

static void on_init(void *l, ud_lock_type_t type, uintptr_t pc)
{
	ud_call_t c = { pc, NULL };
	ud_hook_init(&c, l, type);
}

static void on_clear(void *l, uintptr_t pc)
{
	ud_call_t c = { pc, NULL };
	ud_hook_destroy(&c, l);
}

/* ---- GMutex ------------------------------------------------------------------ */

UD_INTERCEPTOR(void, g_mutex_init, void *m)
{
	GREAL(g_mutex_init)(m);
	on_init(m, UD_LT_GMUTEX, UD_CALLER_PC());
}

UD_INTERCEPTOR(void, g_mutex_clear, void *m)
{
	on_clear(m, UD_CALLER_PC());
	GREAL(g_mutex_clear)(m);
}

UD_INTERCEPTOR(void, g_mutex_lock, void *m)
{
	on_lock(m, UD_LT_GMUTEX, UD_HOOK_WRITE, UD_CALLER_PC());
	GREAL(g_mutex_lock)(m);
}

UD_INTERCEPTOR(int, g_mutex_trylock, void *m)
{
	int ok = GREAL(g_mutex_trylock)(m);
	if (ok)
		(void)ud_hook_fixed_lock(m, UD_LT_GMUTEX, UD_HOOK_WRITE, true, UD_CALLER_PC());
	return ok;
}

UD_INTERCEPTOR(void, g_mutex_unlock, void *m)
{
	on_unlock(m, UD_CALLER_PC());
	GREAL(g_mutex_unlock)(m);
}

UD_INTERCEPTOR(void *, g_mutex_new, void)
{
	void *m = GREAL(g_mutex_new)();
	if (m)
		on_init(m, UD_LT_GMUTEX, UD_CALLER_PC());
	return m;
}

UD_INTERCEPTOR(void, g_mutex_free, void *m)
{
	on_clear(m, UD_CALLER_PC());
	GREAL(g_mutex_free)(m);
}

/*
** A GStaticMutex is a pointer to a GMutex made on first use (the public
** struct starts with it). That GMutex is the lock; a GStaticMutex in static
** storage names its class.
*/
UD_INTERCEPTOR(void *, g_static_mutex_get_mutex_impl, void *sm)
{
	uintptr_t pc = UD_CALLER_PC();
	void *m = GREAL(g_static_mutex_get_mutex_impl)(sm);
	ud_rt_thread_t *ts;
	ud_thread_t *t;
	if (m && !ud_instance_lookup(m) && ud_classify_static(sm) &&
	    (t = ud_rt_enter(&ts)) != NULL) {
		ud_class_key_t k = { .kind = UD_KEY_STATIC, .key = (uintptr_t)sm,
				     .addr = (uintptr_t)sm };
		(void)ud_rt_instance(m, UD_KIND_MUTEX, &k, pc);
		ud_rt_leave(ts);
	}
	return m;
}

UD_INTERCEPTOR(void, g_static_mutex_free, void *sm)
{
	void *m = *(void *volatile *)sm;
	if (m)
		on_clear(m, UD_CALLER_PC());
	GREAL(g_static_mutex_free)(sm);
}

/* ---- GRecMutex and GStaticRecMutex ---------------------------------------------- */

UD_INTERCEPTOR(void, g_rec_mutex_init, void *m)
{
	HIDDEN_VOID(GREAL(g_rec_mutex_init)(m));
	on_init(m, UD_LT_GRECMUTEX, UD_CALLER_PC());
}

UD_INTERCEPTOR(void, g_rec_mutex_clear, void *m)
{
	on_clear(m, UD_CALLER_PC());
	HIDDEN_VOID(GREAL(g_rec_mutex_clear)(m));
}

UD_INTERCEPTOR(void, g_rec_mutex_lock, void *m)
{
	on_lock(m, UD_LT_GRECMUTEX, UD_HOOK_WRITE, UD_CALLER_PC());
	HIDDEN_VOID(GREAL(g_rec_mutex_lock)(m));
}

UD_INTERCEPTOR(int, g_rec_mutex_trylock, void *m)
{
	int ok = HIDDEN(GREAL(g_rec_mutex_trylock)(m));
	if (ok)
		(void)ud_hook_fixed_lock(m, UD_LT_GRECMUTEX, UD_HOOK_WRITE, true,
					 UD_CALLER_PC());
	return ok;
}

UD_INTERCEPTOR(void, g_rec_mutex_unlock, void *m)
{
	on_unlock(m, UD_CALLER_PC());
	HIDDEN_VOID(GREAL(g_rec_mutex_unlock)(m));
}

UD_INTERCEPTOR(void, g_static_rec_mutex_init, void *m)
{
	HIDDEN_VOID(GREAL(g_static_rec_mutex_init)(m));
	on_init(m, UD_LT_GRECMUTEX, UD_CALLER_PC());
}

UD_INTERCEPTOR(void, g_static_rec_mutex_free, void *m)
{
	on_clear(m, UD_CALLER_PC());
	HIDDEN_VOID(GREAL(g_static_rec_mutex_free)(m));
}

UD_INTERCEPTOR(void, g_static_rec_mutex_lock, void *m)
{
	on_lock(m, UD_LT_GRECMUTEX, UD_HOOK_WRITE, UD_CALLER_PC());
	HIDDEN_VOID(GREAL(g_static_rec_mutex_lock)(m));
}

UD_INTERCEPTOR(int, g_static_rec_mutex_trylock, void *m)
{
	int ok = HIDDEN(GREAL(g_static_rec_mutex_trylock)(m));
	if (ok)
		(void)ud_hook_fixed_lock(m, UD_LT_GRECMUTEX, UD_HOOK_WRITE, true,
					 UD_CALLER_PC());
	return ok;
}

UD_INTERCEPTOR(void, g_static_rec_mutex_unlock, void *m)
{
	on_unlock(m, UD_CALLER_PC());
	HIDDEN_VOID(GREAL(g_static_rec_mutex_unlock)(m));
}

/* Locked depth times at once: the first validated, the others nested. */
UD_INTERCEPTOR(void, g_static_rec_mutex_lock_full, void *m, unsigned depth)
{
	uintptr_t pc = UD_CALLER_PC();
	for (unsigned i = 0; i < depth; i++)
		(void)ud_hook_fixed_lock(m, UD_LT_GRECMUTEX, UD_HOOK_WRITE, false, pc);
	HIDDEN_VOID(GREAL(g_static_rec_mutex_lock_full)(m, depth));
}

/* Every level this thread holds is released. */
UD_INTERCEPTOR(unsigned, g_static_rec_mutex_unlock_full, void *m)
{
	uintptr_t pc = UD_CALLER_PC();
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (t) {
		while (ud_held_mode(t, m) >= 0 && ud_release(t, m, pc))
			;
		ud_rt_leave(ts);
	}
	return HIDDEN(GREAL(g_static_rec_mutex_unlock_full)(m));
}

/* ---- GRWLock and GStaticRWLock ----------------------------------------------------- */

#define RW_INTERCEPTORS(prefix, type)                                          \
	UD_INTERCEPTOR(void, prefix##writer_lock, void *l)                     \
	{                                                                      \
		on_lock(l, type, UD_HOOK_WRITE, UD_CALLER_PC());       \
		HIDDEN_VOID(GREAL(prefix##writer_lock)(l));                    \
	}                                                                      \
	UD_INTERCEPTOR(int, prefix##writer_trylock, void *l)                   \
	{                                                                      \
		int ok = HIDDEN(GREAL(prefix##writer_trylock)(l));             \
		if (ok)                                                        \
			(void)ud_hook_fixed_lock(l, type, UD_HOOK_WRITE, true, \
						 UD_CALLER_PC());              \
		return ok;                                                     \
	}                                                                      \
	UD_INTERCEPTOR(void, prefix##writer_unlock, void *l)                   \
	{                                                                      \
		on_unlock(l, UD_CALLER_PC());                                  \
		HIDDEN_VOID(GREAL(prefix##writer_unlock)(l));                  \
	}                                                                      \
	UD_INTERCEPTOR(void, prefix##reader_lock, void *l)                     \
	{                                                                      \
		on_lock(l, type, UD_HOOK_READ, UD_CALLER_PC());        \
		HIDDEN_VOID(GREAL(prefix##reader_lock)(l));                    \
	}                                                                      \
	UD_INTERCEPTOR(int, prefix##reader_trylock, void *l)                   \
	{                                                                      \
		int ok = HIDDEN(GREAL(prefix##reader_trylock)(l));             \
		if (ok)                                                        \
			(void)ud_hook_fixed_lock(l, type, UD_HOOK_READ, true,  \
						 UD_CALLER_PC());              \
		return ok;                                                     \
	}                                                                      \
	UD_INTERCEPTOR(void, prefix##reader_unlock, void *l)                   \
	{                                                                      \
		on_unlock(l, UD_CALLER_PC());                                  \
		HIDDEN_VOID(GREAL(prefix##reader_unlock)(l));                  \
	}

RW_INTERCEPTORS(g_rw_lock_, UD_LT_GRWLOCK)
RW_INTERCEPTORS(g_static_rw_lock_, UD_LT_GSTATIC_RWLOCK)

UD_INTERCEPTOR(void, g_rw_lock_init, void *l)
{
	HIDDEN_VOID(GREAL(g_rw_lock_init)(l));
	on_init(l, UD_LT_GRWLOCK, UD_CALLER_PC());
}

UD_INTERCEPTOR(void, g_rw_lock_clear, void *l)
{
	on_clear(l, UD_CALLER_PC());
	HIDDEN_VOID(GREAL(g_rw_lock_clear)(l));
}

UD_INTERCEPTOR(void, g_static_rw_lock_init, void *l)
{
	HIDDEN_VOID(GREAL(g_static_rw_lock_init)(l));
	on_init(l, UD_LT_GSTATIC_RWLOCK, UD_CALLER_PC());
}

UD_INTERCEPTOR(void, g_static_rw_lock_free, void *l)
{
	on_clear(l, UD_CALLER_PC());
	HIDDEN_VOID(GREAL(g_static_rw_lock_free)(l));
}

/* ---- GCond: the GMutex is released, then taken again before the wait returns --- */

UD_INTERCEPTOR(void, g_cond_wait, void *cv, void *m)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_GMUTEX);
	GREAL(g_cond_wait)(cv, m);
}

UD_INTERCEPTOR(int, g_cond_wait_until, void *cv, void *m, int64_t end)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_GMUTEX);
	return GREAL(g_cond_wait_until)(cv, m, end);
}

UD_INTERCEPTOR(int, g_cond_timed_wait, void *cv, void *m, void *tv)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_GMUTEX);
	return GREAL(g_cond_timed_wait)(cv, m, tv);
}

/* ---- GThread: the join is GLib's pthread_join, judged at our caller's site ------ */

UD_INTERCEPTOR(void *, g_thread_join, void *th)
{
	ud_rt_thread_t *ts = &ud_tls;
	uintptr_t outer = ts->outer_pc;
	ts->outer_pc = UD_CALLER_PC();
	void *rv = GREAL(g_thread_join)(th);
	ts->outer_pc = outer;
	return rv;
}

/* ---- once ----------------------------------------------------------------------- */

/* The once pseudo-lock at addr, named "once:" and what names `what`. */
static ud_instance_t *once_instance(volatile void *addr, const void *what, uintptr_t pc)
{
	ud_class_key_t k = {
		.kind = UD_KEY_USER,
		.key = (uintptr_t)addr,
		.addr = (uintptr_t)what,
		.name = "once:",
	};
	return ud_rt_instance((const void *)addr, UD_KIND_PSEUDO, &k, pc);
}

/*
** g_once_init_enter waits while another thread initialises *loc; TRUE means
** this thread initialises it, and holds the once until g_once_init_leave. The
** inline check in GLib's header calls it only while *loc is 0.
*/
UD_INTERCEPTOR(int, g_once_init_enter, volatile void *loc)
{
	uintptr_t pc = UD_CALLER_PC();
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	ud_instance_t *inst = NULL;
	if (t) {
		inst = once_instance(loc, (const void *)loc, pc);
		ud_acquire_as(t, inst, NULL, UD_MODE_WRITE, UD_ACQ_WAIT, NULL, pc);
		(void)ud_release(t, (const void *)loc, pc);
		ud_rt_leave(ts);
	}
	int mine = GREAL(g_once_init_enter)(loc);
	if (mine && inst && (t = ud_rt_enter(&ts)) != NULL) {
		ud_acquire_as(t, inst, NULL, UD_MODE_WRITE, 0, NULL, pc);
		ud_rt_leave(ts);
	}
	return mine;
}

UD_INTERCEPTOR(void, g_once_init_leave, volatile void *loc, size_t value)
{
	uintptr_t pc = UD_CALLER_PC();
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (t) {
		if (ud_held_mode(t, (const void *)loc) >= 0)
			(void)ud_release(t, (const void *)loc, pc);
		ud_rt_leave(ts);
	}
	GREAL(g_once_init_leave)(loc, value);
}

/* A g_once_impl call running on this thread: its routine runs with the once held. */
typedef struct once_frame {
	void *(*fn)(void *);
	void *arg;
	void *once;
	ud_instance_t *inst;
	uintptr_t pc;
} once_frame_t;

static void *once_trampoline(void *p)
{
	once_frame_t *f = p;
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (t) {
		ud_acquire_as(t, f->inst, NULL, UD_MODE_WRITE, 0, NULL, f->pc);
		ud_rt_leave(ts);
	}
	void *rv = f->fn(f->arg);
	if (t && (t = ud_rt_enter(&ts)) != NULL) {
		(void)ud_release(t, f->once, f->pc);
		ud_rt_leave(ts);
	}
	return rv;
}

UD_INTERCEPTOR(void *, g_once_impl, void *once, void *(*fn)(void *), void *arg)
{
	uintptr_t pc = UD_CALLER_PC();
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return GREAL(g_once_impl)(once, fn, arg);
	once_frame_t f = { fn, arg, once, NULL, pc };
	f.inst = once_instance(once, (const void *)fn, pc);
	ud_acquire_as(t, f.inst, NULL, UD_MODE_WRITE, UD_ACQ_WAIT, NULL, pc);
	(void)ud_release(t, once, pc);
	ud_rt_leave(ts);
	return GREAL(g_once_impl)(once, once_trampoline, &f);
}

/* ---- bit locks ---------------------------------------------------------------------- */

/*
** A bit lock is a mutex keyed by its word and its bit. Its instance lives at
** the word's address with the bit above the user address space (bit + 1 in
** the top byte), which no object has: two bits of one word are two locks.
** A word in static storage names the class, else the first acquisition site.
*/
static const void *bit_key(volatile void *addr, int bit)
{
	return (const void *)((uintptr_t)addr | ((uintptr_t)(bit & 63) + 1) << 56);
}

static void bit_acquire(volatile void *addr, int bit, unsigned flags, uintptr_t pc)
{
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	const void *key = bit_key(addr, bit);
	ud_class_key_t k = { .kind = UD_KEY_ACQUIRE_SITE };
	if (!ud_instance_lookup(key) && ud_classify_static((const void *)addr)) {
		k.kind = UD_KEY_STATIC;
		k.key = (uintptr_t)key;
		k.addr = (uintptr_t)addr;
	}
	ud_instance_t *inst = ud_rt_instance(key, UD_KIND_MUTEX, &k, pc);
	if (inst) {
		ud_note_taker(t, inst);
		ud_acquire(t, inst, UD_MODE_WRITE, flags, pc);
	}
	ud_rt_leave(ts);
}

static void bit_release(volatile void *addr, int bit, uintptr_t pc)
{
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	(void)ud_release(t, bit_key(addr, bit), pc);
	ud_rt_leave(ts);
}

UD_INTERCEPTOR(void, g_bit_lock, volatile int *addr, int bit)
{
	bit_acquire(addr, bit, 0, UD_CALLER_PC());
	GREAL(g_bit_lock)(addr, bit);
}

UD_INTERCEPTOR(int, g_bit_trylock, volatile int *addr, int bit)
{
	int ok = GREAL(g_bit_trylock)(addr, bit);
	if (ok)
		bit_acquire(addr, bit, UD_ACQ_TRY, UD_CALLER_PC());
	return ok;
}

UD_INTERCEPTOR(void, g_bit_unlock, volatile int *addr, int bit)
{
	bit_release(addr, bit, UD_CALLER_PC());
	GREAL(g_bit_unlock)(addr, bit);
}

UD_INTERCEPTOR(void, g_pointer_bit_lock, volatile void *addr, int bit)
{
	bit_acquire(addr, bit, 0, UD_CALLER_PC());
	GREAL(g_pointer_bit_lock)(addr, bit);
}

UD_INTERCEPTOR(int, g_pointer_bit_trylock, volatile void *addr, int bit)
{
	int ok = GREAL(g_pointer_bit_trylock)(addr, bit);
	if (ok)
		bit_acquire(addr, bit, UD_ACQ_TRY, UD_CALLER_PC());
	return ok;
}

UD_INTERCEPTOR(void, g_pointer_bit_unlock, volatile void *addr, int bit)
{
	bit_release(addr, bit, UD_CALLER_PC());
	GREAL(g_pointer_bit_unlock)(addr, bit);
}
