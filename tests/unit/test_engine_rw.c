/*
** test_engine_rw.c: read/write verdicts, row by row of the lockdep scenario
** table (reference lockdep.md, section 2.4).
**
** Modes: RL = UD_MODE_READ_RECURSIVE, RSL = UD_MODE_READ, WL/L/ML/WSL =
** UD_MODE_WRITE. X1/X2 are two instances of one class; each "Tn:" run is a
** separate simulated thread. Rows 23-24 are about irq contexts, which
** userspace has not: they do not apply.
**
** Every row runs under both same-class settings. They differ only in rows
** 2-6, for two *different* instances of one class directly nested:
**   strict (kernel):  that nesting is recursive locking (rows 4, 5, 6), except
**                     a recursive read under a read (row 2: no report);
**   default:          the order of the two instances is recorded and checked;
**                     no report unless the same two are later taken inverted.
*/
#include "engine_fixture.h"

/* Run a row body with strict off, then on (fresh classes each time). */
#define BOTH(fn)						\
	static void fn##_default(void **s) { (void)s; fn(false); } \
	static void fn##_strict(void **s) { (void)s; fn(true); }
#define BOTH_TESTS(fn) cmocka_unit_test(fn##_default), cmocka_unit_test(fn##_strict)

#define W UD_MODE_WRITE
#define R UD_MODE_READ
#define RR UD_MODE_READ_RECURSIVE

/* ---- rows 1-6: one class ----------------------------------------------------- */

/* Row 1: RL(X1); RL(X1): recursive read of a held read lock: OK (both). */
static void row01(bool strict)
{
	ef_begin(strict);
	ud_thread_t *t = ef_thread("row1");
	void *x1 = ef_new(UD_KIND_RWLOCK);
	ef_rlock(t, x1);
	ef_rlock(t, x1);
	EF_NONE();
	assert_int_equal(ud_thread_depth(t), 2);
	ef_unlock(t, x1);
	assert_true(ef_held(t, x1));
	ef_unlock(t, x1);
	assert_int_equal(ud_thread_depth(t), 0);
	EF_NONE();
	ud_thread_free(t);
}
BOTH(row01)

/* Row 2: RL(X1); RL(X2): OK (both); the inverted order too, readers only. */
static void row02(bool strict)
{
	ef_begin(strict);
	ud_thread_t *t = ef_thread("row2");
	ud_class_key_t k = ef_key();
	void *x1 = ef_new_in(UD_KIND_RWLOCK, &k), *x2 = ef_new_in(UD_KIND_RWLOCK, &k);
	ef_pair(t, x1, RR, x2, RR);
	ef_pair(t, x2, RR, x1, RR);
	EF_NONE();
	ud_thread_free(t);
}
BOTH(row02)

/* Row 3: RSL(X1); RSL(X1): a queued writer would block the second read:
** recursive locking on the very same instance (both). */
static void row03(bool strict)
{
	ef_begin(strict);
	ud_thread_t *t = ef_thread("row3");
	void *x1 = ef_new(UD_KIND_RWLOCK_NONRECURSIVE);
	ef_rslock(t, x1);
	ef_rslock(t, x1);
	EF_EXPECT(0, 1, 0, 0, 0);
	const ef_report_t *r = ef_find(UD_REPORT_RECURSIVE);
	assert_true(r->same_instance);
	assert_int_equal(r->target_cls, ef_cls(x1));
	assert_int_equal(r->held_cls, ef_cls(x1));
	assert_int_equal(r->nheld, 1);	/* what was held before the second read */
	ud_thread_free(t);
}
BOTH(row03)

/*
** Row 4: RSL(X1); RSL(X2).
**   strict: recursive locking (not the same instance);
**   default: no report; taking them inverted later is circular (two
**   non-recursive readers, each behind a queued writer).
*/
static void row04(bool strict)
{
	ef_begin(strict);
	ud_thread_t *t = ef_thread("row4");
	ud_class_key_t k = ef_key();
	void *x1 = ef_new_in(UD_KIND_RWLOCK_NONRECURSIVE, &k);
	void *x2 = ef_new_in(UD_KIND_RWLOCK_NONRECURSIVE, &k);
	ef_pair(t, x1, R, x2, R);
	if (strict) {
		EF_EXPECT(0, 1, 0, 0, 0);
		assert_false(ef_find(UD_REPORT_RECURSIVE)->same_instance);
		ud_thread_free(t);
		return;
	}
	EF_NONE();
	ef_pair(t, x1, R, x2, R);
	EF_NONE();
	ef_pair(t, x2, R, x1, R);
	EF_EXPECT(1, 0, 0, 0, 0);
	assert_int_equal(ef_find(UD_REPORT_CIRCULAR)->nlinks, 2);
	ud_thread_free(t);
}
BOTH(row04)

/*
** Row 5: RL(X1); WL(X2), and the rwsem variant RSL(X1); WL(X2).
**   strict: recursive locking;
**   default: no report; inverted later (RL(X2); WL(X1)): circular.
*/
static void row05_mode(bool strict, ud_lock_kind_t kind, ud_mode_t rd)
{
	ef_begin(strict);
	ud_thread_t *t = ef_thread("row5");
	ud_class_key_t k = ef_key();
	void *x1 = ef_new_in(kind, &k), *x2 = ef_new_in(kind, &k);
	ef_pair(t, x1, rd, x2, W);
	if (strict) {
		EF_EXPECT(0, 1, 0, 0, 0);
		assert_false(ef_find(UD_REPORT_RECURSIVE)->same_instance);
		ud_thread_free(t);
		return;
	}
	EF_NONE();
	ef_pair(t, x2, rd, x1, W);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t);
}

static void row05(bool strict)
{
	row05_mode(strict, UD_KIND_RWLOCK, RR);
	row05_mode(strict, UD_KIND_RWLOCK_NONRECURSIVE, R);
}
BOTH(row05)

/*
** Row 6: WL(X1); RL(X2), and the rwsem variant WL(X1); RSL(X2).
**   strict: recursive locking;
**   default: no report; inverted later: circular (a writer blocks any reader).
*/
static void row06_mode(bool strict, ud_lock_kind_t kind, ud_mode_t rd)
{
	ef_begin(strict);
	ud_thread_t *t = ef_thread("row6");
	ud_class_key_t k = ef_key();
	void *x1 = ef_new_in(kind, &k), *x2 = ef_new_in(kind, &k);
	ef_pair(t, x1, W, x2, rd);
	if (strict) {
		EF_EXPECT(0, 1, 0, 0, 0);
		assert_false(ef_find(UD_REPORT_RECURSIVE)->same_instance);
		ud_thread_free(t);
		return;
	}
	EF_NONE();
	ef_pair(t, x2, W, x1, rd);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t);
}

static void row06(bool strict)
{
	row06_mode(strict, UD_KIND_RWLOCK, RR);
	row06_mode(strict, UD_KIND_RWLOCK_NONRECURSIVE, R);
}
BOTH(row06)

/*
** Rows 1-2 with another lock between the two reads (not in the table).
** T1: RL(X1); L(B); RL(Xn).  T2: WL(X3); L(B), before or after T1.
**   Xn = X2, another instance: T1 waits for X2 while holding B; a writer
**     holding X2 (T2, with X3 = X2) waits for B: a deadlock, circular (both
**     settings: a recursive read under a read is never recursive locking);
**   Xn = X1, the same instance: the re-read cannot wait (T1 already reads
**     X1, so no writer holds it): no dependency, no report.
*/
static void read_under_other_lock(bool strict, bool same, bool t2_first)
{
	ef_begin(strict);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2");
	ud_class_key_t k = ef_key();
	void *x1 = ef_new_in(UD_KIND_RWLOCK, &k), *x2 = ef_new_in(UD_KIND_RWLOCK, &k);
	void *x3 = same ? ef_new_in(UD_KIND_RWLOCK, &k) : x2;
	void *b = ef_new(UD_KIND_MUTEX);
	if (t2_first)
		ef_pair(t2, x3, W, b, W);
	ef_rlock(t1, x1);
	ef_lock(t1, b);
	ef_rlock(t1, same ? x1 : x2);
	ef_unlock(t1, same ? x1 : x2);
	ef_unlock(t1, b);
	ef_unlock(t1, x1);
	if (!t2_first)
		ef_pair(t2, x3, W, b, W);
	if (ef.count[UD_REPORT_CIRCULAR] != (same ? 0u : 1u))
		print_error("same=%d t2_first=%d\n", same, t2_first);
	EF_EXPECT(same ? 0 : 1, 0, 0, 0, 0);
	ud_thread_free(t1);
	ud_thread_free(t2);
}

static void read_read_under_other_lock(bool strict)
{
	read_under_other_lock(strict, false, true);
	read_under_other_lock(strict, false, false);
}
BOTH(read_read_under_other_lock)

static void reread_under_other_lock(bool strict)
{
	read_under_other_lock(strict, true, true);
	read_under_other_lock(strict, true, false);
}
BOTH(reread_under_other_lock)

/* ---- rows 7-12: two classes A (rw) and B (mutex), T1 then T2 (then T3) ---------- */

/* T1: a(ma); b.  T2: b; a(ma2).  expect circular count. */
static void abba_modes(bool strict, ud_lock_kind_t akind, ud_mode_t ma,
		       ud_mode_t ma2, unsigned expect)
{
	ef_begin(strict);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2");
	void *a = ef_new(akind), *b = ef_new(UD_KIND_MUTEX);
	ef_pair(t1, a, ma, b, W);
	EF_NONE();
	ef_pair(t2, b, W, a, ma2);
	EF_EXPECT(expect, 0, 0, 0, 0);
	if (expect) {
		const ef_report_t *r = ef_find(UD_REPORT_CIRCULAR);
		assert_int_equal(r->nlinks, 2);
		assert_int_equal(r->link_cls[0], ef_cls(a));	/* #0: being taken */
		assert_int_equal(r->link_cls[1], ef_cls(b));
		assert_int_equal(r->target_cls, ef_cls(a));
		assert_int_equal(r->held_cls, ef_cls(b));
	}
	ud_thread_free(t1);
	ud_thread_free(t2);
}

/* Row 7: T1 RL(A); L(B).  T2 L(B); WL(A): A -SN-> B, B -EN-> A: circular. */
static void row07(bool strict) { abba_modes(strict, UD_KIND_RWLOCK, RR, W, 1); }
BOTH(row07)
/* Row 8: T1 RSL(A); ML(B).  T2 ML(B); WSL(A): SN, EN: circular. */
static void row08(bool strict) { abba_modes(strict, UD_KIND_RWLOCK_NONRECURSIVE, R, W, 1); }
BOTH(row08)
/* Row 9: T1 RL(A); L(B).  T2 L(B); RL(A): B -ER-> A -SN-> B is not strong: no report. */
static void row09(bool strict) { abba_modes(strict, UD_KIND_RWLOCK, RR, RR, 0); }
BOTH(row09)
/* Row 10: T1 RSL(A); ML(B).  T2 ML(B); RSL(A): the second read is non-recursive: circular. */
static void row10(bool strict) { abba_modes(strict, UD_KIND_RWLOCK_NONRECURSIVE, R, R, 1); }
BOTH(row10)
/* Row 11: T1 WL(A); L(B).  T2 L(B); WL(A): EN, EN: circular (both rw kinds). */
static void row11(bool strict)
{
	abba_modes(strict, UD_KIND_RWLOCK, W, W, 1);
	abba_modes(strict, UD_KIND_RWLOCK_NONRECURSIVE, W, W, 1);
}
BOTH(row11)

/*
** Row 12: T1 RL(A); L(B).  T2 L(B); RL(A) (no report, and its chain is now
** cached).  T3 L(B); WL(A): must not be hidden by the cached chain: circular.
*/
static void row12(bool strict)
{
	ef_begin(strict);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2"), *t3 = ef_thread("T3");
	void *a = ef_new(UD_KIND_RWLOCK), *b = ef_new(UD_KIND_MUTEX);
	ef_pair(t1, a, RR, b, W);
	ef_pair(t2, b, W, a, RR);
	ef_pair(t2, b, W, a, RR);
	EF_NONE();
	ef_pair(t3, b, W, a, W);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t1);
	ud_thread_free(t2);
	ud_thread_free(t3);
}
BOTH(row12)

/* ---- rows 13-16: three runs, in all six orders ------------------------------------- */

typedef struct run {
	int a, b;		/* lock indexes into X, Y, Z */
	ud_mode_t ma, mb;
} run_t;

static void three_runs(bool strict, const run_t runs[3], unsigned expect)
{
	static const int orders[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	for (int o = 0; o < 6; o++) {
		ef_begin(strict);
		void *l[3] = { ef_new(UD_KIND_RWLOCK), ef_new(UD_KIND_RWLOCK),
			       ef_new(UD_KIND_RWLOCK) };
		for (int i = 0; i < 3; i++) {
			const run_t *r = &runs[orders[o][i]];
			ud_thread_t *t = ef_thread("Tn");
			ef_pair(t, l[r->a], r->ma, l[r->b], r->mb);
			ud_thread_free(t);
		}
		if (ef.count[UD_REPORT_CIRCULAR] != expect)
			print_error("order %d %d %d\n", orders[o][0], orders[o][1],
				    orders[o][2]);
		EF_EXPECT(expect, 0, 0, 0, 0);
		if (expect)
			assert_int_equal(ef_find(UD_REPORT_CIRCULAR)->nlinks, 3);
	}
}

enum { X, Y, Z };

/* Row 13: T1 WL(X);RL(Y)  T2 WL(Y);RL(Z)  T3 WL(Z);RL(X): ER,ER,ER: circular. */
static void row13(bool strict)
{
	const run_t runs[3] = { { X, Y, W, RR }, { Y, Z, W, RR }, { Z, X, W, RR } };
	three_runs(strict, runs, 1);
}
BOTH(row13)

/* Row 14: T1 WL(X);WL(Y)  T2 RL(Y);RL(Z)  T3 WL(Z);RL(X): EN,SR,ER: circular. */
static void row14(bool strict)
{
	const run_t runs[3] = { { X, Y, W, W }, { Y, Z, RR, RR }, { Z, X, W, RR } };
	three_runs(strict, runs, 1);
}
BOTH(row14)

/* Row 15: T1 WL(X);WL(Y)  T2 RL(Y);RL(Z)  T3 RL(Z);WL(X): SR then SN is not strong. */
static void row15(bool strict)
{
	const run_t runs[3] = { { X, Y, W, W }, { Y, Z, RR, RR }, { Z, X, RR, W } };
	three_runs(strict, runs, 0);
}
BOTH(row15)

/* Row 16: T1 WL(X);RL(Y)  T2 RL(Y);RL(Z)  T3 WL(Z);WL(X): ER then SR is not strong. */
static void row16(bool strict)
{
	const run_t runs[3] = { { X, Y, W, RR }, { Y, Z, RR, RR }, { Z, X, W, W } };
	three_runs(strict, runs, 0);
}
BOTH(row16)

/* ---- rows 17-18: the classic cycles, per lock type ---------------------------------- */

/* Pairs of lock letters, one run each; the last run closes the cycle. */
typedef struct pattern {
	const char *name;
	const char *pairs;
	unsigned cycle;		/* length of the (shortest) cycle closed */
} pattern_t;

static const pattern_t patterns[] = {
	{ "ABBA", "AB BA", 2 },
	{ "ABBCCA", "AB BC CA", 3 },
	{ "ABCABC", "AB CA BC", 3 },
	{ "ABBCCDDA", "AB BC CD DA", 4 },
	{ "ABCDBDDA", "AB CD BD DA", 3 },
	{ "ABCDBCDA", "AB CD BC DA", 4 },
};

typedef struct lock_type {
	const char *name;
	ud_lock_kind_t kind;
	ud_mode_t mode;
} lock_type_t;

static void run_pattern(bool strict, const pattern_t *p, const lock_type_t *lt,
			bool reported)
{
	ef_begin(strict);
	void *l[4];
	for (int i = 0; i < 4; i++)
		l[i] = ef_new(lt->kind);
	ud_thread_t *t = ef_thread(p->name);
	for (const char *s = p->pairs; *s; s += s[2] ? 3 : 2)
		ef_pair(t, l[s[0] - 'A'], lt->mode, l[s[1] - 'A'], lt->mode);
	if (ef.count[UD_REPORT_CIRCULAR] != (reported ? 1u : 0u))
		print_error("%s with %s\n", p->name, lt->name);
	EF_EXPECT(reported ? 1 : 0, 0, 0, 0, 0);
	if (reported)
		assert_int_equal(ef_find(UD_REPORT_CIRCULAR)->nlinks, p->cycle);
	ud_thread_free(t);
}

/* AA: recursive locking, except for a recursive read. */
static void run_aa(bool strict, const lock_type_t *lt, bool reported)
{
	ef_begin(strict);
	ud_thread_t *t = ef_thread("AA");
	void *a = ef_new(lt->kind);
	ef_acq(t, a, lt->mode, 0);
	ef_acq(t, a, lt->mode, 0);
	EF_EXPECT(0, reported ? 1 : 0, 0, 0, 0);
	if (reported)
		assert_true(ef_find(UD_REPORT_RECURSIVE)->same_instance);
	ud_thread_free(t);
}

/* Row 17: spin, wlock, mutex, wsem, rsem: every cycle reported, AA recursive. */
static void row17(bool strict)
{
	static const lock_type_t types[] = {
		{ "spin", UD_KIND_SPIN, W },
		{ "wlock", UD_KIND_RWLOCK, W },
		{ "mutex", UD_KIND_MUTEX, W },
		{ "wsem", UD_KIND_RWLOCK_NONRECURSIVE, W },
		{ "rsem", UD_KIND_RWLOCK_NONRECURSIVE, R },
	};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		run_aa(strict, &types[i], true);
		for (size_t j = 0; j < sizeof patterns / sizeof *patterns; j++)
			run_pattern(strict, &patterns[j], &types[i], true);
	}
}
BOTH(row17)

/* Row 18: the same cycles with every acquisition a recursive read: no report. */
static void row18(bool strict)
{
	static const lock_type_t rlock = { "rlock", UD_KIND_RWLOCK, RR };
	run_aa(strict, &rlock, false);
	for (size_t j = 0; j < sizeof patterns / sizeof *patterns; j++)
		run_pattern(strict, &patterns[j], &rlock, false);
}
BOTH(row18)

/* ---- rows 19-22 ------------------------------------------------------------------------ */

/*
** Row 19: A read-locks X; B's write lock of X waits; A read-locks X again.
** A recursive reader gets in (no report); a non-recursive one would queue
** behind B: recursive locking.
*/
static void row19(bool strict)
{
	ef_begin(strict);
	ud_thread_t *ta = ef_thread("A"), *tb = ef_thread("B");
	void *x = ef_new(UD_KIND_RWLOCK);
	ef_rlock(ta, x);
	ef_lock(tb, x);		/* announced before blocking */
	ef_rlock(ta, x);
	EF_NONE();
	ud_acquire_undo(tb, ud_instance_lookup(x));
	assert_int_equal(ud_thread_depth(tb), 0);

	void *y = ef_new(UD_KIND_RWLOCK_NONRECURSIVE);
	ef_rslock(ta, y);
	ef_lock(tb, y);
	ef_rslock(ta, y);
	EF_EXPECT(0, 1, 0, 0, 0);
	ud_thread_free(ta);
	ud_thread_free(tb);
}
BOTH(row19)

/* Row 20: A: RL(X); WL(Y).  B: RL(Y); WL(X): X -SN-> Y -SN-> X is strong: circular. */
static void row20(bool strict)
{
	ef_begin(strict);
	ud_thread_t *ta = ef_thread("A"), *tb = ef_thread("B");
	void *x = ef_new(UD_KIND_RWLOCK), *y = ef_new(UD_KIND_RWLOCK);
	ef_pair(ta, x, RR, y, W);
	EF_NONE();
	ef_pair(tb, y, RR, x, W);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(ta);
	ud_thread_free(tb);
}
BOTH(row20)

static const ud_lock_kind_t all_kinds[] = {
	UD_KIND_MUTEX, UD_KIND_MUTEX_RECURSIVE, UD_KIND_MUTEX_ERRORCHECK,
	UD_KIND_RWLOCK, UD_KIND_RWLOCK_NONRECURSIVE, UD_KIND_SPIN, UD_KIND_PSEUDO,
};
#define NKINDS (sizeof all_kinds / sizeof *all_kinds)

/* Row 21: double unlock, any lock type: bad unlock balance, once each. */
static void row21(bool strict)
{
	ef_begin(strict);
	ud_thread_t *t = ef_thread("row21");
	for (size_t i = 0; i < NKINDS; i++) {
		void *a = ef_new(all_kinds[i]);
		ef_lock(t, a);
		ef_unlock(t, a);
		assert_false(ud_release(t, a, EF_PC));
		EF_EXPECT(0, 0, (unsigned)i + 1, 0, 0);
		assert_int_equal(ef.r[i].target_cls, ef_cls(a));
		assert_true(ef.r[i].target_addr == (uintptr_t)a);
	}
	assert_int_equal(ud_thread_depth(t), 0);
	ud_thread_free(t);
}
BOTH(row21)

/* Row 22: lock held, then re-initialised: held lock freed, once each type. */
static void row22(bool strict)
{
	ef_begin(strict);
	ud_thread_t *t = ef_thread("row22");
	for (size_t i = 0; i < NKINDS; i++) {
		ud_class_key_t k = ef_key();
		void *a = ef_new_in(all_kinds[i], &k);
		ef_lock(t, a);
		ud_instance_destroy(t, a, EF_PC);	/* the runtime's init hook */
		EF_EXPECT(0, 0, 0, (unsigned)i + 1, 0);
		assert_true(ef_held(t, a));
		ef_unlock(t, a);
		ud_instance_destroy(t, a, EF_PC);
		assert_null(ud_instance_lookup(a));
	}
	EF_EXPECT(0, 0, 0, NKINDS, 0);
	ud_thread_free(t);
}
BOTH(row22)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH_TESTS(row01), BOTH_TESTS(row02), BOTH_TESTS(row03),
		BOTH_TESTS(row04), BOTH_TESTS(row05), BOTH_TESTS(row06),
		BOTH_TESTS(row07), BOTH_TESTS(row08), BOTH_TESTS(row09),
		BOTH_TESTS(row10), BOTH_TESTS(row11), BOTH_TESTS(row12),
		BOTH_TESTS(row13), BOTH_TESTS(row14), BOTH_TESTS(row15),
		BOTH_TESTS(row16), BOTH_TESTS(row17), BOTH_TESTS(row18),
		BOTH_TESTS(row19), BOTH_TESTS(row20), BOTH_TESTS(row21),
		BOTH_TESTS(row22),
		BOTH_TESTS(read_read_under_other_lock),
		BOTH_TESTS(reread_under_other_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
