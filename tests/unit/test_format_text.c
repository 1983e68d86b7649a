#define _GNU_SOURCE 1
/*
** test_format_text.c: reports rendered as kernel-format text, the kinds'
** words and headlines, class names, de-duplication, report_max and the exit
** summary.
**
** Reports are built by hand. Their stacks hold return addresses taken inside
** real functions of this file (site_*), so the symbolizer names them, and the
** text is checked line by line against the layout in docs/reports.md.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "engine/engine.h"
#include "base/log.h"
#include "base/stack.h"
#include "report/format.h"
#include "report/report.h"

/* ---- code addresses with known names and lines ------------------------ */

__attribute__((noinline)) uintptr_t ud_test_ret_addr(void)
{
	return (uintptr_t)__builtin_return_address(0);
}

/* The barrier keeps each call from becoming a tail call. */
#define TAKE(var, line) do { var = ud_test_ret_addr(); line = __LINE__; } while (0)
#define BARRIER() __asm__ volatile("" ::: "memory")

int line_alpha, line_beta, line_gamma, line_inl, line_delta;

__attribute__((noinline)) uintptr_t site_alpha(void)
{
	uintptr_t r; TAKE(r, line_alpha);
	BARRIER();
	return r;
}

__attribute__((noinline)) uintptr_t site_beta(void)
{
	uintptr_t r; TAKE(r, line_beta);
	BARRIER();
	return r;
}

__attribute__((noinline)) uintptr_t site_gamma(void)
{
	uintptr_t r; TAKE(r, line_gamma);
	BARRIER();
	return r;
}

static inline __attribute__((always_inline)) uintptr_t inl_helper(void)
{
	uintptr_t r; TAKE(r, line_inl);
	BARRIER();
	return r;
}

__attribute__((noinline)) uintptr_t site_delta(void)
{
	uintptr_t r = inl_helper(); line_delta = __LINE__;
	BARRIER();
	return r;
}

/* Data objects the symbolizer can name. */
long static_lock_var;
struct { int pad; long lock; } static_lock_obj;

static ud_stack_id_t stack_of(unsigned n, ...)
{
	uintptr_t pcs[8];
	va_list ap;
	va_start(ap, n);
	for (unsigned i = 0; i < n; i++)
		pcs[i] = va_arg(ap, uintptr_t);
	va_end(ap);
	return ud_stack_put(pcs, n);
}

/* ---- building reports ------------------------------------------------- */

static unsigned next_class_id = 1000;
static uint64_t next_signature = 1;

static ud_report_class_t named_class(const char *name, ud_lock_kind_t kind)
{
	ud_report_class_t c = { 0 };
	c.id = next_class_id++;
	c.key.kind = UD_KEY_USER;
	c.key.key = 0x100000 + c.id;	/* a distinct key per class */
	c.key.name = name;
	c.kind = kind;
	return c;
}

static ud_report_lock_t lock_of(ud_report_class_t c, uintptr_t addr,
				ud_mode_t mode, uintptr_t pc)
{
	ud_report_lock_t l = { 0 };
	l.addr = addr;
	l.cls = c;
	l.mode = mode;
	l.references = 1;
	l.pc = pc;
	return l;
}

static void set_thread(ud_report_t *r, const char *name, int tid)
{
	snprintf(r->thread.name, sizeof r->thread.name, "%s", name);
	r->thread.tid = tid;
}

/* ---- checking text ---------------------------------------------------- */

/*
** Match text line by line against patterns (fnmatch globs, "\\[" for a
** bracket). The pattern "FRAMES" consumes one or more stack frame lines
** (7-space indent). Every line must be matched: the layout is exact.
*/
static void expect_layout(const char *text, const char *const *pat, size_t npat)
{
	char line[1024];
	const char *p = text;
	size_t k = 0;
	unsigned lineno = 0, frames_seen = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);	/* every line ends with a newline */
		size_t n = (size_t)(nl - p);
		assert_true(n < sizeof line);
		memcpy(line, p, n);
		line[n] = 0;
		p = nl + 1;
		lineno++;
		if (k < npat && strcmp(pat[k], "FRAMES") == 0) {
			/* Greedy: every frame line, then the next pattern. */
			if (strncmp(line, "       ", 7) == 0 && line[7] != ' ') {
				frames_seen++;
				continue;
			}
			assert_true(frames_seen > 0);
			k++;
		}
		if (k >= npat || fnmatch(pat[k], line, 0) != 0) {
			fprintf(stderr, "line %u: \"%s\"\n  expected \"%s\"\n"
				"--- whole text ---\n%s", lineno, line,
				k < npat ? pat[k] : "(end of text)", text);
			fail();
		}
		k++;
		frames_seen = 0;
	}
	if (k < npat && strcmp(pat[k], "FRAMES") == 0 && frames_seen > 0)
		k++;	/* a text ending in a stack */
	if (k != npat) {
		fprintf(stderr, "text ended before \"%s\"\n%s", pat[k], text);
		fail();
	}
}

#define EXPECT_LAYOUT(text, ...) do { \
	const char *const pats_[] = { __VA_ARGS__ }; \
	expect_layout(text, pats_, sizeof pats_ / sizeof pats_[0]); \
} while (0)

static char *render(const ud_report_t *r)
{
	ud_buf_t b = { 0 };
	ud_report_format_text(r, &b);
	char *s = strdup(b.data);
	ud_buf_free(&b);
	return s;
}

static char banner_eq[128], banner_dash[128], ident[128];

/* The banner lines for a title: '=' and '-' as long as the longer line. */
static void banner_for(const char *title)
{
	snprintf(ident, sizeof ident, "ulockdep %s %s/%d", ULOCKDEP_VERSION,
		 program_invocation_short_name, (int)getpid());
	size_t w = strlen(title) > strlen(ident) ? strlen(title) : strlen(ident);
	memset(banner_eq, '=', w);
	banner_eq[w] = 0;
	memset(banner_dash, '-', w);
	banner_dash[w] = 0;
}

/* "<addr> (<name>){....}-{W:W}, at: site_x+0x*" as a glob. */
static const char *lock_glob(char *buf, size_t len, const char *lead,
			     uintptr_t addr, const char *name, const char *wait,
			     const char *fn, int line)
{
	snprintf(buf, len, "%s%016lx (%s){....}-{%s}, at: %s+0x*/0x* *test_format_text.c:%d",
		 lead, (unsigned long)addr, name, wait, fn, line);
	return buf;
}

static char frame_buf[8][160];
static const char *frame_glob(int i, const char *fn, int line)
{
	snprintf(frame_buf[i], sizeof frame_buf[i],
		 "       %s+0x*/0x* *test_format_text.c:%d", fn, line);
	return frame_buf[i];
}

/* ---- sink capture ------------------------------------------------------ */

static ud_buf_t captured;
static unsigned sink_calls;
static _Atomic int in_sink;
static _Atomic bool sink_misused;	/* checked by the main thread */

static void capture_sink(const ud_report_t *r, void *arg)
{
	/* Reports must never be handed over two at a time. */
	if (atomic_fetch_add(&in_sink, 1) != 0 || arg != &captured)
		atomic_store(&sink_misused, true);
	captured.len = 0;
	ud_report_format_text(r, &captured);
	sink_calls++;
	atomic_fetch_sub(&in_sink, 1);
}

static int setup_sink(void **state)
{
	(void)state;
	ud_report_set_sink(capture_sink, &captured);
	ud_report_set_stack_frames(16);
	ud_report_set_max(0);
	return 0;
}

/* ---- circular ---------------------------------------------------------- */

static void test_circular_two_classes(void **state)
{
	(void)state;
	ud_report_class_t a = named_class("alpha_lock", UD_KIND_MUTEX);
	ud_report_class_t b = named_class("beta_lock", UD_KIND_MUTEX);
	uintptr_t pa = site_alpha(), pb = site_beta();

	ud_report_t r = { 0 };
	r.kind = UD_REPORT_CIRCULAR;
	set_thread(&r, "main", 100);
	r.target = lock_of(a, 0x1000, UD_MODE_WRITE, pa);
	r.held = lock_of(b, 0x2000, UD_MODE_WRITE, pb);
	ud_report_alloc(&r, 2, 1);
	r.links[0].lock = r.target;
	r.links[0].stack = stack_of(2, pa, pb);
	r.links[0].tid = 100;
	r.links[1].lock = lock_of(b, 0x2000, UD_MODE_WRITE, pb);
	r.links[1].stack = stack_of(2, pb, pa);
	r.links[1].tid = 100;
	r.held_locks[0] = r.held;
	r.stack = stack_of(2, pa, pb);

	char *t = render(&r);
	char l1[256], l2[256], l3[256];
	banner_for("WARNING: possible circular locking dependency detected");
	EXPECT_LAYOUT(t,
		"",
		banner_eq,
		"WARNING: possible circular locking dependency detected",
		ident,
		banner_dash,
		"main/100 is trying to acquire lock:",
		lock_glob(l1, sizeof l1, "", 0x1000, "alpha_lock", "3:3", "site_alpha", line_alpha),
		"",
		"but task is already holding lock:",
		lock_glob(l2, sizeof l2, "", 0x2000, "beta_lock", "3:3", "site_beta", line_beta),
		"",
		"which lock already depends on the new lock.",
		"",
		"",
		"the existing dependency chain (in reverse order) is:",
		"",
		"-> #1 (beta_lock){....}-{3:3}:",
		frame_glob(0, "site_beta", line_beta),
		frame_glob(1, "site_alpha", line_alpha),
		"",
		"-> #0 (alpha_lock){....}-{3:3}:",
		frame_glob(2, "site_alpha", line_alpha),
		frame_glob(3, "site_beta", line_beta),
		"",
		"other info that might help us debug this:",
		"",
		" Possible unsafe locking scenario:",
		"",
		"       CPU0                    CPU1",
		"       ----                    ----",
		"  lock(beta_lock);",
		"                               lock(alpha_lock);",
		"                               lock(beta_lock);",
		"  lock(alpha_lock);",
		"",
		" *** DEADLOCK ***",
		"",
		"1 lock held by main/100:",
		lock_glob(l3, sizeof l3, " #0: ", 0x2000, "beta_lock", "3:3", "site_beta", line_beta),
		"",
		"stack backtrace:",
		"FRAMES");
	assert_null(strstr(t, "Chain exists of:"));
	assert_null(strstr(t, "was created at:"));
	free(t);
	ud_report_release(&r);
	assert_null(r.links);
	assert_null(r.held_locks);
}

static void test_circular_three_classes_read(void **state)
{
	(void)state;
	ud_report_class_t a = named_class("c3_a", UD_KIND_RWLOCK);
	ud_report_class_t b = named_class("c3_b", UD_KIND_SPIN);
	ud_report_class_t c = named_class("c3_c", UD_KIND_PSEUDO);
	uintptr_t pa = site_alpha(), pb = site_beta(), pc = site_gamma();

	ud_report_t r = { 0 };
	r.kind = UD_REPORT_CIRCULAR;
	set_thread(&r, "worker", 101);
	r.thread.parent_tid = 100;
	r.thread.origin = stack_of(1, pc);
	r.target = lock_of(a, 0xa0, UD_MODE_READ, pa);
	r.held = lock_of(c, 0xc0, UD_MODE_READ_RECURSIVE, pc);
	ud_report_alloc(&r, 3, 0);
	r.links[0].lock = r.target;
	r.links[0].stack = stack_of(1, pa);
	r.links[0].tid = 101;
	r.links[1].lock = lock_of(b, 0xb0, UD_MODE_WRITE, pb);
	r.links[1].stack = stack_of(1, pb);
	r.links[1].tid = 102;
	snprintf(r.links[1].thread_name, sizeof r.links[1].thread_name, "other");
	r.links[2].lock = r.held;
	r.links[2].stack = stack_of(1, pc);
	r.links[2].tid = 101;
	r.stack = stack_of(1, pa);

	char *t = render(&r);
	char l1[256], l2[256];
	banner_for("WARNING: possible circular locking dependency detected");
	EXPECT_LAYOUT(t,
		"", banner_eq,
		"WARNING: possible circular locking dependency detected",
		ident, banner_dash,
		"worker/101 is trying to acquire lock:",
		lock_glob(l1, sizeof l1, "", 0xa0, "c3_a", "3:3", "site_alpha", line_alpha),
		"",
		"but task is already holding lock:",
		lock_glob(l2, sizeof l2, "", 0xc0, "c3_c", "0:0", "site_gamma", line_gamma),
		"",
		"which lock already depends on the new lock.",
		"", "",
		"the existing dependency chain (in reverse order) is:",
		"",
		"-> #2 (c3_c){....}-{0:0}:",
		frame_glob(0, "site_gamma", line_gamma),
		"",
		"-> #1 (c3_b){....}-{2:2}:",
		"       \\[taken by other/102\\]",
		frame_glob(1, "site_beta", line_beta),
		"",
		"-> #0 (c3_a){....}-{3:3}:",
		frame_glob(2, "site_alpha", line_alpha),
		"",
		"other info that might help us debug this:",
		"",
		"Chain exists of:",
		"  c3_a --> c3_b --> c3_c",
		"",
		" Possible unsafe locking scenario:",
		"",
		"       CPU0                    CPU1",
		"       ----                    ----",
		"  rlock(c3_c);",
		"                               lock(c3_b);",
		"                               lock(c3_c);",
		"  rlock(c3_a);",
		"",
		" *** DEADLOCK ***",
		"",
		"no locks held by worker/101.",
		"",
		"stack backtrace:",
		frame_glob(3, "site_alpha", line_alpha),
		"worker/101 was created at:",
		frame_glob(4, "site_gamma", line_gamma));
	free(t);
	ud_report_release(&r);
}

/* An inlined call site prints one lock line per frame, as the kernel does. */
static void test_inline_frames(void **state)
{
	(void)state;
	ud_report_class_t a = named_class("inl_lock", UD_KIND_MUTEX);
	uintptr_t pd = site_delta();
	ud_report_t r = { 0 };
	r.kind = UD_REPORT_HELD_AT_EXIT;
	set_thread(&r, "main", 100);
	ud_report_alloc(&r, 0, 1);
	r.held_locks[0] = lock_of(a, 0x40, UD_MODE_WRITE, pd);
	r.stack = stack_of(1, pd);

	char *t = render(&r);
	char l1[256], l2[256], f1[160];
	snprintf(l1, sizeof l1,
		 " #0: %016lx (inl_lock){....}-{3:3}, at: inl_helper *test_format_text.c:%d \\[inline\\]",
		 0x40ul, line_inl);
	snprintf(l2, sizeof l2,
		 " #0: %016lx (inl_lock){....}-{3:3}, at: site_delta+0x*/0x* *test_format_text.c:%d",
		 0x40ul, line_delta);
	snprintf(f1, sizeof f1, "       inl_helper *test_format_text.c:%d \\[inline\\]",
		 line_inl);
	banner_for("WARNING: main/100 still has locks held!");
	EXPECT_LAYOUT(t,
		"", banner_eq,
		"WARNING: main/100 still has locks held!",
		ident, banner_dash,
		"1 lock held by main/100:",
		l1, l2,
		"",
		"stack backtrace:",
		f1,
		frame_glob(0, "site_delta", line_delta));
	free(t);
	ud_report_release(&r);
}

/* ---- the other kinds --------------------------------------------------- */

static void test_recursive(void **state)
{
	(void)state;
	ud_report_class_t a = named_class("rec_lock", UD_KIND_MUTEX);
	uintptr_t pa = site_alpha(), pb = site_beta();
	ud_report_t r = { 0 };
	r.kind = UD_REPORT_RECURSIVE;
	set_thread(&r, "main", 100);
	r.target = lock_of(a, 0x10, UD_MODE_WRITE, pb);
	r.held = lock_of(a, 0x20, UD_MODE_WRITE, pa);
	ud_report_alloc(&r, 0, 1);
	r.held_locks[0] = r.held;
	r.stack = stack_of(1, pb);

	char *t = render(&r);
	char l1[256], l2[256], l3[256];
	banner_for("WARNING: possible recursive locking detected");
	EXPECT_LAYOUT(t,
		"", banner_eq,
		"WARNING: possible recursive locking detected",
		ident, banner_dash,
		"main/100 is trying to acquire lock:",
		lock_glob(l1, sizeof l1, "", 0x10, "rec_lock", "3:3", "site_beta", line_beta),
		"",
		"but task is already holding lock:",
		lock_glob(l2, sizeof l2, "", 0x20, "rec_lock", "3:3", "site_alpha", line_alpha),
		"",
		"other info that might help us debug this:",
		" Possible unsafe locking scenario:",
		"",
		"       CPU0",
		"       ----",
		"  lock(rec_lock);",
		"  lock(rec_lock);",
		"",
		" *** DEADLOCK ***",
		"",
		" May be due to missing lock nesting notation",
		"",
		"1 lock held by main/100:",
		lock_glob(l3, sizeof l3, " #0: ", 0x20, "rec_lock", "3:3", "site_alpha", line_alpha),
		"",
		"stack backtrace:",
		"FRAMES");
	free(t);

	/* The very same lock twice: no nesting hint. */
	r.same_instance = true;
	r.target.addr = 0x20;
	t = render(&r);
	assert_non_null(strstr(t, " *** DEADLOCK ***\n\n1 lock held by main/100:\n"));
	assert_null(strstr(t, "nesting notation"));
	free(t);
	ud_report_release(&r);
}

static void test_unlock_balance(void **state)
{
	(void)state;
	ud_report_class_t a = named_class("ub_lock", UD_KIND_MUTEX);
	ud_report_class_t b = named_class("ub_other", UD_KIND_MUTEX);
	uintptr_t pa = site_alpha(), pb = site_beta();
	ud_report_t r = { 0 };
	r.kind = UD_REPORT_UNLOCK_BALANCE;
	set_thread(&r, "main", 100);
	r.target = lock_of(a, 0x30, UD_MODE_WRITE, pa);
	ud_report_alloc(&r, 0, 2);
	r.held_locks[0] = lock_of(b, 0x31, UD_MODE_WRITE, pb);
	r.held_locks[1] = lock_of(b, 0x32, UD_MODE_READ, pb);
	r.stack = stack_of(1, pa);

	char *t = render(&r);
	char l1[256], l2[256];
	banner_for("WARNING: bad unlock balance detected!");
	EXPECT_LAYOUT(t,
		"", banner_eq,
		"WARNING: bad unlock balance detected!",
		ident, banner_dash,
		"main/100 is trying to release lock (ub_lock) at:",
		frame_glob(0, "site_alpha", line_alpha),
		"but there are no more locks to release!",
		"",
		"other info that might help us debug this:",
		"2 locks held by main/100:",
		lock_glob(l1, sizeof l1, " #0: ", 0x31, "ub_other", "3:3", "site_beta", line_beta),
		lock_glob(l2, sizeof l2, " #1: ", 0x32, "ub_other", "3:3", "site_beta", line_beta),
		"",
		"stack backtrace:",
		frame_glob(1, "site_alpha", line_alpha));
	free(t);
	ud_report_release(&r);
}

static void test_held_freed(void **state)
{
	(void)state;
	ud_report_class_t a = named_class("hf_lock", UD_KIND_SPIN);
	uintptr_t pa = site_alpha(), pb = site_beta();
	ud_report_t r = { 0 };
	r.kind = UD_REPORT_HELD_FREED;
	set_thread(&r, "", 100);	/* no name: the program's */
	r.target = lock_of(a, 0x5008, UD_MODE_WRITE, pa);
	r.freed_lo = 0x5000;
	r.freed_hi = 0x5040;
	ud_report_alloc(&r, 0, 1);
	r.held_locks[0] = r.target;
	r.stack = stack_of(1, pb);

	char *t = render(&r);
	char l1[256], l2[256], who[160], freeing[256];
	snprintf(who, sizeof who, "1 lock held by %s/100:", program_invocation_short_name);
	snprintf(freeing, sizeof freeing,
		 "%s/100 is freeing memory 0000000000005000-0000000000005040, with a lock still held there!",
		 program_invocation_short_name);
	banner_for("WARNING: held lock freed!");
	EXPECT_LAYOUT(t,
		"", banner_eq,
		"WARNING: held lock freed!",
		ident, banner_dash,
		freeing,
		lock_glob(l1, sizeof l1, "", 0x5008, "hf_lock", "2:2", "site_alpha", line_alpha),
		who,
		lock_glob(l2, sizeof l2, " #0: ", 0x5008, "hf_lock", "2:2", "site_alpha", line_alpha),
		"",
		"stack backtrace:",
		frame_glob(0, "site_beta", line_beta));
	free(t);
	ud_report_release(&r);
}

static void test_stack_frames_limit(void **state)
{
	(void)state;
	uintptr_t pa = site_alpha(), pb = site_beta(), pc = site_gamma();
	ud_report_t r = { 0 };
	r.kind = UD_REPORT_HELD_AT_EXIT;
	set_thread(&r, "main", 100);
	r.stack = stack_of(3, pa, pb, pc);

	ud_report_set_stack_frames(2);
	char *t = render(&r);
	ud_report_set_stack_frames(16);
	banner_for("WARNING: main/100 still has locks held!");
	EXPECT_LAYOUT(t,
		"", banner_eq,
		"WARNING: main/100 still has locks held!",
		ident, banner_dash,
		"no locks held by main/100.",
		"",
		"stack backtrace:",
		frame_glob(0, "site_alpha", line_alpha),
		frame_glob(1, "site_beta", line_beta));
	free(t);

	t = render(&r);
	assert_non_null(strstr(t, "       site_gamma+0x"));
	free(t);
}

/* ---- class names ------------------------------------------------------- */

static void test_names_versions_and_subclass(void **state)
{
	(void)state;
	ud_report_class_t a = named_class("dup_lock", UD_KIND_MUTEX);
	ud_report_class_t b = named_class("dup_lock", UD_KIND_MUTEX);
	ud_report_class_t c = named_class("dup_lock", UD_KIND_MUTEX);
	ud_report_class_t a1 = a, b2 = b;
	a1.id = next_class_id++;
	a1.key.subclass = 1;
	b2.id = next_class_id++;
	b2.key.subclass = 2;

	/* Versions follow the order of first printing, not of ids. */
	assert_string_equal(ud_report_class_name(&b), "dup_lock");
	assert_string_equal(ud_report_class_name(&a), "dup_lock#2");
	assert_string_equal(ud_report_class_name(&a1), "dup_lock#2/1");
	assert_string_equal(ud_report_class_name(&b2), "dup_lock/2");
	assert_string_equal(ud_report_class_name(&c), "dup_lock#3");
	/* Cached: the same string every time. */
	assert_ptr_equal(ud_report_class_name(&a), ud_report_class_name(&a));

	/* The version shows wherever the class is printed. */
	uintptr_t pa = site_alpha();
	ud_report_t r = { 0 };
	r.kind = UD_REPORT_UNLOCK_BALANCE;
	set_thread(&r, "main", 100);
	r.target = lock_of(a, 0x99, UD_MODE_WRITE, pa);
	char *t = render(&r);
	assert_non_null(strstr(t, "is trying to release lock (dup_lock#2) at:\n"));
	free(t);
}

static void test_names_from_keys(void **state)
{
	(void)state;
	ud_report_class_t c = { 0 };
	char want[160];

	/* A static lock: the variable it lives in. */
	c.id = next_class_id++;
	c.key.kind = UD_KEY_STATIC;
	c.key.addr = c.key.key = (uintptr_t)&static_lock_var;
	assert_string_equal(ud_report_class_name(&c), "static_lock_var");

	/* ... or the field of it, where DWARF tells. */
	c.id = next_class_id++;
	c.key.addr = c.key.key = (uintptr_t)&static_lock_obj.lock;
	assert_string_equal(ud_report_class_name(&c), "static_lock_obj.lock");

	/* A static lock nobody can name: its address. */
	c.id = next_class_id++;
	c.key.addr = c.key.key = 0x18;
	assert_string_equal(ud_report_class_name(&c), "0x18");

	/* Initialised at run time: the last frame stored for the init site. */
	c.id = next_class_id++;
	c.key.kind = UD_KEY_INIT_SITE;
	c.key.key = 0x777001;
	c.key.site = stack_of(2, site_alpha(), site_gamma());
	snprintf(want, sizeof want, "site_gamma@test_format_text.c:%d", line_gamma);
	assert_string_equal(ud_report_class_name(&c), want);

	/* Keyed by its first acquisition. */
	c.id = next_class_id++;
	c.key.kind = UD_KEY_ACQUIRE_SITE;
	c.key.key = 0x777002;
	c.key.site = stack_of(1, site_beta());
	snprintf(want, sizeof want, "acq:site_beta@test_format_text.c:%d", line_beta);
	assert_string_equal(ud_report_class_name(&c), want);

	/* An explicit name wins over the key. */
	c.id = next_class_id++;
	c.key.name = "explicit";
	assert_string_equal(ud_report_class_name(&c), "explicit");
}

/* ---- submission: dedup, report_max, summary --------------------------- */

static ud_report_t simple_report(uint64_t sig, const char *cls_name)
{
	ud_report_t r = { 0 };
	r.kind = UD_REPORT_UNLOCK_BALANCE;
	set_thread(&r, "main", 100);
	r.target = lock_of(named_class(cls_name, UD_KIND_MUTEX), 0x77, UD_MODE_WRITE,
			   site_alpha());
	r.signature = sig;
	return r;
}

static void test_dedup_by_signature(void **state)
{
	(void)state;
	unsigned d0 = ud_report_count_distinct(), t0 = ud_report_count_total();
	unsigned calls0 = sink_calls;
	uint64_t sig = 0xdead0000 + next_signature++;

	ud_report_t r = simple_report(sig, "dd_lock");
	assert_true(ud_report_submit(&r));
	assert_int_equal(sink_calls, calls0 + 1);
	assert_non_null(strstr(captured.data, "is trying to release lock (dd_lock) at:"));

	/* Same signature, other details: counted, not shown. */
	ud_report_t r2 = simple_report(sig, "dd_lock_other");
	assert_false(ud_report_submit(&r2));
	assert_false(ud_report_submit(&r2));
	assert_int_equal(sink_calls, calls0 + 1);
	assert_int_equal(ud_report_count_distinct(), d0 + 1);
	assert_int_equal(ud_report_count_total(), t0 + 3);

	/* Another signature is another problem. */
	ud_report_t r3 = simple_report(sig + 0x10000, "dd_lock");
	assert_true(ud_report_submit(&r3));
	assert_int_equal(sink_calls, calls0 + 2);
	assert_int_equal(ud_report_count_distinct(), d0 + 2);

	ud_buf_t s = { 0 };
	ud_report_format_summary(&s);
	char head[128];
	snprintf(head, sizeof head, "ulockdep: %u distinct problems reported (%u hits)\n",
		 d0 + 2, t0 + 4);
	assert_non_null(s.data);
	assert_true(strncmp(s.data, head, strlen(head)) == 0);
	assert_non_null(strstr(s.data, "\n  3x bad unlock balance in site_alpha (dd_lock)\n"));
	assert_non_null(strstr(s.data, "\n  1x bad unlock balance in site_alpha (dd_lock#2)\n"));
	ud_buf_free(&s);
}

static void test_report_max(void **state)
{
	(void)state;
	/* Every report so far was shown: allow one more distinct one. */
	ud_report_set_max(ud_report_count_distinct() + 1);
	unsigned calls0 = sink_calls, d0 = ud_report_count_distinct();

	ud_report_t r1 = simple_report(0xbeef0000 + next_signature++, "max_a");
	ud_report_t r2 = simple_report(0xbeef0000 + next_signature++, "max_b");
	assert_true(ud_report_submit(&r1));
	assert_false(ud_report_submit(&r2));
	assert_false(ud_report_submit(&r2));
	assert_int_equal(sink_calls, calls0 + 1);
	/* Dropped problems still count (the exit status depends on them). */
	assert_int_equal(ud_report_count_distinct(), d0 + 2);

	ud_buf_t s = { 0 };
	ud_report_format_summary(&s);
	assert_non_null(strstr(s.data, "\n  2x bad unlock balance in site_alpha (max_b) (not shown: report_max)\n"));
	assert_non_null(strstr(s.data, "\n  1x bad unlock balance in site_alpha (max_a)\n"));
	ud_buf_free(&s);

	ud_report_set_max(0);
	ud_report_t r3 = simple_report(0xbeef0000 + next_signature++, "max_c");
	assert_true(ud_report_submit(&r3));
}

/* Concurrent submissions: every one counted, never two in the sink at once. */
#define NTHREADS 4
#define PER_THREAD 200

static ud_report_class_t conc_class;

static void *submitter(void *arg)
{
	uintptr_t base = (uintptr_t)arg;
	for (unsigned i = 0; i < PER_THREAD; i++) {
		ud_report_t r = { 0 };
		r.kind = UD_REPORT_RECURSIVE;
		set_thread(&r, "conc", 200 + (int)base);
		r.target = lock_of(conc_class, 0x1, UD_MODE_WRITE, 0);
		r.held = r.target;
		/* Half the signatures are shared by all threads. */
		r.signature = (i % 2) ? 0xc0c00000 + i : 0xc1c10000 + base * 1000 + i;
		ud_report_submit(&r);
	}
	return NULL;
}

static void test_concurrent_submit(void **state)
{
	(void)state;
	conc_class = named_class("conc_lock", UD_KIND_MUTEX);
	unsigned d0 = ud_report_count_distinct(), t0 = ud_report_count_total();
	unsigned calls0 = sink_calls;
	pthread_t th[NTHREADS];
	for (uintptr_t i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, submitter, (void *)i), 0);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	unsigned distinct = PER_THREAD / 2 + NTHREADS * (PER_THREAD / 2);
	assert_int_equal(ud_report_count_total(), t0 + NTHREADS * PER_THREAD);
	assert_int_equal(ud_report_count_distinct(), d0 + distinct);
	assert_int_equal(sink_calls, calls0 + distinct);
	assert_false(atomic_load(&sink_misused));
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char data[1 << 16];
	size_t n = fread(data, 1, sizeof data - 1, f);
	fclose(f);
	data[n] = 0;
	return data;
}

/* The default sink: kernel text through the log, then the exit summary. */
static void test_default_sink_writes_log(void **state)
{
	(void)state;
	char dir[] = "/tmp/ud_fmt_XXXXXX", base[64], path[96];
	assert_non_null(mkdtemp(dir));
	snprintf(base, sizeof base, "%s/log", dir);
	snprintf(path, sizeof path, "%s.%d", base, (int)getpid());
	assert_int_equal(ud_log_init(base), 0);

	ud_report_set_sink(NULL, NULL);
	ud_report_t r = simple_report(0xfeed0000 + next_signature++, "log_lock");
	assert_true(ud_report_submit(&r));
	ud_report_print_summary();
	ud_report_set_sink(capture_sink, &captured);
	assert_int_equal(ud_log_init(NULL), 0);

	const char *text = read_file(path);
	const char *title = strstr(text, "\nWARNING: bad unlock balance detected!\n");
	const char *line = strstr(text, "main/100 is trying to release lock (log_lock) at:\n");
	const char *sum = strstr(text, "ulockdep: ");
	assert_non_null(title);
	assert_non_null(line);
	assert_non_null(sum);
	assert_true(title < line && line < sum);
	assert_non_null(strstr(sum, "\n  1x bad unlock balance in site_alpha (log_lock)\n"));
	unlink(path);
	rmdir(dir);
}

/* The engine fills held_locks itself, then asks for the links only. */
static void test_alloc_keeps_held_array(void **state)
{
	(void)state;
	ud_report_t r = { 0 };
	r.held_locks = ud_alloc(3 * sizeof *r.held_locks);
	r.nheld = 3;
	ud_report_lock_t *held = r.held_locks;
	held[2].addr = 0x1234;
	ud_report_alloc(&r, 4, 0);
	assert_ptr_equal(r.held_locks, held);
	assert_int_equal(r.nheld, 3);
	assert_int_equal(r.held_locks[2].addr, 0x1234);
	assert_non_null(r.links);
	assert_int_equal(r.nlinks, 4);
	assert_int_equal(r.links[3].tid, 0);	/* zeroed */
	ud_report_release(&r);
	assert_null(r.links);
	assert_null(r.held_locks);
	assert_int_equal(r.nlinks + r.nheld, 0);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(ud_report_kind_name(UD_REPORT_CIRCULAR), "circular");
	assert_string_equal(ud_report_kind_name(UD_REPORT_RECURSIVE), "recursive");
	assert_string_equal(ud_report_kind_name(UD_REPORT_UNLOCK_BALANCE), "unlock_balance");
	assert_string_equal(ud_report_kind_name(UD_REPORT_HELD_FREED), "held_freed");
	assert_string_equal(ud_report_kind_name(UD_REPORT_HELD_AT_EXIT), "held_at_exit");
	/* Every kind of the list says everything; a value outside it is unknown. */
	for (unsigned k = 0; k < UD_REPORT_KIND_COUNT; k++) {
		const ud_report_kind_info_t *i = ud_report_kind_info((ud_report_kind_t)k);
		assert_non_null(i);
		const char *col[] = { i->word, i->headline, i->title, i->level,
				      i->rule, i->text, i->located, i->help };
		for (unsigned c = 0; c < sizeof col / sizeof *col; c++)
			assert_true(col[c] && col[c][0]);
	}
	assert_null(ud_report_kind_info(UD_REPORT_KIND_COUNT));
	assert_string_equal(ud_report_kind_name(UD_REPORT_KIND_COUNT), "unknown");
}

/* A headline's <thread> and <signal> filled in; a kind outside the list. */
static void test_kind_headlines(void **state)
{
	(void)state;
	ud_report_t r = { .kind = UD_REPORT_SIG_ORDER, .detail = SIGUSR1 };
	ud_buf_t b = { 0 };
	ud_report_format_title(&r, &b);
	assert_string_equal(b.data,
		"WARNING: SIGUSR1-safe -> SIGUSR1-unsafe lock order detected");
	b.len = 0;
	r.kind = UD_REPORT_HELD_AT_EXIT;
	r.thread.tid = 7;
	memcpy(r.thread.name, "worker", 7);
	ud_report_format_title(&r, &b);
	assert_string_equal(b.data, "WARNING: worker/7 still has locks held!");
	b.len = 0;
	r.kind = UD_REPORT_KIND_COUNT;
	ud_report_format_title(&r, &b);
	char want[64];
	snprintf(want, sizeof want, "WARNING: unknown report kind %d", UD_REPORT_KIND_COUNT);
	assert_string_equal(b.data, want);
	ud_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_circular_two_classes),
		cmocka_unit_test(test_circular_three_classes_read),
		cmocka_unit_test(test_inline_frames),
		cmocka_unit_test(test_recursive),
		cmocka_unit_test(test_unlock_balance),
		cmocka_unit_test(test_held_freed),
		cmocka_unit_test(test_stack_frames_limit),
		cmocka_unit_test(test_names_versions_and_subclass),
		cmocka_unit_test(test_names_from_keys),
		cmocka_unit_test(test_dedup_by_signature),
		cmocka_unit_test(test_report_max),
		cmocka_unit_test(test_concurrent_submit),
		cmocka_unit_test(test_default_sink_writes_log),
		cmocka_unit_test(test_alloc_keeps_held_array),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_kind_headlines),
	};
	return cmocka_run_group_tests(tests, setup_sink, NULL);
}
