/*
** lockstat.h: lock statistics in the runtime (lockstat.c, docs/lock-stat.md).
**
** With lock_stat on, no thread takes the inline fast path (thread.c leaves
** ud_rt_thread_t.fast NULL, the test every inline half already makes), so
** every acquisition and release reaches the out-of-line hooks, which call
** here; with it off, nothing here runs and the fast path is unchanged.
*/
#ifndef UD_RT_LOCKSTAT_H
#define UD_RT_LOCKSTAT_H

#include "rt.h"
#include "../report/stat.h"

/* Set once at start-up, before the runtime is ready; then only read. */
extern bool ud_lockstat_on;

/* After the options: lock_stat on means counting (installs the timing
** wrappers of the lock calls in ud_real_locks). */
void ud_lockstat_init(void);

/* The hooks, inside the runtime, thread t of ts; lock's instance inst. */
/* Before a blocking or timed lock, once validated. */
void ud_lockstat_before_lock(ud_thread_t *t, const void *lock, ud_instance_t *inst,
			     bool read, uintptr_t pc);
/* That lock call failed (timed out). */
void ud_lockstat_lock_failed(void);
/* After a successful trylock. */
void ud_lockstat_trylock(ud_thread_t *t, const void *lock, ud_instance_t *inst, bool read,
			 uintptr_t pc);
/* Before the engine forgets that t holds lock (a release, a condition wait). */
void ud_lockstat_release(ud_thread_t *t, const void *lock);
/* The lock's identity ends (destroy, re-init): a hold in progress is dropped. */
void ud_lockstat_forget(const void *lock);
/* A thread ends, a fork child starts. */
void ud_lockstat_thread_end(void);
void ud_lockstat_fork_child(void);

/* Condition variables, from their interceptors (outside the runtime). */
uint64_t ud_lockstat_now(void);
void ud_lockstat_cond_done(const void *cv, const void *m, int rc, uint64_t t0, uintptr_t pc);
void ud_lockstat_cond_signal(const void *cv, bool broadcast, uintptr_t pc);

/* The figures so far (runtime memory); ud_lockstat_free() gives it back.
** classes: the snapshot's, for names. False when off or not now (the lock
** of the thread list is held: a signal handler). */
bool ud_lockstat_collect(ud_stat_set_t *s, const ud_snapshot_t *classes, bool wait);
void ud_lockstat_free(ud_stat_set_t *s);
/* At exit: print the table chosen by lock_stat_format. */
void ud_lockstat_print(void);

#endif
