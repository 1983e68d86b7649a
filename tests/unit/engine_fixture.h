/*
** engine_fixture.h: shared helpers for the engine unit tests.
**
** The engine has process-wide state (classes, graph, chain cache, report
** de-duplication) and no reset, so every test works on fresh classes and fresh
** addresses: ef_new() hands out a new class key and a new address each call.
** Reports are captured by a sink into `ef` (kind, links, held locks), with a
** count per kind in ef.count[]. EF_EXPECT() asserts the exact counts of five
** kinds at once, its arguments in this order: circular, recursive, unlock
** balance, held freed, held at exit. It leaves the other kinds alone: tests
** of signal usage, wait context and assertions read their counts from
** ef.count[], and may use EF_NONE() beside a report of those kinds.
**
** Simulated threads are plain ud_thread_t values; one OS thread drives them in
** whatever interleaving a test spells out. No pthreads are involved.
*/
#ifndef UD_TESTS_ENGINE_FIXTURE_H
#define UD_TESTS_ENGINE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "engine/engine.h"
#include "report/report.h"

#define EF_MAX_REPORTS 64
#define EF_MAX_LINKS 64

/* What a test needs to know of one report. */
typedef struct ef_report {
	ud_report_kind_t kind;
	bool same_instance;
	unsigned target_cls, held_cls;	/* class ids */
	uintptr_t target_addr;
	unsigned nlinks, nheld;
	unsigned link_cls[EF_MAX_LINKS];
	uintptr_t link_addr[EF_MAX_LINKS];
	unsigned held_cls_ids[EF_MAX_LINKS];
} ef_report_t;

typedef struct ef_fixture {
	ef_report_t r[EF_MAX_REPORTS];
	unsigned n;			/* reports seen (may exceed EF_MAX_REPORTS) */
	unsigned count[UD_REPORT_KIND_COUNT];
} ef_fixture_t;

static ef_fixture_t ef __attribute__((unused));

static void ef_sink(const ud_report_t *r, void *arg)
{
	ef_fixture_t *f = arg;
	if ((unsigned)r->kind < UD_REPORT_KIND_COUNT)
		f->count[r->kind]++;
	if (f->n < EF_MAX_REPORTS) {
		ef_report_t *e = &f->r[f->n];
		memset(e, 0, sizeof *e);
		e->kind = r->kind;
		e->same_instance = r->same_instance;
		e->target_cls = r->target.cls.id;
		e->held_cls = r->held.cls.id;
		e->target_addr = r->target.addr;
		e->nlinks = r->nlinks;
		e->nheld = r->nheld;
		for (unsigned i = 0; i < r->nlinks && i < EF_MAX_LINKS; i++) {
			e->link_cls[i] = r->links[i].lock.cls.id;
			e->link_addr[i] = r->links[i].lock.addr;
		}
		for (unsigned i = 0; i < r->nheld && i < EF_MAX_LINKS; i++)
			e->held_cls_ids[i] = r->held_locks[i].cls.id;
	}
	f->n++;
}

/* The engine's sink: the report layer, as in the runtime, whose own sink is
** ef_sink (so duplicates are dropped as they are there). */
static bool ef_submit(ud_report_t *r, void *arg)
{
	(void)arg;
	return ud_report_submit(r);
}

/* Start a test case: engine configuration and an empty report capture. */
static inline void ef_begin_cfg(const ud_engine_config_t *cfg)
{
	ud_engine_config_t c = *cfg;
	if (!c.report)
		c.report = ef_submit;
	ud_engine_init(&c);
	memset(&ef, 0, sizeof ef);
	ud_report_set_sink(ef_sink, &ef);
}

static inline void ef_begin(bool strict)
{
	ud_engine_config_t cfg = { .strict_same_class = strict };
	ef_begin_cfg(&cfg);
}

/* Exact counts of those five kinds seen since ef_begin (a macro: failures
** name the test line). */
#define EF_EXPECT(circular, recursive, unlock_balance, held_freed, held_at_exit) \
	do {								\
		assert_int_equal(ef.count[UD_REPORT_CIRCULAR], (circular)); \
		assert_int_equal(ef.count[UD_REPORT_RECURSIVE], (recursive)); \
		assert_int_equal(ef.count[UD_REPORT_UNLOCK_BALANCE], (unlock_balance)); \
		assert_int_equal(ef.count[UD_REPORT_HELD_FREED], (held_freed)); \
		assert_int_equal(ef.count[UD_REPORT_HELD_AT_EXIT], (held_at_exit)); \
	} while (0)

/* None of those five. */
#define EF_NONE() EF_EXPECT(0, 0, 0, 0, 0)

/* The first captured report of kind k, or NULL. */
static inline const ef_report_t *ef_find(ud_report_kind_t k)
{
	for (unsigned i = 0; i < ef.n && i < EF_MAX_REPORTS; i++)
		if (ef.r[i].kind == k)
			return &ef.r[i];
	return NULL;
}

/* ---- fresh classes, addresses, threads ------------------------------------ */

/* A class key never used before in this process. */
static inline ud_class_key_t ef_key(void)
{
	static uintptr_t next = 0x5a0000;
	ud_class_key_t k = { .kind = UD_KEY_USER, .key = next };
	next += 8;
	return k;
}

/* An address no lock of this process used before (an arena, never reused). */
static inline void *ef_addr(void)
{
	static char arena[1 << 20] __attribute__((aligned(16)));
	static size_t used;
	assert_true(used + 16 <= sizeof arena);
	void *p = arena + used;
	used += 16;
	return p;
}

/* A lock of class key at a fresh address; returns the address. */
static inline void *ef_new_in(ud_lock_kind_t kind, const ud_class_key_t *key)
{
	void *a = ef_addr();
	assert_non_null(ud_instance_create(a, kind, key));
	return a;
}

/* A lock of a fresh class at a fresh address. */
static inline void *ef_new(ud_lock_kind_t kind)
{
	ud_class_key_t k = ef_key();
	return ef_new_in(kind, &k);
}

static inline ud_thread_t *ef_thread(const char *name)
{
	static int tid = 1000;
	ud_thread_t *t = ud_thread_new(++tid, name);
	assert_non_null(t);
	return t;
}

/* The class id of the lock at a. */
static inline unsigned ef_cls(const void *a)
{
	ud_instance_t *in = ud_instance_lookup(a);
	assert_non_null(in);
	return ud_class_id(ud_instance_class(in));
}

/* ---- acquire and release, as the runtime's hooks drive them ---------------- */

#define EF_PC ((uintptr_t)0x401000)

static inline void ef_acq(ud_thread_t *t, const void *a, ud_mode_t mode,
			  unsigned flags)
{
	ud_instance_t *in = ud_instance_lookup(a);
	assert_non_null(in);
	ud_note_taker(t, in);	/* as the runtime's hooks do first */
	ud_acquire(t, in, mode, flags, EF_PC);
}

/* Exclusive (L, WL, ML, WSL, spin). */
static inline void ef_lock(ud_thread_t *t, const void *a)
{
	ef_acq(t, a, UD_MODE_WRITE, 0);
}

/* Recursive read (RL). */
static inline void ef_rlock(ud_thread_t *t, const void *a)
{
	ef_acq(t, a, UD_MODE_READ_RECURSIVE, 0);
}

/* Non-recursive read (RSL). */
static inline void ef_rslock(ud_thread_t *t, const void *a)
{
	ef_acq(t, a, UD_MODE_READ, 0);
}

/* A trylock that succeeded. */
static inline void ef_trylock(ud_thread_t *t, const void *a, ud_mode_t mode)
{
	ef_acq(t, a, mode, UD_ACQ_TRY);
}

/* A release that must succeed. */
static inline void ef_unlock(ud_thread_t *t, const void *a)
{
	assert_true(ud_release(t, a, EF_PC + 0x10));
}

static inline bool ef_held(const ud_thread_t *t, const void *a)
{
	ud_instance_t *in = ud_instance_lookup(a);
	assert_non_null(in);
	return ud_is_held(t, in);
}

/* lock a (mode ma) then b (mode mb), then release both: one "Tn:" run. */
static inline void ef_pair(ud_thread_t *t, const void *a, ud_mode_t ma,
			   const void *b, ud_mode_t mb)
{
	ef_acq(t, a, ma, 0);
	ef_acq(t, b, mb, 0);
	ef_unlock(t, b);
	ef_unlock(t, a);
}

static inline ud_engine_stats_t ef_stats(void)
{
	ud_engine_stats_t s;
	ud_engine_get_stats(&s);
	return s;
}

#endif
