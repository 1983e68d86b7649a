/*
** report.h: a problem found by the engine, as data.
**
** The engine fills a ud_report_t while it holds its lock, then hands it to
** ud_report_submit() after releasing it. Everything a formatter needs is copied
** in (class keys, stack ids, thread names), so formatting may run later, may
** symbolize (which allocates and takes locks) and never touches the graph.
*/
#ifndef UD_REPORT_H
#define UD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../engine/engine.h"

typedef enum ud_report_kind {
	UD_REPORT_CIRCULAR,		/* possible circular locking dependency */
	UD_REPORT_RECURSIVE,		/* possible recursive locking */
	UD_REPORT_UNLOCK_BALANCE,	/* bad unlock balance */
	UD_REPORT_HELD_FREED,		/* held lock freed (destroy, re-init, free) */
	UD_REPORT_HELD_AT_EXIT,		/* thread exits with locks held */
	UD_REPORT_WAIT_CONTEXT,		/* sleeping wait while holding a spinlock */
	UD_REPORT_ASSERT,		/* failed lock assertion or pin misuse */
	UD_REPORT_INCONSISTENT,		/* lock taken in a signal handler and with it unblocked */
	UD_REPORT_SIG_ORDER,		/* dependency from a handler's lock to an unblocked one */
	UD_REPORT_SIG_INVERSION,	/* new usage meets the opposite one along a dependency */
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
					** | UD_USAGE_OLD_READ */
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

/* Allocate the arrays of a report (runtime memory, zeroed). */
void ud_report_alloc(ud_report_t *r, unsigned nlinks, unsigned nheld);
void ud_report_release(ud_report_t *r);

/*
** Hand a finished report over: duplicates (same signature) are counted and
** dropped; others go to the sink. Returns true if it was shown.
** Must be called without any engine lock held.
*/
bool ud_report_submit(ud_report_t *r);

/* Where reports go; the default writes kernel-format text to the log. */
typedef void (*ud_report_sink_fn)(const ud_report_t *r, void *arg);
void ud_report_set_sink(ud_report_sink_fn fn, void *arg);
/* The default sink, so a custom sink can chain to it. */
void ud_report_sink_text(const ud_report_t *r, void *arg);

/* How many distinct problems were shown / hit in all (for the exit code). */
unsigned ud_report_count_distinct(void);
unsigned ud_report_count_total(void);

const char *ud_report_kind_name(ud_report_kind_t k);

/* Runtime settings: frames per printed stack (0: all), distinct reports shown (0: all). */
void ud_report_set_stack_frames(unsigned n);
void ud_report_set_max(unsigned max);
/* At exit: "ulockdep: N distinct problems reported (M hits)" + one line each; nothing if none. */
void ud_report_print_summary(void);

/*
** Calls made around the whole of a submission (formatting, symbolizing,
** writing). The runtime uses them to make that section non-cancellable:
** write() and the symbolizer's file reads are cancellation points, and a
** thread unwound there would leave the report lock held.
*/
void ud_report_set_section_hooks(void (*enter)(void), void (*leave)(void));

/* In a fork child: locks held by threads that no longer exist are freed. */
void ud_report_fork_child(void);

#endif
