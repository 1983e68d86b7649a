/*
** format_stat.c: lock statistics as text, JSON and record lines (stat.h).
*/
#include "stat.h"
#include "format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../symbolize/symbolize.h"

static int cmp_lock(const void *a, const void *b)
{
	const ud_stat_lock_t *x = a, *y = b;
	if (x->wait_total != y->wait_total)
		return x->wait_total > y->wait_total ? -1 : 1;
	if (x->contended != y->contended)
		return x->contended > y->contended ? -1 : 1;
	if (x->acquired != y->acquired)
		return x->acquired > y->acquired ? -1 : 1;
	return x->cls.id < y->cls.id ? -1 : x->cls.id > y->cls.id;
}

void ud_stat_sort(ud_stat_lock_t *l, size_t n)
{
	if (n > 1)
		qsort(l, n, sizeof *l, cmp_lock);
}

static uint64_t mean(uint64_t total, uint64_t n)
{
	return n ? total / n : 0;
}

static const char *lock_name(const ud_stat_lock_t *l)
{
	const char *name = ud_report_class_name(&l->cls);
	return name ? name : "?";
}

/* The innermost program frame at pc, as "func file:line" (or module+off). */
static void put_site_text(ud_buf_t *b, uintptr_t pc)
{
	ud_frame_t fr[UD_REPORT_MAX_INLINE];
	unsigned n = ud_report_pc_frames(pc, fr, UD_REPORT_MAX_INLINE);
	if (!n) {
		ud_buf_printf(b, "%#lx", (unsigned long)pc);
		return;
	}
	const ud_frame_t *f = &fr[0];
	if (f->function)
		ud_buf_puts(b, f->function);
	if (f->file) {
		ud_buf_printf(b, "%s%s", f->function ? " " : "", f->file);
		if (f->line > 0)
			ud_buf_printf(b, ":%d", f->line);
	} else if (f->module) {
		ud_buf_printf(b, "%s(%s+%#lx)", f->function ? " " : "", ud_report_basename(f->module),
			      (unsigned long)f->module_offset);
	}
}

/* ---- summary ------------------------------------------------------------- */

static void put_ms(ud_buf_t *b, uint64_t ns)
{
	ud_buf_printf(b, " %12.3f", (double)ns / 1e6);
}

static void format_conds(ud_buf_t *out, const ud_stat_set_t *s);

void ud_stat_format_summary(ud_buf_t *out, const ud_stat_set_t *s, unsigned top)
{
	size_t contended = 0;
	for (size_t i = 0; i < s->nclasses; i++)
		contended += s->classes[i].contended > 0;
	size_t n = s->nclasses;
	if (top && n > top)
		n = top;
	ud_buf_printf(out, "ulockdep: lock statistics: %zu lock classes taken, %zu contended; "
		      "the %zu most waited for (times in ms):\n", s->nclasses, contended, n);
	ud_buf_printf(out, "%-32s %10s %10s %12s %12s %12s %12s %12s %12s\n", "class",
		      "acquired", "contended", "wait total", "wait mean", "wait max",
		      "hold total", "hold mean", "hold max");
	for (size_t i = 0; i < n; i++) {
		const ud_stat_lock_t *l = &s->classes[i];
		ud_buf_printf(out, "%-32s %10llu %10llu", lock_name(l),
			      (unsigned long long)l->acquired, (unsigned long long)l->contended);
		put_ms(out, l->wait_total);
		put_ms(out, mean(l->wait_total, l->contended));
		put_ms(out, l->wait_max);
		put_ms(out, l->hold_total);
		put_ms(out, mean(l->hold_total, l->holds));
		put_ms(out, l->hold_max);
		ud_buf_puts(out, "\n");
	}
	format_conds(out, s);
}

static void format_conds(ud_buf_t *out, const ud_stat_set_t *s)
{
	if (s->nconds) {
		ud_buf_printf(out, "ulockdep: condition variables (times in ms):\n"
			      "%-32s %10s %10s %10s %10s %12s %12s\n", "condition", "waits",
			      "timed out", "signals", "broadcasts", "wait total", "wait max");
		for (size_t i = 0; i < s->nconds; i++) {
			const ud_stat_cond_t *c = &s->conds[i];
			ud_buf_t name = { 0 };
			ud_stat_cond_name(&name, c->site, true);
			ud_buf_printf(out, "%-32s %10llu %10llu %10llu %10llu",
				      name.data ? name.data : "?", (unsigned long long)c->waits,
				      (unsigned long long)c->timed_out,
				      (unsigned long long)c->signals,
				      (unsigned long long)c->broadcasts);
			put_ms(out, c->wait_total);
			put_ms(out, c->wait_max);
			ud_buf_puts(out, "\n");
			ud_buf_free(&name);
		}
	}
}

/* ---- the kernel's table -------------------------------------------------- */

static void put_us(ud_buf_t *b, uint64_t ns)
{
	ud_buf_printf(b, " %14.2f", (double)ns / 1000.0);
}

static void kernel_points(ud_buf_t *out, const char *name, const char *label,
			  const ud_stat_point_t *p)
{
	if (!p[0].count)
		return;
	ud_buf_printf(out, "%40s %.*s\n", "", (int)strlen(label), "--------------");
	for (unsigned i = 0; i < UD_STAT_POINTS && p[i].count; i++) {
		ud_buf_printf(out, "%40s %14llu [<%016lx>] ", name,
			      (unsigned long long)p[i].count, (unsigned long)p[i].pc);
		put_site_text(out, p[i].pc);
		ud_buf_puts(out, "\n");
	}
}

static void kernel_row(ud_buf_t *out, const ud_stat_lock_t *l)
{
	char name[256];
	if (l->addr)
		snprintf(name, sizeof name, "%s@%#lx", lock_name(l), (unsigned long)l->addr);
	else
		snprintf(name, sizeof name, "%s", lock_name(l));
	ud_buf_printf(out, "%39s: %14llu %14llu", name, (unsigned long long)l->con_bounces,
		      (unsigned long long)l->contended);
	put_us(out, l->wait_min);
	put_us(out, l->wait_max);
	put_us(out, l->wait_total);
	put_us(out, mean(l->wait_total, l->contended));
	ud_buf_printf(out, " %14llu %14llu", (unsigned long long)l->owner_changes,
		      (unsigned long long)l->acquired);
	put_us(out, l->hold_min);
	put_us(out, l->hold_max);
	put_us(out, l->hold_total);
	put_us(out, mean(l->hold_total, l->holds));
	ud_buf_puts(out, "\n");
	kernel_points(out, name, "contentions", l->contention);
	kernel_points(out, name, "contending", l->contending);
	ud_buf_puts(out, "\n");
	ud_buf_fill(out, '.', 40 + 12 * 15);
	ud_buf_puts(out, "\n\n");
}

void ud_stat_format_kernel(ud_buf_t *out, const ud_stat_set_t *s)
{
	ud_buf_puts(out, "lock_stat version 0.4\n");
	ud_buf_fill(out, '-', 40 + 12 * 15);
	ud_buf_printf(out, "\n%40s %14s %14s %14s %14s %14s %14s %14s %14s %14s %14s %14s %14s\n",
		      "class name", "con-bounces", "contentions", "waittime-min",
		      "waittime-max", "waittime-total", "waittime-avg", "acq-bounces",
		      "acquisitions", "holdtime-min", "holdtime-max", "holdtime-total",
		      "holdtime-avg");
	ud_buf_fill(out, '-', 40 + 12 * 15);
	ud_buf_puts(out, "\n\n");
	for (size_t i = 0; i < s->nclasses; i++)
		kernel_row(out, &s->classes[i]);
	for (size_t i = 0; i < s->ninstances; i++)
		kernel_row(out, &s->instances[i]);
	format_conds(out, s);
}

/* ---- JSON ------------------------------------------------------------------ */

void ud_stat_put_stack(ud_buf_t *out, uintptr_t pc, bool symbolize)
{
	ud_buf_puts(out, "[");
	if (symbolize && pc) {
		ud_frame_t fr[UD_REPORT_MAX_INLINE];
		unsigned n = ud_report_pc_frames(pc, fr, UD_REPORT_MAX_INLINE);
		for (unsigned i = 0; i < n; i++)
			ud_report_record_frame(out, &fr[i], i == 0);
	}
	ud_buf_puts(out, "]");
}

static void put_times(ud_buf_t *out, const char *key, uint64_t total, uint64_t min,
		      uint64_t max, uint64_t n)
{
	ud_buf_printf(out, ",\"%s\":{\"total\":%llu,\"min\":%llu,\"max\":%llu,\"mean\":%llu}",
		      key, (unsigned long long)total, (unsigned long long)min,
		      (unsigned long long)max, (unsigned long long)mean(total, n));
}

static void put_points(ud_buf_t *out, const char *key, const ud_stat_point_t *p,
		       bool wait, bool symbolize)
{
	ud_buf_printf(out, ",\"%s\":[", key);
	for (unsigned i = 0; i < UD_STAT_POINTS && p[i].count; i++) {
		ud_buf_printf(out, "%s{\"count\":%llu", i ? "," : "",
			      (unsigned long long)p[i].count);
		if (wait)
			ud_buf_printf(out, ",\"wait_ns\":%llu", (unsigned long long)p[i].wait_ns);
		ud_buf_puts(out, ",\"stack\":");
		ud_stat_put_stack(out, p[i].pc, symbolize);
		ud_buf_puts(out, "}");
	}
	ud_buf_puts(out, "]");
}

static void json_lock(ud_buf_t *out, const ud_stat_lock_t *l)
{
	bool stable = false;
	ud_buf_puts(out, "{\"class\":{\"id\":");
	ud_json_str(out, ud_report_class_identity(&l->cls, &stable));
	ud_buf_puts(out, ",\"name\":");
	ud_json_str(out, lock_name(l));
	ud_buf_puts(out, "}");
	if (l->addr)
		ud_buf_printf(out, ",\"address\":\"%#lx\"", (unsigned long)l->addr);
	ud_buf_printf(out, ",\"acquired\":%llu,\"acquired_read\":%llu,\"contended\":%llu,"
		      "\"owner_changes\":%llu,\"con_bounces\":%llu",
		      (unsigned long long)l->acquired, (unsigned long long)l->acquired_read,
		      (unsigned long long)l->contended, (unsigned long long)l->owner_changes,
		      (unsigned long long)l->con_bounces);
	put_times(out, "wait_ns", l->wait_total, l->wait_min, l->wait_max, l->contended);
	put_times(out, "hold_ns", l->hold_total, l->hold_min, l->hold_max, l->holds);
	ud_buf_printf(out, ",\"holds\":%llu", (unsigned long long)l->holds);
	put_points(out, "contention_points", l->contention, true, true);
	put_points(out, "contending_points", l->contending, false, true);
	ud_buf_puts(out, "}");
}

static void json_cond(ud_buf_t *out, const ud_stat_cond_t *c, bool symbolize)
{
	ud_buf_t t = { 0 };
	ud_stat_cond_id(&t, c->site, symbolize);
	ud_buf_puts(out, "{\"id\":");
	ud_json_str(out, t.data ? t.data : "");
	t.len = 0;
	ud_stat_cond_name(&t, c->site, symbolize);
	ud_buf_puts(out, ",\"name\":");
	ud_json_str(out, t.data ? t.data : "");
	ud_buf_free(&t);
	ud_buf_printf(out, ",\"waits\":%llu,\"timed_out\":%llu,\"signals\":%llu,"
		      "\"broadcasts\":%llu,\"wait_ns\":{\"total\":%llu,\"max\":%llu}}",
		      (unsigned long long)c->waits, (unsigned long long)c->timed_out,
		      (unsigned long long)c->signals, (unsigned long long)c->broadcasts,
		      (unsigned long long)c->wait_total, (unsigned long long)c->wait_max);
}

void ud_stat_format_json(ud_buf_t *out, const ud_stat_set_t *s)
{
	ud_buf_puts(out, "{\"lock_stat\":{\"version\":1,\"classes\":[");
	for (size_t i = 0; i < s->nclasses; i++) {
		if (i)
			ud_buf_puts(out, ",");
		json_lock(out, &s->classes[i]);
	}
	ud_buf_puts(out, "],\"instances\":[");
	for (size_t i = 0; i < s->ninstances; i++) {
		if (i)
			ud_buf_puts(out, ",");
		json_lock(out, &s->instances[i]);
	}
	ud_buf_puts(out, "],\"conds\":[");
	for (size_t i = 0; i < s->nconds; i++) {
		if (i)
			ud_buf_puts(out, ",");
		json_cond(out, &s->conds[i], true);
	}
	ud_buf_puts(out, "]}}\n");
}

/* ---- condition variable sites ---------------------------------------------- */

/* The innermost frame at site, when symbolize. */
static bool site_frame(uintptr_t site, bool symbolize, ud_frame_t *f)
{
	ud_frame_t fr[UD_REPORT_MAX_INLINE];
	unsigned n = symbolize && site ? ud_report_pc_frames(site, fr, UD_REPORT_MAX_INLINE) : 0;
	if (!n)
		return false;
	*f = fr[0];
	return true;
}

void ud_stat_cond_id(ud_buf_t *out, uintptr_t site, bool symbolize)
{
	ud_frame_t f;
	ud_buf_puts(out, "site:");
	if (site_frame(site, symbolize, &f) && f.function && f.file) {
		ud_buf_printf(out, "%s@%s:%d", f.function, ud_report_basename(f.file), f.line);
		return;
	}
	if (site_frame(site, symbolize, &f) && f.module) {
		ud_buf_printf(out, "%s+%#lx", ud_report_basename(f.module),
			      (unsigned long)f.module_offset);
		return;
	}
	ud_buf_printf(out, "pc:%#lx", (unsigned long)site);
}

void ud_stat_cond_name(ud_buf_t *out, uintptr_t site, bool symbolize)
{
	ud_frame_t f;
	if (site_frame(site, symbolize, &f) && f.file) {
		ud_buf_printf(out, "cond@%s:%d", ud_report_basename(f.file), f.line);
		return;
	}
	if (site_frame(site, symbolize, &f) && f.module) {
		ud_buf_printf(out, "cond@%s+%#lx", ud_report_basename(f.module),
			      (unsigned long)f.module_offset);
		return;
	}
	ud_buf_printf(out, "cond@%#lx", (unsigned long)site);
}

/* ---- record lines ------------------------------------------------------------ */

size_t ud_stat_record_lines(ud_buf_t *out, const ud_stat_set_t *s, bool symbolize)
{
	size_t lines = 0;
	for (size_t i = 0; i < s->nclasses; i++) {
		const ud_stat_lock_t *l = &s->classes[i];
		if (!l->acquired)
			continue;
		ud_buf_printf(out, "{\"stat\":{\"class\":%u,\"acquired\":%llu,\"acquired_read\":%llu,"
			      "\"contended\":%llu,\"owner_changes\":%llu,"
			      "\"wait_ns\":{\"total\":%llu,\"max\":%llu},"
			      "\"hold_ns\":{\"total\":%llu,\"max\":%llu}",
			      l->cls.id, (unsigned long long)l->acquired,
			      (unsigned long long)l->acquired_read,
			      (unsigned long long)l->contended,
			      (unsigned long long)l->owner_changes,
			      (unsigned long long)l->wait_total, (unsigned long long)l->wait_max,
			      (unsigned long long)l->hold_total, (unsigned long long)l->hold_max);
		put_points(out, "contention_points", l->contention, true, symbolize);
		put_points(out, "contending_points", l->contending, false, symbolize);
		ud_buf_puts(out, "}}\n");
		lines++;
	}
	for (size_t i = 0; i < s->nconds; i++) {
		ud_buf_puts(out, "{\"cond_stat\":");
		json_cond(out, &s->conds[i], symbolize);
		ud_buf_puts(out, "}\n");
		lines++;
	}
	return lines;
}
