/*
** stat.h: lock statistics as data (docs/lock-stat.md), and their formats.
**
** The runtime (src/rt/lockstat.c) counts and fills a ud_stat_set_t; this
** part turns it into the summary, the kernel's /proc/lock_stat table, the
** JSON object, and the `stat` and `cond_stat` lines of a process record.
** Times are nanoseconds.
*/
#ifndef UD_REPORT_STAT_H
#define UD_REPORT_STAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../engine/types.h"

#define UD_STAT_POINTS 4	/* contention and contending points kept, as the kernel */

typedef struct ud_stat_point {
	uintptr_t pc;		/* the program's call site (a return address) */
	uint64_t count;
	uint64_t wait_ns;	/* contention points: the wait spent there */
} ud_stat_point_t;

typedef struct ud_stat_lock {
	ud_report_class_t cls;
	uintptr_t addr;		/* per-instance figures: the lock; 0 for a class */
	uint64_t acquired, acquired_read;
	uint64_t contended;	/* found the lock held (failed trylocks included) */
	uint64_t owner_changes;	/* taken by another thread than the last taker */
	uint64_t con_bounces;	/* contended acquisitions that changed the owner */
	uint64_t wait_total, wait_min, wait_max;	/* over contended acquisitions */
	uint64_t waits;		/* wait samples (contended blocking acquisitions) */
	uint64_t hold_total, hold_min, hold_max;
	uint64_t holds;		/* hold samples (releases whose acquisition was seen) */
	ud_stat_point_t contention[UD_STAT_POINTS];	/* most frequent first */
	ud_stat_point_t contending[UD_STAT_POINTS];
} ud_stat_lock_t;

typedef struct ud_stat_cond {
	uintptr_t site;		/* first wait site (else first signal site): its name */
	uint64_t waits, timed_out, signals, broadcasts;
	uint64_t wait_total, wait_max;
} ud_stat_cond_t;

typedef struct ud_stat_set {
	/* (the runtime fills it; see lockstat.c) */
	ud_stat_lock_t *classes;	/* classes acquired at least once */
	size_t nclasses, classes_cap;	/* cap: allocated, for the runtime */
	ud_stat_lock_t *instances;	/* lock_stat=instance only */
	size_t ninstances, instances_cap;
	ud_stat_cond_t *conds;		/* one per condition variable site */
	size_t nconds;
} ud_stat_set_t;

/* Sort locks by total wait time, then contentions, then acquisitions. */
void ud_stat_sort(ud_stat_lock_t *l, size_t n);
/* The `top` most waited-for classes (0: all), mutrace-style. */
void ud_stat_format_summary(ud_buf_t *out, const ud_stat_set_t *s, unsigned top);
/* The kernel's /proc/lock_stat layout (times in microseconds). */
void ud_stat_format_kernel(ud_buf_t *out, const ud_stat_set_t *s);
/* One JSON object, docs/lock-stat-schema.json. */
void ud_stat_format_json(ud_buf_t *out, const ud_stat_set_t *s);
/* Record lines (docs/store.md): one `stat` per class, one `cond_stat` per
** condition variable site; symbolize=false leaves stacks empty and names
** condvars by module offset. Returns the number of lines. */
size_t ud_stat_record_lines(ud_buf_t *out, const ud_stat_set_t *s, bool symbolize);
/* A JSON array of the frames at pc (the record's FRAME objects). */
void ud_stat_put_stack(ud_buf_t *out, uintptr_t pc, bool symbolize);
/* The stable identity and the printed name of a condvar site. */
void ud_stat_cond_id(ud_buf_t *out, uintptr_t site, bool symbolize);
void ud_stat_cond_name(ud_buf_t *out, uintptr_t site, bool symbolize);

#endif
