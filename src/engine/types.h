/*
** types.h: the engine's vocabulary, shared with the report layer.
**
** How locks are taken (modes), what they are (kinds), how classes are keyed,
** and a report as data: what the engine found, copied out of its tables so
** that a formatter can run later, symbolize and allocate without touching
** them. The report layer (src/report) includes this file and nothing else of
** the engine.
*/
#ifndef UD_ENGINE_TYPES_H
#define UD_ENGINE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/stack.h"

/* How a lock is taken (lockdep's `read` argument). */
typedef enum ud_mode {
	UD_MODE_WRITE = 0,		/* exclusive */
	UD_MODE_READ = 1,		/* shared, blocks behind a waiting writer */
	UD_MODE_READ_RECURSIVE = 2,	/* shared, blocked only by a writer holding it */
} ud_mode_t;

/* What a lock is; decides re-lock rules, reader mode and the printed wait type. */
typedef enum ud_lock_kind {
	UD_KIND_MUTEX,			/* re-lock by the holder is a self-deadlock */
	UD_KIND_MUTEX_RECURSIVE,	/* re-lock by the holder nests */
	UD_KIND_MUTEX_ERRORCHECK,	/* re-lock by the holder fails with EDEADLK */
	UD_KIND_RWLOCK,			/* readers are recursive (reader-preferring) */
	UD_KIND_RWLOCK_NONRECURSIVE,	/* readers queue behind waiting writers */
	UD_KIND_SPIN,			/* spinlock */
	UD_KIND_PSEUDO,			/* a wait modelled as a lock (annotation) */
} ud_lock_kind_t;

/* Where a class key comes from (see docs/design.md, "Lock classes"). */
typedef enum ud_key_kind {
	UD_KEY_STATIC,		/* key = address of a lock in static storage */
	UD_KEY_INIT_SITE,	/* key = hash of the init call stack (1..N frames) */
	UD_KEY_ACQUIRE_SITE,	/* key = site of the first acquisition */
	UD_KEY_USER,		/* key = address given through ulockdep.h */
} ud_key_kind_t;

typedef struct ud_class_key {
	ud_key_kind_t kind;
	uintptr_t key;		/* identity within `kind` */
	uintptr_t addr;		/* UD_KEY_STATIC: the lock's address, for naming */
	ud_stack_id_t site;	/* init or acquire stack, for naming; 0 if none */
	const char *name;	/* explicit name (copied), or NULL */
	unsigned subclass;	/* 0..7: nested-acquisition subclass */
} ud_class_key_t;

/* ---- lock assertions (annotations) --------------------------------------- */

typedef enum ud_assert_kind {
	UD_ASSERT_HELD,			/* ulockdep_assert_held */
	UD_ASSERT_HELD_WRITE,		/* ... held exclusively */
	UD_ASSERT_HELD_READ,		/* ... held shared */
	UD_ASSERT_NOT_HELD,
	UD_ASSERT_NONE_HELD,		/* no lock at all */
	UD_ASSERT_PIN_NOT_HELD,		/* pinning a lock not held */
	UD_ASSERT_UNPIN_NOT_PINNED,	/* unpinning a lock not pinned */
	UD_ASSERT_RELEASE_PINNED,	/* releasing a pinned lock */
	UD_ASSERT_COUNT
} ud_assert_kind_t;

/* ---- bad unlocks -------------------------------------------------------- */

/* Why an unlock is bad: the detail of an unlock-balance report. */
typedef enum ud_bad_unlock {
	UD_BAD_UNLOCK_NOT_HELD,		/* nobody's lock to release */
	UD_BAD_UNLOCK_DESTROYED,	/* destroyed, not initialised again */
	UD_BAD_UNLOCK_NOT_A_LOCK,	/* memory that holds no initialised lock */
} ud_bad_unlock_t;

/* ---- reports ------------------------------------------------------------ */

/* The kinds of report, from report_kinds.inc. */
typedef enum ud_report_kind {
#define UD_REPORT_KIND(e, ...) UD_REPORT_##e,
#include "report_kinds.inc"
	UD_REPORT_KIND_COUNT
} ud_report_kind_t;

/* Inconsistent and inversion: set in `detail` when the new usage is the
** in-handler one. */
#define UD_USAGE_NEW_IN 0x100u
/* Inconsistent: set when the old usage came from recursive reads only. */
#define UD_USAGE_OLD_READ 0x200u

/* A class as a report shows it. */
typedef struct ud_report_class {
	unsigned id;		/* engine class id, stable for the run */
	ud_class_key_t key;	/* how the class was keyed: formatters name it from this */
	ud_lock_kind_t kind;	/* decides the wait type printed after the usage */
	uint64_t sig_in;	/* signals whose handlers took it (bit s-1) */
	uint64_t sig_on;	/* signals unblocked when it was taken */
} ud_report_class_t;

/* One lock line: "<addr> (<class>){usage}-{wait}, at: <pc>". */
typedef struct ud_report_lock {
	uintptr_t addr;		/* instance address, 0 when not known */
	ud_report_class_t cls;
	ud_mode_t mode;		/* how it is (being) taken */
	bool trylock;
	unsigned references;	/* recursive mutex depth, 1 normally */
	uintptr_t pc;		/* acquisition site */
} ud_report_lock_t;

/* One "-> #N" link of a dependency chain. */
typedef struct ud_report_link {
	ud_report_lock_t lock;	/* the class this link enters (mode as acquired then) */
	ud_stack_id_t stack;	/* the acquisition that first created the dependency */
	int tid;		/* the thread that created it */
	ud_stack_id_t thread_origin;	/* where that thread was created, 0: main/unknown */
	char thread_name[16];
} ud_report_link_t;

typedef struct ud_report_thread {
	int tid;
	char name[16];
	int parent_tid;		/* 0 for the main thread or when unknown */
	ud_stack_id_t origin;	/* where it was created, 0 when unknown */
} ud_report_thread_t;

typedef struct ud_report {
	ud_report_kind_t kind;
	ud_report_thread_t thread;	/* the thread that hit the problem */
	ud_report_lock_t target;	/* being acquired / released / freed */
	ud_report_lock_t held;		/* already held (circular, recursive) */
	bool same_instance;		/* recursive: the very same lock, not its class */

	/* circular: the chain printed from #nlinks-1 down to #0; links[0] is "#0". */
	ud_report_link_t *links;
	unsigned nlinks;

	/* the thread's held locks, outermost first */
	ud_report_lock_t *held_locks;
	unsigned nheld;

	uintptr_t freed_lo, freed_hi;	/* held-freed: the memory range */
	ud_stack_id_t stack;		/* current stack of the reporting thread */
	uint64_t signature;		/* same problem => same signature */
	unsigned detail;		/* assert: the ud_assert_kind_t that failed;
					** inconsistent: signal | UD_USAGE_NEW_IN
					** | UD_USAGE_OLD_READ; unlock balance:
					** the ud_bad_unlock_t */
	ud_stack_id_t usage_stack;	/* inconsistent: where the old usage was first seen */

	/* Signal order and inversion (detail: the signal): the class taken in a
	** handler (safe) and the one taken with the signal unblocked (unsafe),
	** with the stacks that first gave them that usage. Order: links[0..split)
	** lead from the safe class to the held lock, links[split..nlinks) from
	** the lock being acquired to the unsafe class. Inversion: all links
	** lead from the safe class to the unsafe one. */
	ud_report_class_t safe, unsafe;
	ud_stack_id_t safe_stack, unsafe_stack;
	unsigned split;
} ud_report_t;

#endif
