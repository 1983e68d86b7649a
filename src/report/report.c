/*
** report.c: where finished reports go.
**
** One report per distinct problem: the engine gives each report a signature,
** and a signature already seen is only counted. A new one goes to the sink
** (kernel-format text on the log by default) unless report_max distinct
** reports were shown already. report_lock guards the signature table, the
** counters and the sink, and is held while the sink runs, so that reports
** from several threads come out whole and one after the other. At exit
** ud_report_print_summary() lists what was found.
*/
#include "format.h"

#include <stdatomic.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/lock.h"
#include "../base/log.h"

#define DESC_MAX 160

typedef struct seen {
	bool used;
	bool shown;		/* false: dropped by report_max */
	ud_report_kind_t kind;
	uint64_t signature;
	unsigned hits;
	unsigned order;		/* first-seen order, for the summary */
	char desc[DESC_MAX];	/* one line for the summary */
} seen_t;

static ud_lock_t report_lock = UD_LOCK_INIT;
static seen_t *seen;		/* open addressing on the signature */
static size_t seen_cap, seen_used;
static unsigned count_shown, count_distinct, count_total;
static unsigned report_max;
static ud_report_sink_fn sink_fn = ud_report_sink_text;
static void *sink_arg;
static _Atomic unsigned stack_frames = 16;

/* ---- report arrays ---------------------------------------------------- */

/*
** The arrays are plain ud_alloc blocks of exactly n entries, freed with the
** counts the report holds: the engine may allocate held_locks itself
** (ud_report_fill_held) and then call ud_report_alloc(r, n, 0), so a zero
** count leaves that array alone.
*/
void ud_report_alloc(ud_report_t *r, unsigned nlinks, unsigned nheld)
{
	if (nlinks) {
		r->links = ud_alloc((size_t)nlinks * sizeof *r->links);
		r->nlinks = nlinks;
	}
	if (nheld) {
		r->held_locks = ud_alloc((size_t)nheld * sizeof *r->held_locks);
		r->nheld = nheld;
	}
}

void ud_report_release(ud_report_t *r)
{
	if (r->links)
		ud_free(r->links, (size_t)r->nlinks * sizeof *r->links);
	if (r->held_locks)
		ud_free(r->held_locks, (size_t)r->nheld * sizeof *r->held_locks);
	r->links = NULL;
	r->held_locks = NULL;
	r->nlinks = r->nheld = 0;
}

/* ---- settings --------------------------------------------------------- */

void ud_report_set_stack_frames(unsigned n)
{
	atomic_store_explicit(&stack_frames, n, memory_order_relaxed);
}

unsigned ud_report_stack_frames(void)
{
	unsigned n = atomic_load_explicit(&stack_frames, memory_order_relaxed);
	/* 0: every frame that was captured. */
	return n ? n : UD_STACK_MAX_FRAMES;
}

void ud_report_set_max(unsigned max)
{
	ud_lock_acquire(&report_lock);
	report_max = max;
	ud_lock_release(&report_lock);
}

void ud_report_set_sink(ud_report_sink_fn fn, void *arg)
{
	ud_lock_acquire(&report_lock);
	sink_fn = fn ? fn : ud_report_sink_text;
	sink_arg = fn ? arg : NULL;
	ud_lock_release(&report_lock);
}

void ud_report_sink_text(const ud_report_t *r, void *arg)
{
	(void)arg;
	ud_buf_t b = { 0 };
	ud_report_format_text(r, &b);
	ud_log_write(b.data, b.len);
	ud_buf_free(&b);
}

/* ---- signature table -------------------------------------------------- */

static size_t slot_of(uint64_t sig, size_t cap)
{
	sig ^= sig >> 33;
	sig *= 0xff51afd7ed558ccdull;
	sig ^= sig >> 33;
	return (size_t)sig & (cap - 1);
}

/* The entry for sig, created (zeroed, used) if new; *fresh tells which. */
static seen_t *lookup(uint64_t sig, bool *fresh)
{
	if ((seen_used + 1) * 2 > seen_cap) {
		size_t ncap = seen_cap ? seen_cap * 2 : 32;
		seen_t *nt = ud_alloc(ncap * sizeof *nt);
		for (size_t i = 0; i < seen_cap; i++) {
			if (!seen[i].used)
				continue;
			size_t j = slot_of(seen[i].signature, ncap);
			while (nt[j].used)
				j = (j + 1) & (ncap - 1);
			nt[j] = seen[i];
		}
		ud_free(seen, seen_cap * sizeof *seen);
		seen = nt;
		seen_cap = ncap;
	}
	size_t i = slot_of(sig, seen_cap);
	for (; seen[i].used; i = (i + 1) & (seen_cap - 1)) {
		if (seen[i].signature == sig) {
			*fresh = false;
			return &seen[i];
		}
	}
	seen_used++;
	seen[i].used = true;
	seen[i].signature = sig;
	*fresh = true;
	return &seen[i];
}

static const char *short_title(ud_report_kind_t k)
{
	switch (k) {
	case UD_REPORT_CIRCULAR: return "possible circular locking dependency";
	case UD_REPORT_RECURSIVE: return "possible recursive locking";
	case UD_REPORT_UNLOCK_BALANCE: return "bad unlock balance";
	case UD_REPORT_HELD_FREED: return "held lock freed";
	case UD_REPORT_HELD_AT_EXIT: return "locks held at thread exit";
	default: return "unknown problem";
	}
}

/* "<short title>: <classes involved>", for the summary. */
static void describe(const ud_report_t *r, char *out, size_t len)
{
	ud_buf_t b = { 0 };
	ud_buf_printf(&b, "%s: ", short_title(r->kind));
	switch (r->kind) {
	case UD_REPORT_CIRCULAR:
		/* The cycle: #0 -> #1 -> ... -> #N -> #0. */
		for (unsigned i = 0; i < r->nlinks; i++)
			ud_buf_printf(&b, "%s -> ",
				      ud_report_class_name(&r->links[i].lock.cls));
		ud_buf_puts(&b, ud_report_class_name(&r->target.cls));
		break;
	case UD_REPORT_HELD_AT_EXIT:
		for (unsigned i = 0; i < r->nheld; i++)
			ud_buf_printf(&b, "%s%s", i ? ", " : "",
				      ud_report_class_name(&r->held_locks[i].cls));
		break;
	default:
		ud_buf_puts(&b, ud_report_class_name(&r->target.cls));
		break;
	}
	size_t n = b.len < len - 1 ? b.len : len - 1;
	memcpy(out, b.data, n);
	out[n] = 0;
	/* A line cut short says so. */
	if (b.len > n && n >= 3)
		memcpy(out + n - 3, "...", 3);
	ud_buf_free(&b);
}

static void (*section_enter)(void), (*section_leave)(void);

void ud_report_set_section_hooks(void (*enter)(void), void (*leave)(void))
{
	section_enter = enter;
	section_leave = leave;
}

void ud_report_fork_child(void)
{
	ud_lock_reset(&report_lock);
	ud_report_names_fork_child();
}

bool ud_report_submit(ud_report_t *r)
{
	bool shown = false, fresh;
	if (section_enter)
		section_enter();
	ud_lock_acquire(&report_lock);
	seen_t *s = lookup(r->signature, &fresh);
	s->hits++;
	count_total++;
	if (fresh) {
		s->kind = r->kind;
		s->order = count_distinct++;
		describe(r, s->desc, sizeof s->desc);
		if (report_max == 0 || count_shown < report_max) {
			s->shown = shown = true;
			count_shown++;
			/* Under the lock: one report is written before the next. */
			sink_fn(r, sink_arg);
		}
	}
	ud_lock_release(&report_lock);
	if (section_leave)
		section_leave();
	return shown;
}

/* ---- counts and summary ----------------------------------------------- */

unsigned ud_report_count_distinct(void)
{
	ud_lock_acquire(&report_lock);
	unsigned n = count_distinct;
	ud_lock_release(&report_lock);
	return n;
}

unsigned ud_report_count_total(void)
{
	ud_lock_acquire(&report_lock);
	unsigned n = count_total;
	ud_lock_release(&report_lock);
	return n;
}

const char *ud_report_kind_name(ud_report_kind_t k)
{
	/* The words scenario tests use in their EXPECT lines. */
	switch (k) {
	case UD_REPORT_CIRCULAR: return "circular";
	case UD_REPORT_RECURSIVE: return "recursive";
	case UD_REPORT_UNLOCK_BALANCE: return "unlock_balance";
	case UD_REPORT_HELD_FREED: return "held_freed";
	case UD_REPORT_HELD_AT_EXIT: return "held_at_exit";
	default: return "unknown";
	}
}

void ud_report_format_summary(ud_buf_t *b)
{
	ud_lock_acquire(&report_lock);
	if (count_distinct == 0) {
		ud_lock_release(&report_lock);
		return;
	}
	ud_buf_printf(b, "ulockdep: %u distinct problem%s reported (%u hit%s)\n",
		      count_distinct, count_distinct == 1 ? "" : "s",
		      count_total, count_total == 1 ? "" : "s");
	/* In the order they were first found. */
	for (unsigned k = 0; k < count_distinct; k++) {
		for (size_t i = 0; i < seen_cap; i++) {
			const seen_t *s = &seen[i];
			if (!s->used || s->order != k)
				continue;
			ud_buf_printf(b, "  %ux %s%s\n", s->hits, s->desc,
				      s->shown ? "" : " (not shown: report_max)");
			break;
		}
	}
	ud_lock_release(&report_lock);
}

void ud_report_print_summary(void)
{
	ud_buf_t b = { 0 };
	ud_report_format_summary(&b);
	if (b.len)
		ud_log_write(b.data, b.len);
	ud_buf_free(&b);
}
