/*
** report.c: where finished reports go.
**
** One report per distinct problem: the engine gives each report a signature,
** and a signature already seen is only counted. A new one is first matched
** against the suppressions (a suppressed problem is counted apart and never
** shown), then goes to the sink of the chosen format (kernel-format text on
** the log by default) unless report_max distinct reports were shown already.
** report_lock guards the signature table, the counters, the suppressions and
** the sink, and is held while the sink runs, so that reports from several
** threads come out whole and one after the other. At exit
** ud_report_print_summary() and ud_report_finish() close the output.
*/
#include "format.h"
#include "output.h"
#include "suppress.h"

#include <stdatomic.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/hash.h"
#include "../base/lock.h"
#include "../base/own_stack.h"
#include "../base/log.h"
#include "../symbolize/symbolize.h"

#define TITLE_MAX 240

typedef struct seen {
	bool used;
	bool shown;		/* false: dropped by report_max */
	bool suppressed;	/* matched suppression rule `rule` */
	unsigned rule;
	ud_report_kind_t kind;
	uint64_t signature;
	uint64_t fingerprint;	/* stable across processes (fingerprint.c) */
	unsigned hits;
	unsigned order;		/* first-seen order, for the summary */
	char title[TITLE_MAX];	/* title and classes, for the summary */
} seen_t;

static ud_lock_t report_lock = UD_LOCK_INIT;
static seen_t *seen;		/* open addressing on the signature */
static size_t seen_cap, seen_used;
static unsigned count_shown, count_distinct, count_total, count_suppressed;
static unsigned report_max;
static ud_report_sink_fn sink_fn = ud_report_sink_text;
static void *sink_arg;
static ud_report_format_t out_format = UD_FORMAT_TEXT;
static ud_supp_list_t supps;
static bool print_supps;
static _Atomic unsigned stack_frames = 16;
static _Atomic bool gen_supps;
/* Process records: the JSON line of each report shown, and how many. */
static bool keep_json;
static ud_buf_t kept_json;
static unsigned kept_count;

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

void ud_report_set_gen_suppressions(bool on)
{
	atomic_store_explicit(&gen_supps, on, memory_order_relaxed);
}

bool ud_report_gen_suppressions(void)
{
	return atomic_load_explicit(&gen_supps, memory_order_relaxed);
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

/*
** gen_suppressions after a text report: a comment naming the problem as the
** summary does, then the rule, so the two lines can be pasted into a
** suppressions file as they are.
*/
static void put_suppression_text(const ud_report_t *r, ud_buf_t *b)
{
	ud_buf_puts(b, "\n# suppression for: ");
	ud_report_format_short_title(r, b);
	ud_buf_puts(b, " (");
	ud_report_format_classes(r, b);
	ud_buf_puts(b, ")\n");
	if (!ud_report_suppression_gen(r, b))
		ud_buf_puts(b, "# (no rule can name this report)");
	ud_buf_puts(b, "\n");
}

void ud_report_sink_text(const ud_report_t *r, void *arg)
{
	(void)arg;
	ud_buf_t b = { 0 };
	ud_report_format_text(r, &b);
	if (ud_report_gen_suppressions())
		put_suppression_text(r, &b);
	/* Names come from the program (threads, annotations, symbols): none
	** may drive the terminal. */
	ud_text_sanitize(b.data, b.len, true);
	ud_log_write(b.data, b.len);
	ud_buf_free(&b);
}

/* ---- signature table -------------------------------------------------- */

/* Signatures are hashes already, but mixed again: the table indexes with
** their low bits. */
static size_t slot_of(uint64_t sig, size_t cap)
{
	return (size_t)ud_hash_mix(sig) & (cap - 1);
}

static bool entry_used(const void *e)
{
	return ((const seen_t *)e)->used;
}

static size_t entry_home(const void *e, size_t cap)
{
	return slot_of(((const seen_t *)e)->signature, cap);
}

static const ud_table_type_t seen_type = { sizeof(seen_t), entry_used, entry_home };

/* The entry for sig, created (zeroed, used) if new; *fresh tells which. */
static seen_t *lookup(uint64_t sig, bool *fresh)
{
	if ((seen_used + 1) * 2 > seen_cap) {
		size_t ncap = seen_cap ? seen_cap * 2 : 32;
		seen = ud_table_grow(&seen_type, seen, seen_cap, ncap);
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

/* "<title> (<classes>)" for the summary, cut to fit with "..." at the end. */
static void describe(const ud_report_t *r, char *out, size_t len)
{
	ud_buf_t b = { 0 };
	ud_report_format_short_title(r, &b);
	ud_buf_puts(&b, " (");
	ud_report_format_classes(r, &b);
	ud_buf_puts(&b, ")");
	size_t n = b.len < len - 1 ? b.len : len - 1;
	memcpy(out, b.data, n);
	out[n] = 0;
	if (b.len > n && n >= 3)
		memcpy(out + n - 3, "...", 3);
	ud_buf_free(&b);
}

/*
** Reports that could not wait for report_lock (ud_report_submit_nowait):
** copies, pushed here, printed by whichever thread holds the lock next.
*/
typedef struct queued {
	struct queued *next;
	size_t size;
	ud_report_t r;
} queued_t;
static _Atomic(queued_t *) queue;

static void (*section_enter)(void), (*section_leave)(void);

void ud_report_set_section_hooks(void (*enter)(void), void (*leave)(void))
{
	section_enter = enter;
	section_leave = leave;
}

void ud_report_fork_child(void)
{
	ud_lock_reset(&report_lock);
	/* Reports queued in the parent are the parent's to print. */
	atomic_store(&queue, NULL);
	ud_report_names_fork_child();
	ud_report_identity_fork_child();
	/* The parent writes its own SARIF log; the child's holds what it finds. */
	ud_report_sarif_reset();
	/* A child's record holds the reports it printed itself. */
	ud_buf_free(&kept_json);
	kept_count = 0;
}

void ud_report_set_keep_json(bool on)
{
	ud_lock_acquire(&report_lock);
	keep_json = on;
	ud_lock_release(&report_lock);
}

unsigned ud_report_kept_json(ud_buf_t *out)
{
	/* A fatal signal in the middle of a report: its lines are half made. */
	if (ud_lock_held_by_me(&report_lock))
		return 0;
	ud_lock_acquire(&report_lock);
	if (kept_json.len)
		ud_buf_append(out, kept_json.data, kept_json.len);
	unsigned n = kept_count;
	ud_lock_release(&report_lock);
	return n;
}

/*
** Reports are matched, formatted and symbolized on a stack of the report
** layer's own (own_stack.h): the reporting thread's may be 16 KiB, and libdw
** needs far more. Only under report_lock.
*/
static ud_own_stack_t report_stack = UD_OWN_STACK_INIT(8u << 20);

typedef struct submit_job {
	ud_report_t *r;
	bool shown;
	bool ring;		/* silenced by a ring: rule */
} submit_job_t;

/* report_lock held, on report_stack. */
static void submit_locked(void *arg)
{
	submit_job_t *job = arg;
	ud_report_t *r = job->r;
	bool fresh;
	seen_t *s = lookup(r->signature, &fresh);
	s->hits++;
	if (fresh && supps.n) {
		int rule = ud_report_suppression_match(r, &supps);
		if (rule >= 0) {
			s->suppressed = true;
			s->rule = (unsigned)rule;
			count_suppressed++;
			job->ring = supps.rules[rule].type == UD_SUPP_RING;
		}
	}
	if (s->suppressed) {
		/* Counted apart: neither shown nor part of the exit status. */
		supps.rules[s->rule].hits++;
		fresh = false;
	} else {
		count_total++;
	}
	if (fresh) {
		s->kind = r->kind;
		s->fingerprint = ud_report_fingerprint(r);
		s->order = count_distinct++;
		describe(r, s->title, sizeof s->title);
		if (report_max == 0 || count_shown < report_max) {
			s->shown = job->shown = true;
			count_shown++;
			/* Under the lock: one report is written before the next. */
			sink_fn(r, sink_arg);
			if (keep_json) {
				ud_buf_puts(&kept_json, "{\"report\":");
				ud_report_format_json(r, &kept_json);
				/* The object's own newline ends the line. */
				if (kept_json.len && kept_json.data[kept_json.len - 1] == '\n')
					kept_json.len--;
				ud_buf_puts(&kept_json, "}\n");
				kept_count++;
			}
		}
	}
}

/* report_lock held, on report_stack: the queued reports, oldest first. */
static void drain_locked(void *arg)
{
	(void)arg;
	queued_t *q = atomic_exchange(&queue, NULL);
	queued_t *fifo = NULL;
	while (q) {
		queued_t *next = q->next;
		q->next = fifo;
		fifo = q;
		q = next;
	}
	while (fifo) {
		queued_t *next = fifo->next;
		submit_job_t job = { &fifo->r, false, false };
		submit_locked(&job);
		ud_free(fifo, fifo->size);
		fifo = next;
	}
}

/* Take report_lock's queue before it is released (report_lock held). */
static void drain(void)
{
	if (atomic_load_explicit(&queue, memory_order_acquire))
		ud_own_stack_run(&report_stack, drain_locked, NULL);
}

static void (*ring_hook)(const ud_report_class_t *cls);

void ud_report_set_ring_hook(void (*fn)(const ud_report_class_t *cls))
{
	ring_hook = fn;
}

bool ud_report_submit(ud_report_t *r)
{
	submit_job_t job = { r, false, false };
	if (section_enter)
		section_enter();
	ud_lock_acquire(&report_lock);
	drain();
	ud_own_stack_run(&report_stack, submit_locked, &job);
	ud_lock_release(&report_lock);
	if (section_leave)
		section_leave();
	/* After report_lock: the hook takes the engine's lock. */
	if (job.ring && ring_hook)
		ring_hook(&r->target.cls);
	return job.shown;
}

void ud_report_submit_nowait(ud_report_t *r)
{
	/* One block: the report and the arrays it points to. */
	size_t links = r->nlinks * sizeof *r->links;
	size_t held = r->nheld * sizeof *r->held_locks;
	size_t size = sizeof(queued_t) + links + held;
	queued_t *q = ud_alloc(size);
	q->size = size;
	q->r = *r;
	char *extra = (char *)(q + 1);
	if (links) {
		q->r.links = memcpy(extra, r->links, links);
		extra += links;
	}
	if (held)
		q->r.held_locks = memcpy(extra, r->held_locks, held);
	q->next = atomic_load(&queue);
	while (!atomic_compare_exchange_weak(&queue, &q->next, q))
		;
	if (section_enter)
		section_enter();
	/* Whoever holds the lock may be waiting for something this thread
	** holds (the heap's lock, if a signal interrupted malloc): print now
	** only if the lock is free, else leave it to the holder. The second
	** look catches a holder that let go before the push. */
	while (atomic_load(&queue) && ud_lock_try_acquire(&report_lock)) {
		drain();
		ud_lock_release(&report_lock);
	}
	if (section_leave)
		section_leave();
}

/* ---- counts and summary ----------------------------------------------- */

unsigned ud_report_count_distinct(void)
{
	ud_lock_acquire(&report_lock);
	drain();
	unsigned n = count_distinct;
	ud_lock_release(&report_lock);
	return n;
}

unsigned ud_report_count_total(void)
{
	ud_lock_acquire(&report_lock);
	drain();
	unsigned n = count_total;
	ud_lock_release(&report_lock);
	return n;
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
			if (!s->used || s->suppressed || s->order != k)
				continue;
			ud_buf_printf(b, "  %ux %s%s\n", s->hits, s->title,
				      s->shown ? "" : " (not shown: report_max)");
			break;
		}
	}
	ud_lock_release(&report_lock);
}

/* The summary as one JSON line: counts, then one entry per problem. */
static void format_summary_json_locked(ud_buf_t *b)
{
	ud_buf_printf(b, "{\"schema_version\":%d,\"kind\":\"summary\","
		      "\"distinct\":%u,\"hits\":%u,\"suppressed\":%u,\"problems\":[",
		      UD_JSON_SCHEMA_VERSION, count_distinct, count_total,
		      count_suppressed);
	for (unsigned k = 0; k < count_distinct; k++) {
		for (size_t i = 0; i < seen_cap; i++) {
			const seen_t *s = &seen[i];
			if (!s->used || s->suppressed || s->order != k)
				continue;
			ud_buf_printf(b, "%s{\"kind\":\"%s\",\"description\":", k ? "," : "",
				      ud_report_kind_name(s->kind));
			ud_json_str(b, s->title);
			ud_buf_printf(b, ",\"hits\":%u,\"shown\":%s,"
				      "\"signature\":\"%016llx\"}", s->hits,
				      s->shown ? "true" : "false",
				      (unsigned long long)s->fingerprint);
			break;
		}
	}
	ud_buf_puts(b, "]}\n");
}

void ud_report_print_summary(void)
{
	ud_buf_t b = { 0 };
	ud_lock_acquire(&report_lock);
	drain();
	ud_report_format_t f = out_format;
	bool any = count_distinct > 0;
	if (f == UD_FORMAT_JSON && any)
		format_summary_json_locked(&b);
	ud_lock_release(&report_lock);
	/* The SARIF log holds the counts itself (occurrenceCount). */
	if (f == UD_FORMAT_TEXT) {
		ud_report_format_summary(&b);
		ud_text_sanitize(b.data, b.len, true);
	}
	if (b.len)
		ud_log_write(b.data, b.len);
	ud_buf_free(&b);
}

/* ---- formats, suppressions, the end of the run --------------------------- */

int ud_report_format_parse(const char *name)
{
	if (!name || !strcmp(name, "text"))
		return UD_FORMAT_TEXT;
	if (!strcmp(name, "json"))
		return UD_FORMAT_JSON;
	if (!strcmp(name, "sarif"))
		return UD_FORMAT_SARIF;
	return -1;
}

void ud_report_set_format(ud_report_format_t f)
{
	ud_lock_acquire(&report_lock);
	out_format = f;
	sink_fn = f == UD_FORMAT_JSON ? ud_report_sink_json :
		  f == UD_FORMAT_SARIF ? ud_report_sink_sarif : ud_report_sink_text;
	sink_arg = NULL;
	ud_lock_release(&report_lock);
}

/*
** The wrapper: and constructor: lines, for class keys. The lock path reads
** them under the symbolizer's lock, which report_lock may be held around,
** so they are a copy of their own, published once and never freed.
*/
static _Atomic(ud_supp_list_t *) class_rules;

static int class_rule(const char *function)
{
	const ud_supp_list_t *l = atomic_load(&class_rules);
	return l ? ud_supp_wrapper_rule(l, function) : 0;
}

static void set_class_rules(const ud_supp_list_t *from)
{
	ud_supp_list_t *l = ud_alloc(sizeof *l);
	*l = (ud_supp_list_t){ 0 };
	for (unsigned i = 0; i < from->n; i++) {
		const ud_supp_rule_t *r = &from->rules[i];
		if (r->type != UD_SUPP_WRAPPER && r->type != UD_SUPP_CONSTRUCTOR)
			continue;
		if (l->n == l->cap) {
			unsigned cap = l->cap ? l->cap * 2 : 8;
			l->rules = ud_realloc(l->rules, l->cap * sizeof *l->rules,
					      cap * sizeof *l->rules);
			l->cap = cap;
		}
		ud_supp_rule_t *c = &l->rules[l->n++];
		*c = *r;
		c->pattern = ud_alloc(r->pattern_size);
		memcpy(c->pattern, r->pattern, r->pattern_size);
	}
	if (!l->n && !atomic_load(&class_rules)) {
		ud_free(l, sizeof *l);	/* nothing to say, nothing said before */
		return;
	}
	atomic_store(&class_rules, l);	/* an older list is left as it was */
	ud_symbolize_set_user_rule(class_rule);
}

int ud_report_load_suppressions(const char *path, char *err, size_t errlen)
{
	ud_supp_list_t l = { 0 };
	if (ud_supp_load(&l, path, err, errlen) < 0) {
		ud_supp_free(&l);
		return -1;
	}
	set_class_rules(&l);
	ud_lock_acquire(&report_lock);
	ud_supp_list_t old = supps;
	supps = l;
	ud_lock_release(&report_lock);
	ud_supp_free(&old);
	return 0;
}

void ud_report_set_print_suppressions(bool on)
{
	ud_lock_acquire(&report_lock);
	print_supps = on;
	ud_lock_release(&report_lock);
}

unsigned ud_report_count_suppressed(void)
{
	ud_lock_acquire(&report_lock);
	unsigned n = count_suppressed;
	ud_lock_release(&report_lock);
	return n;
}

unsigned ud_report_hits_locked(uint64_t signature)
{
	if (!seen_cap)
		return 0;
	for (size_t i = slot_of(signature, seen_cap); seen[i].used;
	     i = (i + 1) & (seen_cap - 1))
		if (seen[i].signature == signature)
			return seen[i].hits;
	return 0;
}

void ud_report_format_supp_json_locked(ud_buf_t *b)
{
	ud_buf_puts(b, "[");
	bool first = true;
	for (unsigned i = 0; i < supps.n; i++) {
		const ud_supp_rule_t *r = &supps.rules[i];
		if (!r->hits)
			continue;
		ud_buf_printf(b, "%s{\"type\":\"%s\",\"pattern\":", first ? "" : ",",
			      ud_supp_type_name(r->type));
		ud_json_str(b, r->pattern);
		ud_buf_printf(b, ",\"line\":%u,\"hits\":%lu}", r->line, r->hits);
		first = false;
	}
	ud_buf_puts(b, "]");
}

/* print_suppressions as text: the TSan layout, count then the rule. */
static void format_supp_text_locked(ud_buf_t *b)
{
	bool any = false;
	for (unsigned i = 0; i < supps.n; i++)
		any |= supps.rules[i].hits > 0;
	if (!any) {
		ud_buf_puts(b, "ulockdep: no suppression matched\n");
		return;
	}
	ud_buf_puts(b, "ulockdep: suppressions used:\n  count type:pattern\n");
	for (unsigned i = 0; i < supps.n; i++) {
		const ud_supp_rule_t *r = &supps.rules[i];
		if (r->hits)
			ud_buf_printf(b, "  %5lu %s:%s\n", r->hits,
				      ud_supp_type_name(r->type), r->pattern);
	}
}

void ud_report_finish(void)
{
	ud_buf_t b = { 0 };
	ud_lock_acquire(&report_lock);
	drain();
	switch (out_format) {
	case UD_FORMAT_SARIF:
		/* Always: a CI step that uploads the log wants one even when clean. */
		ud_report_format_sarif_locked(&b, print_supps);
		break;
	case UD_FORMAT_JSON:
		if (print_supps) {
			ud_buf_printf(&b, "{\"schema_version\":%d,\"kind\":"
				      "\"suppressions\",\"used\":",
				      UD_JSON_SCHEMA_VERSION);
			ud_report_format_supp_json_locked(&b);
			ud_buf_puts(&b, "}\n");
		}
		break;
	default:
		if (print_supps)
			format_supp_text_locked(&b);
		break;
	}
	ud_lock_release(&report_lock);
	if (b.len)
		ud_log_write(b.data, b.len);
	ud_buf_free(&b);
}
