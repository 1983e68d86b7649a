/*
** engine.h: the boundary of the lock validator.
**
** The engine knows locks only as addresses with a kind and a class key, and
** threads only as an id and a name. It knows nothing of pthreads, of the
** command line or of output formats: the runtime (src/rt) turns intercepted
** calls into the calls below, and problems leave the engine as ud_report_t
** data (types.h) handed to the sink of its configuration. The inline common
** case of the hot calls is in hot.h, the only other engine header that
** src/rt includes.
**
** The protocol for one acquisition (the interceptor shape):
**   inst = ud_instance_lookup(addr)  or ud_instance_create(...) on first sight
**   ud_acquire(t, inst, mode, flags, pc)     before a blocking call: validate, push
**   ...real lock call...
**   ud_acquire_undo(t, inst) if it failed (timeout, EDEADLK, EINVAL)
** A trylock calls ud_acquire(..., UD_ACQ_TRY, ...) only after it succeeded.
** A release calls ud_release() before the real unlock.
*/
#ifndef UD_ENGINE_H
#define UD_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "types.h"

typedef struct ud_class ud_class_t;
typedef struct ud_instance ud_instance_t;
typedef struct ud_thread ud_thread_t;

/* ud_acquire() flags. */
enum {
	UD_ACQ_TRY = 1u << 0,	/* a trylock that succeeded: cannot have waited */
	UD_ACQ_TIMED = 1u << 1,	/* a timed lock: may wait, so validated */
	UD_ACQ_REACQUIRE = 1u << 2, /* re-taken after a condition wait */
	UD_ACQ_WAIT = 1u << 3,	/* a wait (acquired and released at once): it
				** sleeps, even when the lock is a pseudo-lock */
};

/*
** Where reports go: called with no engine lock held, once per problem found;
** returns true when the report was shown (not a duplicate, not suppressed),
** which is what stop_after_report counts. The report's arrays are the engine's,
** freed when the sink returns.
*/
typedef bool (*ud_engine_sink_fn)(ud_report_t *r, void *arg);

/* Engine-wide settings, filled by the runtime from its options. */
typedef struct ud_engine_config {
	bool strict_same_class;	/* kernel rule: nesting one class is recursive locking */
	bool stop_after_report;	/* stop validating after the first shown report */
	bool check_exit;	/* report locks still held when a thread exits */
	/* Shortcuts, each of which changes no verdict, and the switch that
	** turns it off so that a run can show it (docs/design.md; the runtime's
	** mutex_hint=0 is the hint's): */
	bool no_chain_cache;	/* validate every acquisition in full */
	bool no_order_shortcut;	/* search the graph even where the topological
				** order proves there is no path */
	bool no_instance_cache;	/* check same-class nesting per instance on
				** every acquisition */
	bool no_lazy_release;	/* re-key and re-validate every lock above one
				** released out of order at once (thread.c) */
	ud_engine_sink_fn report;	/* NULL: reports are dropped */
	void *report_arg;
	/* Called after each full validation (a chain not in the cache), with
	** no engine lock held: something may have been learnt
	** (ud_engine_generation()). NULL: nothing is called. */
	void (*learnt)(void);
} ud_engine_config_t;

void ud_engine_init(const ud_engine_config_t *config);
const ud_engine_config_t *ud_engine_config(void);
/* True while the engine still validates (false after stop_after_report fired). */
bool ud_engine_active(void);

/* ---- threads ---------------------------------------------------------- */

ud_thread_t *ud_thread_new(int tid, const char *name);
void ud_thread_free(ud_thread_t *t);
void ud_thread_set_name(ud_thread_t *t, const char *name);
/* Where the thread was created (the pthread_create stack), for reports. */
void ud_thread_set_origin(ud_thread_t *t, int parent_tid, ud_stack_id_t stack);
int ud_thread_tid(const ud_thread_t *t);
unsigned ud_thread_depth(const ud_thread_t *t);
/*
** Signal context of t, kept by the runtime: `unblocked` has bit s-1 set for
** each signal s the thread does not block, `in_handler` for each signal whose
** handler is running on it (nested handlers: several bits). Both start at 0:
** no signal usage is recorded until the runtime sets them.
*/
void ud_thread_set_signals(ud_thread_t *t, uint64_t unblocked, uint64_t in_handler);
void ud_thread_get_signals(const ud_thread_t *t, uint64_t *unblocked,
			   uint64_t *in_handler);
/* The thread ends: reports locks still held (if configured), then forgets them. */
void ud_thread_exit(ud_thread_t *t);
/* In a fork child: the thread survived fork with these held locks; re-init of any
** of them ends the held entry quietly, as allocators do in their child handlers. */
void ud_thread_forked(ud_thread_t *t, int new_tid);

/* ---- lock instances --------------------------------------------------- */

/* The live instance at addr, or NULL. Lock-free; safe to call on the fast path. */
ud_instance_t *ud_instance_lookup(const void *addr);
/*
** A hint: two 64-bit words that the caller keeps with a lock object, in which
** it stores ud_instance_hint() of the lock's instance. ud_acquire_hinted()
** (engine/hot.h) then takes the lock from the hint alone, reading neither a
** table nor the instance's record: a program with many locks would otherwise
** pay a cache miss per lock for the record.
**
** The first word is the record's index and generation, the second the class
** id, a "shared" bit and a check: a hash, keyed with a random value of this
** process, of the address, the rest of the hint, the class's hint epoch and
** the takers (engine/internal.h). The engine trusts nothing else in the
** words: the index and class id must lie in the engine's own tables, and the
** check must match. A hint therefore holds only for the lock at its own
** address, in this process, while its instance keeps its class and takers.
**
** What the check cannot see is the end of the identity: that a hint whose
** instance was destroyed is still in the object. The caller keeps hints only
** where every end of an identity clears them (for a mutex: src/rt/glibc.h).
** {0, 0} means no hint; so does the return value {0, 0} (a record outside
** the range, or no class id to give).
*/
typedef struct ud_hint {
	uint64_t w[2];
} ud_hint_t;

ud_hint_t ud_instance_hint(const ud_instance_t *inst);
/* Start a new identity at addr (replacing any old one quietly). */
ud_instance_t *ud_instance_create(const void *addr, ud_lock_kind_t kind,
				  const ud_class_key_t *key);
/*
** End the identity of the instance at addr (destroy, re-init, memory freed).
** If thread t holds it, reports "held lock freed!" unless the entry was
** inherited across fork. `pc` is the destroy call site.
*/
void ud_instance_destroy(ud_thread_t *t, const void *addr, uintptr_t pc);
/* End every instance in [lo, hi): a memory range returned to the system. */
void ud_instance_destroy_range(ud_thread_t *t, uintptr_t lo, uintptr_t hi,
			       uintptr_t pc);
/* Only the check of ud_instance_destroy_range: report the locks t holds in
** [lo, hi) as freed, end no identity (the kernel's check on free). */
void ud_instance_check_freed(ud_thread_t *t, uintptr_t lo, uintptr_t hi,
			     uintptr_t pc);
ud_class_t *ud_instance_class(const ud_instance_t *inst);
ud_lock_kind_t ud_instance_kind(const ud_instance_t *inst);
/* Correct the kind once the primitive is known (e.g. named before first use). */
void ud_instance_set_kind(ud_instance_t *inst, ud_lock_kind_t kind);
/* Re-class a live instance (ulockdep.h naming call). */
void ud_instance_set_class(ud_instance_t *inst, const ud_class_key_t *key);

/* ---- classes ---------------------------------------------------------- */

/* The class for key, created on first use. Never freed. */
ud_class_t *ud_class_get(const ud_class_key_t *key);
unsigned ud_class_id(const ud_class_t *c);
const ud_class_key_t *ud_class_key(const ud_class_t *c);
size_t ud_class_count(void);

/* Class flags, set by annotations or the runtime (never cleared). */
enum {
	UD_CLASS_NOVALIDATE = 1u << 0,	/* held, but no dependency to or from it */
	UD_CLASS_NOTRACK = 1u << 1,	/* not tracked at all */
	UD_CLASS_IMPLICIT = 1u << 2,	/* held by the runtime's model of a wait
					** (thread lifetime, barrier phase): not
					** listed among held locks */
	UD_CLASS_SLOWPATH = 1u << 3,	/* taken through the C++ library's
					** out-of-line wrappers: off the fast
					** paths, so that the runtime finds each
					** acquisition's call site in the program */
	UD_CLASS_UNORDERED = 1u << 4,	/* its instances nest in an order the
					** program keeps (a ring: line): no
					** instance order between two of them */
};
/* The flags that keep a class off the fast paths (and its mutexes' hints). */
#define UD_CLASS_NOFAST (UD_CLASS_NOTRACK | UD_CLASS_SLOWPATH)
void ud_class_add_flags(ud_class_t *c, unsigned flags);
unsigned ud_class_flags(const ud_class_t *c);
/*
** Instances of c have a total order: nesting two of them is fine when
** cmp(held, new) < 0 and reported as recursive locking otherwise. cmp runs in
** the acquiring thread and must not take locks.
*/
void ud_class_set_cmp(ud_class_t *c, int (*cmp)(const void *, const void *));
/* The class of c's key with another subclass (0..7), created on first use. */
ud_class_t *ud_class_subclass(ud_class_t *c, unsigned subclass);
/*
** Memory [lo, hi) went away with what keyed classes there (a module was
** unloaded): every class keyed by an address in it (a static lock, a key
** variable, a frame of its init or first-acquisition site) is retired. It is
** no longer found by its key, so a lock at a reused address gets a new class;
** it stays in the graph, out of reach. Returns how many were retired.
*/
size_t ud_class_retire_range(uintptr_t lo, uintptr_t hi);

/* ---- acquire and release ---------------------------------------------- */

/* See the protocol above. `pc` is the acquisition site (caller's return address). */
void ud_acquire(ud_thread_t *t, ud_instance_t *inst, ud_mode_t mode,
		unsigned flags, uintptr_t pc);
/*
** ud_acquire() with the choices of the annotation API: the acquisition counts
** as class c (a subclass of the instance's class; NULL: the instance's), and
** with nest (an instance address, 0: none) held, further instances of the
** class only count on the first one's entry, as the kernel's nest_lock does.
*/
void ud_acquire_as(ud_thread_t *t, ud_instance_t *inst, ud_class_t *c,
		   ud_mode_t mode, unsigned flags, const void *nest, uintptr_t pc);
/*
** t is about to take inst (any mode, trylocks too): remembered per instance,
** whether threads other than its first taker take it (takers.c). Called by the
** runtime before ud_acquire().
*/
void ud_note_taker(const ud_thread_t *t, ud_instance_t *inst);
/*
** The done protocol (takers.c): t signalled a condition; its innermost held
** lock is marked. ud_thread_done_with() then names that lock while it was
** the last lock t took and t holds nothing but its lifetime: t is done with
** it. Called by t's own thread.
*/
void ud_thread_signalled(ud_thread_t *t);
ud_instance_t *ud_thread_done_with(const ud_thread_t *t, uint32_t *gen);
/* The same asked by the joiner of a live thread t whose lifetime class is
** life: only a lock the joiner holds is named. */
ud_instance_t *ud_thread_done_with_held(const ud_thread_t *t, const ud_class_t *life,
					const ud_thread_t *joiner, uint32_t *gen);
/* ud_acquire_as() of a wait (UD_ACQ_WAIT) on a thread done with `done` in
** its life gen: the wait adds no dependency from that lock. */
void ud_acquire_wait_done(ud_thread_t *t, ud_instance_t *inst, ud_instance_t *done,
			  uint32_t gen, uintptr_t pc);
/* The real call did not take the lock after ud_acquire(): forget the push. */
void ud_acquire_undo(ud_thread_t *t, ud_instance_t *inst);
/*
** Hold inst under every lock the thread holds, as if taken first and without
** waiting (a trylock): nothing is validated, and later acquisitions depend on
** it only when nothing else is held. For a pseudo-lock that stands for "the
** thread's life from here on", whatever the thread holds at that moment.
*/
void ud_acquire_bottom(ud_thread_t *t, ud_instance_t *inst, ud_mode_t mode,
		       uintptr_t pc);
/*
** Release the lock at addr. Returns false when this thread does not hold it,
** after reporting bad unlock balance if the lock is known (a lock never seen
** cannot be judged). Out-of-order release is legal.
*/
bool ud_release(ud_thread_t *t, const void *addr, uintptr_t pc);
/* Who holds a lock according to the lock object itself, when it records that. */
typedef enum ud_owner {
	UD_OWNER_UNKNOWN,	/* the object does not say: as ud_release() */
	UD_OWNER_SELF,		/* this thread: a release not on its stack is of a
				** lock taken while not tracked, and is not reported */
	UD_OWNER_OTHER,		/* another thread, or none: a release not on its
				** stack is reported, provided the instance exists */
} ud_owner_t;
/* ud_release() knowing what the lock records of its owner. */
bool ud_release_owner(ud_thread_t *t, const void *addr, uintptr_t pc,
		      ud_owner_t owner);
/*
** An unlock of memory that the lock object itself shows is no lock (why):
** reported as a bad unlock with its reason; an entry of addr on t's stack is
** dropped. The instance of addr must exist, for the report's class.
*/
void ud_release_invalid(ud_thread_t *t, const void *addr, uintptr_t pc,
			ud_bad_unlock_t why);
/*
** The lock object at addr shows a free lock although t holds it by its own
** record: the memory was given a new lock (assigned an initializer) with no
** unlock, destroy or init. t's entry is dropped and the old identity ended,
** quietly: the lock it stood for no longer exists.
*/
void ud_instance_reset_held(ud_thread_t *t, const void *addr);
/* Is inst held by t (any mode)? */
bool ud_is_held(const ud_thread_t *t, const ud_instance_t *inst);
/* Does t hold a lock in [lo, hi), static ones and the runtime's own
** (UD_CLASS_IMPLICIT) left out? Cheap: no lock taken. */
bool ud_holds_in(const ud_thread_t *t, uintptr_t lo, uintptr_t hi);
/* How t holds the lock at addr: a ud_mode_t, or -1 when it does not. */
int ud_held_mode(const ud_thread_t *t, const void *addr);
/* Drop every entry of an UD_CLASS_IMPLICIT class, without checks. */
void ud_release_implicit(ud_thread_t *t);

/* ---- assertions (annotations) ------------------------------------------- */

/* (ud_assert_kind_t is in types.h: reports carry it.) */

/* Check the assertion for the lock at addr (ignored for NONE_HELD); a failed
** one is reported (UD_REPORT_ASSERT). Returns true when it holds. */
bool ud_assert(ud_thread_t *t, ud_assert_kind_t what, const void *addr,
	       uintptr_t pc);
/* Pin the held lock at addr: releasing it before ud_unpin() is reported. */
void ud_pin(ud_thread_t *t, const void *addr, uintptr_t pc);
void ud_unpin(ud_thread_t *t, const void *addr, uintptr_t pc);

/* ---- report data ------------------------------------------------------ */

/* Allocate the arrays of a report (runtime memory, zeroed); a zero count
** leaves that array alone. */
void ud_report_alloc(ud_report_t *r, unsigned nlinks, unsigned nheld);
void ud_report_release(ud_report_t *r);

/* ---- statistics ------------------------------------------------------- */

typedef struct ud_engine_stats {
	size_t classes, instances, edges, chains, stacks;
	size_t reports;
	unsigned max_depth;
} ud_engine_stats_t;

void ud_engine_get_stats(ud_engine_stats_t *s);
/* Classes plus dependencies made so far: changes when anything is learnt
** (a new class or a new dependency), so a writer can tell its copy is old. */
uint64_t ud_engine_generation(void);

/* ---- what was learnt, copied out (process records) ---------------------- */

void ud_engine_snapshot(ud_snapshot_t *s);
void ud_snapshot_free(ud_snapshot_t *s);

/* ---- fork --------------------------------------------------------------- */

/*
** Take/release every engine lock (graph, instance shards, stack depot) around
** fork() so the child sees whole data. None of them is ever held while code
** that could block on a program lock runs, so taking them cannot deadlock.
*/
void ud_engine_fork_prepare(void);
void ud_engine_fork_parent(void);
void ud_engine_fork_child(void);

#endif
