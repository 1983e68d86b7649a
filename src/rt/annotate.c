/*
** annotate.c: the runtime side of include/ulockdep.h.
**
** The header fetches one table of entry points with ulockdep_rt_api() and
** calls through it. Each entry enters the runtime like an interceptor does
** (nothing happens on a thread that is inside the runtime, switched off or
** ended), finds or makes the instance behind the address it is given, and
** turns the annotation into engine calls. The call site is the return
** address: the header's functions are always inlined into the program.
*/
#include "hooks_fast.h"

#include "../../include/ulockdep.h"
#include "../base/lock.h"

/* Instances made here (custom locks, maps, first sight through an annotation). */
static ud_lock_t make_lock = UD_LOCK_INIT;

ud_thread_t *ud_rt_enter(ud_rt_thread_t **tsp)
{
	if (!ud_rt_ready())
		return NULL;
	ud_rt_thread_t *ts = &ud_tls;
	if (ts->in_runtime || ts->dead)
		return NULL;
	ts->in_runtime++;
	ud_thread_t *t = ud_rt_thread_get(ts);
	if (!t) {
		ts->in_runtime--;
		return NULL;
	}
	*tsp = ts;
	return t;
}

/* The key of a lock first seen here: static storage names it, else the site. */
static void first_sight_key(ud_class_key_t *k, const void *lock, uintptr_t pc)
{
	if (ud_classify_static(lock)) {
		k->kind = UD_KEY_STATIC;
		k->key = (uintptr_t)lock;
		k->addr = (uintptr_t)lock;
	} else {
		ud_stack_id_t site = ud_stack_put(&pc, 1);
		k->kind = UD_KEY_ACQUIRE_SITE;
		k->key = site;
		k->site = site;
	}
}

ud_instance_t *ud_rt_instance(const void *addr, ud_lock_kind_t kind,
			      const ud_class_key_t *key, uintptr_t pc)
{
	ud_rt_dl_wait(addr);
	ud_instance_t *inst = ud_instance_lookup(addr);
	if (inst)
		return inst;
	ud_lock_acquire(&make_lock);
	inst = ud_instance_lookup(addr);
	if (!inst) {
		ud_class_key_t k = { 0 };
		if (key && key->kind != UD_KEY_ACQUIRE_SITE)
			k = *key;
		else
			first_sight_key(&k, addr, pc);
		inst = ud_instance_create(addr, kind, &k);
	}
	ud_lock_release(&make_lock);
	return inst;
}

void ud_annotate_fork_prepare(void)
{
	ud_lock_acquire(&make_lock);
}

void ud_annotate_fork_parent(void)
{
	ud_lock_release(&make_lock);
}

void ud_annotate_fork_child(void)
{
	ud_lock_reset(&make_lock);
}

static ud_mode_t mode_of(ud_lock_kind_t kind, int mode)
{
	switch (mode) {
	case ULOCKDEP_SHARED:
		/* A reader of a reader-preferring lock never queues. */
		return kind == UD_KIND_RWLOCK ? UD_MODE_READ_RECURSIVE : UD_MODE_READ;
	case ULOCKDEP_SHARED_RECURSIVE:
		return UD_MODE_READ_RECURSIVE;
	default:
		return UD_MODE_WRITE;
	}
}

#define PC() ((uintptr_t)__builtin_return_address(0))

/* ---- classes --------------------------------------------------------------- */

static void api_set_class(const void *lock, const void *key, const char *name,
			  unsigned subclass)
{
	ud_call_t c = { PC(), NULL };
	ud_hook_set_class(&c, lock, key, name, subclass & 7);
}

static void api_set_subclass(const void *lock, unsigned subclass)
{
	ud_rt_thread_t *ts;
	uintptr_t pc = PC();
	if (!ud_rt_enter(&ts))
		return;
	ud_instance_t *inst = ud_rt_instance(lock, UD_KIND_MUTEX, NULL, pc);
	ud_class_key_t k = *ud_class_key(ud_instance_class(inst));
	k.subclass = subclass & 7;
	ud_instance_set_class(inst, &k);
	ud_rt_leave(ts);
}

/* Applies to the lock's class: every lock of that class. */
static void api_set_class_setting(const void *lock, int setting)
{
	ud_rt_thread_t *ts;
	uintptr_t pc = PC();
	if (!ud_rt_enter(&ts))
		return;
	ud_instance_t *inst = ud_rt_instance(lock, UD_KIND_MUTEX, NULL, pc);
	ud_class_add_flags(ud_instance_class(inst),
			   setting == ULOCKDEP_CLASS_NOTRACK ? UD_CLASS_NOTRACK
							     : UD_CLASS_NOVALIDATE);
	ud_rt_leave(ts);
}

static void api_set_cmp_fn(const void *lock, int (*cmp)(const void *, const void *))
{
	ud_rt_thread_t *ts;
	uintptr_t pc = PC();
	if (!ud_rt_enter(&ts))
		return;
	ud_instance_t *inst = ud_rt_instance(lock, UD_KIND_MUTEX, NULL, pc);
	ud_class_set_cmp(ud_instance_class(inst), cmp);
	ud_rt_leave(ts);
}

/* ---- custom locks ----------------------------------------------------------- */

static ud_lock_kind_t kind_of_flags(unsigned flags)
{
	if (flags & ULOCKDEP_LOCK_SPIN)
		return UD_KIND_SPIN;
	if (flags & ULOCKDEP_LOCK_RECURSIVE)
		return UD_KIND_MUTEX_RECURSIVE;
	if (flags & ULOCKDEP_LOCK_RW)
		return UD_KIND_RWLOCK_NONRECURSIVE;
	return UD_KIND_MUTEX;
}

static void api_lock_init(const void *lock, const void *key, const char *name,
			  unsigned flags)
{
	ud_rt_thread_t *ts;
	uintptr_t pc = PC();
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	/* A new life: re-initialising a held lock is a held lock freed. */
	ud_instance_destroy(t, lock, pc);
	ud_class_key_t k = { .name = name };
	if (key) {
		k.kind = UD_KEY_USER;
		k.key = (uintptr_t)key;
	} else {
		k.kind = UD_KEY_INIT_SITE;
		k.key = k.site = ud_stack_put(&pc, 1);
	}
	ud_lock_acquire(&make_lock);
	ud_instance_create(lock, kind_of_flags(flags), &k);
	ud_lock_release(&make_lock);
	ud_rt_leave(ts);
}

static void api_lock_destroy(const void *lock)
{
	ud_rt_thread_t *ts;
	uintptr_t pc = PC();
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	ud_instance_destroy(t, lock, pc);
	ud_rt_leave(ts);
}

/* Acquire inst as asked by an annotation (subclass 0: the instance's class). */
static void acquire_inst(ud_thread_t *t, ud_instance_t *inst, int mode,
			 unsigned subclass, const void *nest, unsigned flags,
			 uintptr_t pc)
{
	ud_class_t *c = NULL;
	if (subclass)
		c = ud_class_subclass(ud_instance_class(inst), subclass & 7);
	ud_note_taker(t, inst);
	ud_acquire_as(t, inst, c, mode_of(ud_instance_kind(inst), mode),
		      flags, nest, pc);
}

static void api_acquire(const void *lock, int mode, unsigned subclass,
			const void *nest, unsigned flags)
{
	ud_rt_thread_t *ts;
	uintptr_t pc = PC();
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	ud_instance_t *inst = ud_rt_instance(lock, UD_KIND_MUTEX, NULL, pc);
	acquire_inst(t, inst, mode, subclass, nest,
		     (flags & ULOCKDEP_ACQ_TRY) ? UD_ACQ_TRY : 0, pc);
	ud_rt_leave(ts);
}

static void api_acquire_failed(const void *lock)
{
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	ud_instance_t *inst = ud_instance_lookup(lock);
	if (inst)
		ud_acquire_undo(t, inst);
	ud_rt_leave(ts);
}

/* A lock or map released at pc (the annotation's caller). */
static void release_at(const void *lock, uintptr_t pc)
{
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	(void)ud_release(t, lock, pc);
	ud_rt_leave(ts);
}

static void api_release(const void *lock)
{
	release_at(lock, PC());
}

/* Kept for lock statistics; nothing to record yet. */
static void api_contended(const void *lock)
{
	(void)lock;
}

static void api_acquired(const void *lock)
{
	(void)lock;
}

/* ---- maps and possible locks ------------------------------------------------- */

static void api_map_acquire(const ulockdep_map_t *map, int mode, unsigned flags)
{
	ud_rt_thread_t *ts;
	uintptr_t pc = PC();
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	ud_class_key_t k = {
		.kind = UD_KEY_USER,
		.key = map->key ? (uintptr_t)map->key : (uintptr_t)map,
		.name = map->name,
	};
	ud_instance_t *inst = ud_rt_instance(map, UD_KIND_PSEUDO, &k, pc);
	if (flags & ULOCKDEP_ACQ_WAIT) {
		ud_acquire_as(t, inst, NULL, UD_MODE_WRITE, UD_ACQ_WAIT, NULL, pc);
		(void)ud_release(t, map, pc);
	} else {
		acquire_inst(t, inst, mode, 0, NULL, 0, pc);
	}
	ud_rt_leave(ts);
}

static void api_map_release(const ulockdep_map_t *map)
{
	release_at(map, PC());
}

static void api_might_lock(const void *lock, int mode)
{
	ud_rt_thread_t *ts;
	uintptr_t pc = PC();
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	ud_instance_t *inst = ud_rt_instance(lock, UD_KIND_MUTEX, NULL, pc);
	unsigned depth = ud_thread_depth(t);
	acquire_inst(t, inst, mode, 0, NULL, 0, pc);
	/* Only if it was pushed (an untracked class, or a recursive re-lock,
	** is not): then the entry on top is this one. */
	if (ud_thread_depth(t) > depth ||
	    ud_instance_kind(inst) == UD_KIND_MUTEX_RECURSIVE)
		(void)ud_release(t, lock, pc);
	ud_rt_leave(ts);
}

/* ---- assertions, pins, off/on ------------------------------------------------ */

static int api_check(int what, const void *lock)
{
	static const ud_assert_kind_t kinds[] = {
		[ULOCKDEP_ASSERT_HELD] = UD_ASSERT_HELD,
		[ULOCKDEP_ASSERT_HELD_WRITE] = UD_ASSERT_HELD_WRITE,
		[ULOCKDEP_ASSERT_HELD_READ] = UD_ASSERT_HELD_READ,
		[ULOCKDEP_ASSERT_NOT_HELD] = UD_ASSERT_NOT_HELD,
		[ULOCKDEP_ASSERT_NONE_HELD] = UD_ASSERT_NONE_HELD,
	};
	ud_rt_thread_t *ts;
	uintptr_t pc = PC();
	if (what < 0 || (unsigned)what >= sizeof kinds / sizeof kinds[0])
		return 1;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return 1;
	/* A lock never seen gets its identity, so a report can name it. */
	if (lock && what != ULOCKDEP_ASSERT_NOT_HELD)
		(void)ud_rt_instance(lock, UD_KIND_MUTEX, NULL, pc);
	int ok = ud_assert(t, kinds[what], lock, pc);
	ud_rt_leave(ts);
	return ok;
}

static void api_pin(const void *lock)
{
	ud_rt_thread_t *ts;
	uintptr_t pc = PC();
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	(void)ud_rt_instance(lock, UD_KIND_MUTEX, NULL, pc);
	ud_pin(t, lock, pc);
	ud_rt_leave(ts);
}

static void api_unpin(const void *lock)
{
	ud_rt_thread_t *ts;
	uintptr_t pc = PC();
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	(void)ud_rt_instance(lock, UD_KIND_MUTEX, NULL, pc);
	ud_unpin(t, lock, pc);
	ud_rt_leave(ts);
}

/* Off is the interceptors' own guard raised: every call passes through. */
static void api_off(void)
{
	ud_rt_thread_t *ts = &ud_tls;
	ts->off++;
	ts->in_runtime++;
}

static void api_on(void)
{
	ud_rt_thread_t *ts = &ud_tls;
	if (ts->off) {
		ts->off--;
		ts->in_runtime--;
	}
}

/* ---- nested pthread locking ----------------------------------------------------- */

/* Validate and push lock as a nested acquisition; NULL if not tracked. */
static ud_instance_t *nested_before(ud_rt_thread_t **tsp, const void *lock,
				    ud_lock_kind_t kind, int mode,
				    unsigned subclass, const void *nest, uintptr_t pc)
{
	ud_thread_t *t = ud_rt_enter(tsp);
	if (!t)
		return NULL;
	ud_instance_t *inst = ud_rt_instance(lock, kind, NULL, pc);
	if (ud_instance_kind(inst) != kind && ud_instance_kind(inst) != UD_KIND_PSEUDO)
		ud_instance_set_kind(inst, kind);
	acquire_inst(t, inst, mode, subclass, nest, 0, pc);
	ud_rt_leave(*tsp);
	return inst;
}

static void nested_after(ud_rt_thread_t *ts, ud_instance_t *inst, int rc)
{
	if (!inst || rc == 0)
		return;
	ts->in_runtime++;
	ud_acquire_undo(ts->t, inst);
	ts->in_runtime--;
}

static int api_mutex_lock(void *lock, unsigned subclass, const void *nest)
{
	pthread_mutex_t *m = lock;
	ud_rt_thread_t *ts = NULL;
	ud_instance_t *inst = nested_before(&ts, m, ud_mutex_kind(ud_mutex_raw_kind(m)),
					    ULOCKDEP_EXCLUSIVE, subclass, nest, PC());
	int rc = REAL(pthread_mutex_lock)(m);
	nested_after(ts, inst, rc);
	return rc;
}

static int api_rwlock_lock(void *lock, int mode, unsigned subclass,
			   const void *nest)
{
	pthread_rwlock_t *l = lock;
	ud_rt_thread_t *ts = NULL;
	ud_instance_t *inst = nested_before(&ts, l, ud_rwlock_kind(l), mode, subclass,
					    nest, PC());
	int rc = mode == ULOCKDEP_EXCLUSIVE ? REAL(pthread_rwlock_wrlock)(l)
					    : REAL(pthread_rwlock_rdlock)(l);
	nested_after(ts, inst, rc);
	return rc;
}

/* ---- the table ------------------------------------------------------------------- */

static const ulockdep_rt_api_t api = {
	.version = ULOCKDEP_API_VERSION,
	.size = sizeof(ulockdep_rt_api_t),
	.set_class = api_set_class,
	.set_subclass = api_set_subclass,
	.set_class_setting = api_set_class_setting,
	.set_cmp_fn = api_set_cmp_fn,
	.lock_init = api_lock_init,
	.lock_destroy = api_lock_destroy,
	.acquire = api_acquire,
	.acquire_failed = api_acquire_failed,
	.release = api_release,
	.contended = api_contended,
	.acquired = api_acquired,
	.map_acquire = api_map_acquire,
	.map_release = api_map_release,
	.might_lock = api_might_lock,
	.check = api_check,
	.pin = api_pin,
	.unpin = api_unpin,
	.off = api_off,
	.on = api_on,
	.mutex_lock = api_mutex_lock,
	.rwlock_lock = api_rwlock_lock,
};

/* The header asks for the table version it was written for; a newer one
** than ours gets nothing, and the program runs unannotated. */
UD_EXPORT const ulockdep_rt_api_t *ulockdep_rt_api(unsigned version)
{
	return version <= ULOCKDEP_API_VERSION ? &api : NULL;
}
