/*
** rt.h: internal interface of the interposition runtime (libulockdep.so).
**
** The exported interceptors (intercept_*.c) hold no logic. Each one has the
** same short shape: take the caller's pc (in a ud_call_t, or by value for the
** lock hooks), call a hook before and/or after the real function, return the
** real result. Where the common case needs nothing after the real call
** (a plain mutex lock, every unlock), an inline hook that says it finished
** lets the interceptor tail-call the real function, or, for a free normal or
** adaptive mutex, take or release it itself (glibc.h), and the general
** shape is a static function of the same file. The hooks (hooks.c, inline
** halves in hooks_fast.h) decide whether the call is tracked at all (runtime
** ready, thread not already inside the runtime) and translate it into engine
** calls. The real functions come from real.c as REAL(name).
*/
#ifndef UD_RT_H
#define UD_RT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <threads.h>
#include <time.h>

#include "../base/compiler.h"
#include "../base/options.h"
#include "../engine/engine.h"

#define UD_EXPORT __attribute__((visibility("default")))
#define UD_INTERCEPTOR(ret, name, ...) UD_EXPORT ret name(__VA_ARGS__)
/* The program's call site: the return address of the interceptor. */
#define UD_CALLER_PC() ((uintptr_t)__builtin_return_address(0))

/* ---- real functions (real.c) --------------------------------------------- */

#define REAL(fn) ud_real_##fn

/*
** The lock calls every lock goes through are called through ud_real_locks.
** At start-up it holds glibc's internal aliases of them (same code as the
** public names), bound by symbol version at link time (UD_ALIAS), so that
** they work before any initialisation, without dlsym and without
** allocating, even from inside an allocator. ud_real_init then replaces
** them with libc's own definitions, looked up in libc's handle: a sanitizer
** loaded before the runtime exports __pthread_mutex_lock too, and the
** runtime must not call another interceptor on itself. (ASan's cannot even
** call on since glibc 2.34, which keeps that alias as a compat symbol only:
** the lookup is the first thing the runtime's start-up does.)
*/
#if defined(__x86_64__)
#define UD_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define UD_GLIBC_BASE "GLIBC_2.17"
#else
#error "add glibc's base symbol version for this architecture"
#endif

/* ud_alias_<name> bound to glibc's internal alias of name (per object file). */
#define UD_ALIAS(name) __asm__(".symver ud_alias_" #name ", __" #name "@" UD_GLIBC_BASE)

typedef struct ud_real_locks {
	int (*mutex_init)(pthread_mutex_t *, const pthread_mutexattr_t *);
	int (*mutex_destroy)(pthread_mutex_t *);
	int (*mutex_lock)(pthread_mutex_t *);
	int (*mutex_trylock)(pthread_mutex_t *);
	int (*mutex_unlock)(pthread_mutex_t *);
	int (*rwlock_init)(pthread_rwlock_t *, const pthread_rwlockattr_t *);
	int (*rwlock_destroy)(pthread_rwlock_t *);
	int (*rwlock_rdlock)(pthread_rwlock_t *);
	int (*rwlock_tryrdlock)(pthread_rwlock_t *);
	int (*rwlock_wrlock)(pthread_rwlock_t *);
	int (*rwlock_trywrlock)(pthread_rwlock_t *);
	int (*rwlock_unlock)(pthread_rwlock_t *);
} ud_real_locks_t;
extern ud_real_locks_t ud_real_locks;

/* Written once, by ud_real_init, while other threads may call. */
#define UD_REAL_LOCK(f) __atomic_load_n(&ud_real_locks.f, __ATOMIC_RELAXED)

static inline int ud_real_pthread_mutex_init(pthread_mutex_t *m,
					     const pthread_mutexattr_t *a)
{ return UD_REAL_LOCK(mutex_init)(m, a); }
static inline int ud_real_pthread_mutex_destroy(pthread_mutex_t *m)
{ return UD_REAL_LOCK(mutex_destroy)(m); }
static inline int ud_real_pthread_mutex_lock(pthread_mutex_t *m)
{ return UD_REAL_LOCK(mutex_lock)(m); }
static inline int ud_real_pthread_mutex_trylock(pthread_mutex_t *m)
{ return UD_REAL_LOCK(mutex_trylock)(m); }
static inline int ud_real_pthread_mutex_unlock(pthread_mutex_t *m)
{ return UD_REAL_LOCK(mutex_unlock)(m); }
static inline int ud_real_pthread_rwlock_init(pthread_rwlock_t *l,
					      const pthread_rwlockattr_t *a)
{ return UD_REAL_LOCK(rwlock_init)(l, a); }
static inline int ud_real_pthread_rwlock_destroy(pthread_rwlock_t *l)
{ return UD_REAL_LOCK(rwlock_destroy)(l); }
static inline int ud_real_pthread_rwlock_rdlock(pthread_rwlock_t *l)
{ return UD_REAL_LOCK(rwlock_rdlock)(l); }
static inline int ud_real_pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{ return UD_REAL_LOCK(rwlock_tryrdlock)(l); }
static inline int ud_real_pthread_rwlock_wrlock(pthread_rwlock_t *l)
{ return UD_REAL_LOCK(rwlock_wrlock)(l); }
static inline int ud_real_pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{ return UD_REAL_LOCK(rwlock_trywrlock)(l); }
static inline int ud_real_pthread_rwlock_unlock(pthread_rwlock_t *l)
{ return UD_REAL_LOCK(rwlock_unlock)(l); }

int ud_real_pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *ts);
int ud_real_pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk,
				    const struct timespec *ts);

int ud_real_pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *ts);
int ud_real_pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t clk,
				       const struct timespec *ts);
int ud_real_pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *ts);
int ud_real_pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t clk,
				       const struct timespec *ts);

int ud_real_pthread_spin_init(pthread_spinlock_t *s, int pshared);
int ud_real_pthread_spin_destroy(pthread_spinlock_t *s);
int ud_real_pthread_spin_lock(pthread_spinlock_t *s);
int ud_real_pthread_spin_trylock(pthread_spinlock_t *s);
int ud_real_pthread_spin_unlock(pthread_spinlock_t *s);

int ud_real_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int ud_real_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
				   const struct timespec *ts);
int ud_real_pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m,
				   clockid_t clk, const struct timespec *ts);
int ud_real_pthread_cond_signal(pthread_cond_t *c);
int ud_real_pthread_cond_broadcast(pthread_cond_t *c);
int ud_real_cnd_signal(cnd_t *c);
int ud_real_cnd_broadcast(cnd_t *c);

int ud_real_mtx_init(mtx_t *m, int type);
int ud_real_mtx_lock(mtx_t *m);
int ud_real_mtx_timedlock(mtx_t *m, const struct timespec *ts);
int ud_real_mtx_trylock(mtx_t *m);
int ud_real_mtx_unlock(mtx_t *m);
void ud_real_mtx_destroy(mtx_t *m);
int ud_real_cnd_wait(cnd_t *c, mtx_t *m);
int ud_real_cnd_timedwait(cnd_t *c, mtx_t *m, const struct timespec *ts);

int ud_real_pthread_create(pthread_t *th, const pthread_attr_t *a,
			   void *(*start)(void *), void *arg);
int ud_real_pthread_setname_np(pthread_t th, const char *name);
int ud_real_thrd_create(thrd_t *th, thrd_start_t func, void *arg);

/* Resolve every real function not bound at link time (once; cheap after). */
void ud_real_init(void);

/* ---- global state (init.c) ----------------------------------------------- */

enum {
	UD_RT_UNINIT,		/* nothing done yet: the first call initialises */
	UD_RT_INITING,		/* one thread is initialising: others pass through */
	UD_RT_READY,		/* calls are tracked */
	UD_RT_OFF,		/* finished (at exit) or disabled: pass through */
};

/* The runtime's state, read by every interceptor, written at start and exit:
** alone on its cache line. */
typedef struct ud_rt_hot {
	_Atomic int state;
} __attribute__((aligned(64))) ud_rt_hot_t;
extern ud_rt_hot_t ud_rt_hot;
extern ud_options_t ud_rt_opts;

/* Initialise now if nobody has; returns true when the runtime is ready. */
bool ud_rt_init_slow(void);

static inline bool ud_rt_ready(void)
{
	int s = atomic_load_explicit(&ud_rt_hot.state, memory_order_acquire);
	if (ud_likely(s == UD_RT_READY))
		return true;
	return s == UD_RT_UNINIT && ud_rt_init_slow();
}

/* ---- per-thread state (thread.c) ----------------------------------------- */

typedef struct ud_rt_thread {
	unsigned in_runtime;	/* >0 while runtime code runs on this thread */
	bool dead;		/* thread end seen: everything passes through */
	bool fork_armed;	/* our fork prepare handler did its work */
	bool registered;	/* linked in the thread list (thread.c) */
	int cancel_state;	/* saved while a report is written (init.c) */
	const void *waiting;	/* the lock a blocking lock call waits for (UD_WAIT) */
	ud_thread_t *t;		/* engine thread, created on first use */
	/* What the inline halves use (hooks_fast.h): t, or NULL with lock_stat
	** on, so that they all miss through the test they make anyway. */
	ud_thread_t *fast;
	unsigned off;		/* ulockdep_off() depth (each raises in_runtime) */
	void *(*start)(void *);	/* start routine, if started through pthread_create */
	char life;		/* its address: the thread-lifetime pseudo-lock */
	ud_class_t *life_cls;	/* the lifetime's class, NULL if none */
	struct ud_once_frame *once;	/* pthread_once calls running on this thread */
	uintptr_t outer_pc;	/* a GLib call running here: the program's call
				** site, for the pthread calls GLib makes for it */
	pthread_t self;		/* for pthread_setname_np on another thread */
	int fork_tid;		/* in a child: the tid it had in the parent */
	struct ud_rt_thread *prev, *next;	/* thread list, under its lock */
} ud_rt_thread_t;

extern __thread ud_rt_thread_t ud_tls __attribute__((tls_model("initial-exec")));

ud_thread_t *ud_rt_thread_get_slow(ud_rt_thread_t *ts);

/*
** The real blocking lock call `call` on lock, with the thread marked as
** waiting for it: a thread cancelled (asynchronously) inside the wait ends
** without the lock, whose acquisition was recorded before the call, and
** ud_rt_thread_end() takes that record back. The previous mark is kept for
** a signal handler that locks while its thread waits.
*/
#define UD_WAIT(lock, call)                                                  \
	({                                                                   \
		ud_rt_thread_t *wts_ = &ud_tls;                              \
		const void *wprev_ = wts_->waiting;                          \
		wts_->waiting = (const void *)(lock);                        \
		atomic_signal_fence(memory_order_seq_cst);                   \
		__typeof__(call) wrc_ = (call);                              \
		atomic_signal_fence(memory_order_seq_cst);                   \
		wts_->waiting = wprev_;                                      \
		wrc_;                                                        \
	})

/* The engine thread of the caller, created on first use; NULL if it cannot be. */
static inline ud_thread_t *ud_rt_thread_get(ud_rt_thread_t *ts)
{
	return ud_likely(ts->t != NULL) ? ts->t : ud_rt_thread_get_slow(ts);
}
/* The calling thread ends: report held locks, forget it (idempotent). */
void ud_rt_thread_end(ud_rt_thread_t *ts);
/* Thread list upkeep across fork (the list has its own lock). */
void ud_rt_threads_fork_prepare(void);
void ud_rt_threads_fork_parent(void);
void ud_rt_threads_fork_child(ud_rt_thread_t *self);
/* A new engine thread reads its signal mask once (intercept_signal.c). */
void ud_rt_signals_thread_start(ud_thread_t *t);
/* A jump continues at stack pointer sp (0: unknown, taken as outside every
** handler) with blocked set *mask (NULL: unchanged): handlers it leaves are
** forgotten (intercept_signal.c). */
void ud_rt_signals_jump(uintptr_t sp, const sigset_t *mask);
/* Is a wrapped handler running on this thread? */
bool ud_rt_signals_in_handler(void);
/* Look up the real jump functions and learn to read a jmp_buf's stack
** pointer (intercept_longjmp.c), at start-up. */
void ud_rt_longjmp_init(void);
/* Set up the key whose destructor ends threads we did not see start. */
void ud_rt_threads_init(void);

/* ---- lock hooks (hooks.c) ------------------------------------------------ */

/* What an intercepted call operates on: decides the lock kind and the mode. */
typedef enum ud_lock_type {
	UD_LT_MUTEX,		/* pthread_mutex_t, also C11 mtx_t (same layout) */
	UD_LT_RWLOCK,
	UD_LT_SPIN,
	/* GLib's locks, whose objects do not say their kind: the call fixes it
	** (intercept_glib.c). */
	UD_LT_GMUTEX,		/* GMutex, bit locks: a non-recursive mutex */
	UD_LT_GRECMUTEX,	/* GRecMutex, GStaticRecMutex: recursive */
	UD_LT_GRWLOCK,		/* GRWLock: glibc's default rwlock, recursive readers */
	UD_LT_GSTATIC_RWLOCK,	/* GStaticRWLock: writers preferred, readers non-recursive */
} ud_lock_type_t;

/* One intercepted call: filled by the first hook, read by the later ones. */
typedef struct ud_call {
	uintptr_t pc;		/* the program's call site */
	ud_rt_thread_t *ts;	/* NULL: this call is not tracked */
} ud_call_t;

#define UD_CALL_INIT { UD_CALLER_PC(), NULL }

/* ---- call sites past the C++ library (call_site.c) ------------------------ */

/* The program's call site of a lock taken at return address pc through the
** C++ library's out-of-line wrappers, found by the frame-pointer chain from
** fp, the frame pointer of a half of the interceptor entered by a tail call
** with stack pointer sp; pc itself when it is not the library's or the chain
** cannot be trusted. In the runtime. */
uintptr_t ud_call_site(const ud_thread_t *t, uintptr_t pc, uintptr_t fp, uintptr_t sp);
/* First sight of inst, taken (or released) at pc: a class taken through the
** library is kept off the fast paths (UD_CLASS_SLOWPATH). In the runtime. */
void ud_call_site_learn(ud_instance_t *inst, uintptr_t pc);

/* Modes for the rwlock hooks; mutex and spin calls always use UD_HOOK_WRITE. */
enum { UD_HOOK_WRITE, UD_HOOK_READ };

/*
** The lock hooks take the call site by value and keep no ud_call_t, so that
** their inline halves (hooks_fast.h: ud_hook_mutex_lock and the like, which
** the interceptors call) need no memory for the call. These out-of-line
** ones handle every case.
**
** Before a blocking (or timed) lock: validate and push. Returns the instance
** pushed, NULL when the call is not tracked.
*/
ud_instance_t *ud_hook_lock(const void *lock, ud_lock_type_t type, int mode,
			    unsigned flags, uintptr_t pc);
/* The same from an interceptor's half entered by a tail call, with the frame
** pointer and stack pointer it was entered with (0: unknown), for
** ud_call_site(). */
ud_instance_t *ud_hook_lock_at(const void *lock, ud_lock_type_t type, int mode,
			       unsigned flags, uintptr_t pc, uintptr_t fp, uintptr_t sp);
/* ud_hook_lock() of an rwlock whose inline half said no: the thread's cache
** and a cached pair of one class's instances count here first
** (hooks_fast.h). */
ud_instance_t *ud_hook_rwlock_lock_slow(const pthread_rwlock_t *l, int mode,
					unsigned flags, uintptr_t pc);
/* ud_hook_trylock() of an rwlock whose inline half said no; then the
** rwlock's hint (glibc.h). */
void ud_hook_rwlock_trylock_slow(const pthread_rwlock_t *l, int mode, uintptr_t pc);
/* After it, when the real call did not take the lock: undo the push. */
void ud_hook_lock_failed(ud_instance_t *inst);
static inline void ud_hook_lock_done(ud_instance_t *inst, bool acquired)
{
	if (ud_unlikely(!acquired && inst))
		ud_hook_lock_failed(inst);
}
/* After a successful trylock. */
void ud_hook_trylock(const void *lock, ud_lock_type_t type, int mode, uintptr_t pc);
/* Before the real unlock. */
void ud_hook_unlock(const void *lock, uintptr_t pc);
/* Before the real unlock of a mutex or mtx_t: also judges, by the owner the
** mutex records, a release of a lock the runtime did not see taken. */
void ud_hook_mutex_unlock(const pthread_mutex_t *m, uintptr_t pc);
/* A thread ends: give back what the hooks keep for it. */
void ud_hooks_thread_end(void);
/* Unlock of a mutex whose own record shows it is none (why: destroyed, or
** never initialised): a bad unlock with its reason. */
void ud_hook_mutex_unlock_invalid(const pthread_mutex_t *m, ud_bad_unlock_t why,
				  uintptr_t pc);
/* After a successful init: a new identity keyed by the init site. */
void ud_hook_init(ud_call_t *c, const void *lock, ud_lock_type_t type);
/* Before the real destroy. */
void ud_hook_destroy(ud_call_t *c, const void *lock);
/* Before a condition wait on mutex m of this type: release, then validated
** re-acquire. */
void ud_hook_cond_wait(ud_call_t *c, const void *m, ud_lock_type_t type);
/* Before a condition signal or broadcast: marks the innermost held lock, for
** the done protocol of joins (src/engine/takers.c). */
void ud_hook_cond_signal(ud_call_t *c);
/* The ulockdep.h naming call. */
void ud_hook_set_class(ud_call_t *c, const void *lock, const void *key,
		       const char *name, unsigned subclass);
/* pthread_create: the start routine and argument to pass to the real call. */
void ud_hook_thread_create(ud_call_t *c, void *(**start)(void *), void **arg);
/* thrd_create: the same for a C11 thread (glibc starts it through its own
** pthread_create, not the interposed one). Then ud_hook_thread_create_done(). */
void ud_hook_thrd_create(ud_call_t *c, thrd_start_t *func, void **arg);
/* After the real pthread_create, with the new thread's handle (NULL if it
** failed): lists the thread for its joiners before it runs, since it may be
** joined before its first instruction. */
void ud_hook_thread_create_done(ud_call_t *c, void *arg, const pthread_t *created);
/* After a successful pthread_setname_np. */
void ud_hook_thread_setname(pthread_t th, const char *name);
/* Joiners' and barriers' table (intercept_sync.c) around fork. */
void ud_sync_fork_prepare(void);
void ud_sync_fork_parent(void);
void ud_sync_fork_child(void);
/* Thread list and first-sight lock around fork. */
void ud_hooks_fork_prepare(void);
void ud_hooks_fork_parent(void);
void ud_hooks_fork_child(void);

/* ---- unloaded modules (intercept_dl.c) ----------------------------------- */

/* How many dlclose() calls are ending the identities in a module's range. */
extern _Atomic int ud_rt_dl_dying;
void ud_rt_dl_wait_slow(const void *addr);
/* Before a lock at addr is resolved to its instance: wait while another
** thread ends the identities of an unloaded module that held addr. */
static inline void ud_rt_dl_wait(const void *addr)
{
	if (ud_unlikely(atomic_load_explicit(&ud_rt_dl_dying, memory_order_relaxed)))
		ud_rt_dl_wait_slow(addr);
}

/* ---- annotations and modelled waits (annotate.c, intercept_sync.c) -------- */

/*
** Enter/leave the runtime for a call that is not a lock interceptor: the
** thread's engine state, or NULL when the call must pass through.
*/
ud_thread_t *ud_rt_enter(ud_rt_thread_t **tsp);
static inline void ud_rt_leave(ud_rt_thread_t *ts)
{
	ts->in_runtime--;
}
/* The instance at addr, created on first sight with this kind and key (the
** key's kind UD_KEY_ACQUIRE_SITE means: the usual first-sight key at pc). */
ud_instance_t *ud_rt_instance(const void *addr, ud_lock_kind_t kind,
			      const ud_class_key_t *key, uintptr_t pc);
/* A new thread (in the trampoline, inside the runtime) starts holding its
** lifetime pseudo-lock, "thread:<start routine>", keyed by the stack that
** created it (0: by the routine). */
void ud_sync_thread_begin(ud_rt_thread_t *ts, void *(*start)(void *),
			  ud_stack_id_t created);
/* The lifetime class of threads started by `start` from stack `created`
** (what ud_sync_thread_begin() holds), and th listed as one of them unless
** it listed itself already. Called by the creator. */
ud_class_t *ud_sync_life_class(void *(*start)(void *), ud_stack_id_t created);
void ud_sync_thread_created(pthread_t th, ud_class_t *life);
/* The calling thread ends done with inst (gen), or NULL: kept for its joiner. */
void ud_sync_thread_end(ud_instance_t *inst, uint32_t gen);
/* The lock live thread th (lifetime class life) is done with and the joiner
** holds (ud_thread_done_with_held()), or NULL. */
ud_instance_t *ud_rt_thread_done_with(pthread_t th, const ud_class_t *life,
				      const ud_thread_t *joiner, uint32_t *gen);
/* The lock annotate.c makes instances under, around fork (atfork handlers
** registered by intercept_sync.c once a second thread exists). */
void ud_annotate_fork_prepare(void);
void ud_annotate_fork_parent(void);
void ud_annotate_fork_child(void);

/* ---- freed memory (free_range.c) ------------------------------------------ */

/* Entry points of libulockdep_free.so (exported under reserved names). */
UD_EXPORT bool __ulockdep_free_checking(void);
UD_EXPORT void __ulockdep_free_range(const void *p, size_t n, uintptr_t pc);
/* At start-up: say so if check_free=1 but the free library is missing. */
void ud_rt_free_check_loaded(void);
/* Point libulockdep_free.so's thread-local test at what tells whether this
** thread's frees are checked (free_range.c): with check_free_held, the
** locks t takes from now on; NULL t: never again. */
void ud_rt_free_watch(ud_thread_t *t);

/* ---- GLib (intercept_glib.c) --------------------------------------------- */

/* The GThreadFunc a thread that GLib starts will run, when start is GLib's
** thread proxy (then arg is its GThread); NULL otherwise. */
void *(*ud_glib_thread_func(void *(*start)(void *), void *arg))(void *);

/* ---- interceptors in front of ours (front.c) ------------------------------- */

/* At start-up, with the runtime's code range: find a sanitizer's interceptors
** that call ours, for the stack capture to drop. */
void ud_rt_front_init(uintptr_t rt_lo, uintptr_t rt_hi);

/* ---- process records (record.c, intercept_exit.c, intercept_exec.c) -------- */

/* At start-up: records on when ULOCKDEP_RECORD_DIR is set (not privileged). */
void ud_rt_record_init(void);
bool ud_rt_records_on(void);
/* Write the record now, whole ("running", "exited", "exec"); symbolizes. */
void ud_rt_record_write(const char *state, int status);
/* A report was shown: the record now, without waiting for another writer. */
void ud_rt_record_report(void);
/* Before exec: the record of this image, unless it is a fork child with
** nothing of its own. */
void ud_rt_record_exec(void);
/* The process ends with status (exit handler, _exit). */
void ud_rt_record_exit(int status);
/* In a fatal signal's handler: the record with what is symbolized already. */
void ud_rt_record_signal(int sig);
/* The status given to exit() or returned by main; 0 until then. */
void ud_rt_record_set_status(int status);
int ud_rt_record_status(void);
/* The engine learnt something: rewrite the record if record_interval passed. */
void ud_rt_record_learnt(void);
void ud_rt_record_fork_child(void);
/* Install the fatal-signal handlers that write the record (intercept_signal.c). */
void ud_rt_record_signals_init(void);

/* ---- static storage (classify.c) ------------------------------------------ */

/* Is addr inside a writable segment of a loaded object (.data, .bss)? */
bool ud_classify_static(const void *addr);
void ud_classify_fork_child(void);

#endif
