/*
** stats_lock.c: the lock statistics of stores as `ulockdep stats` prints
** them (docs/suite.md): a top-N summary sorted by total wait, the kernel's
** /proc/lock_stat columns with the contention and contending points, and
** every figure as JSON.
*/
#include "stats_lock.h"

#include <stdlib.h>
#include <string.h>

/* ns as the kernel's lock_stat shows times: microseconds, two decimals
** (rounded). */
static void put_us(ud_buf_t *b, int width, long long ns)
{
	long long v = ns / 10 + (ns % 10 >= 5);
	ud_buf_printf(b, " %*lld.%02lld", width - 3, v / 100, v % 100);
}

/* ns as milliseconds with three decimals, rounded (the summary, as mutrace
** shows it). */
static void put_ms(ud_buf_t *b, int width, long long ns)
{
	long long v = ns / 1000 + (ns % 1000 >= 500);
	ud_buf_printf(b, " %*lld.%03lld", width - 4, v / 1000, v % 1000);
}

static long long mean(long long total, long long n)
{
	return n > 0 ? total / n : 0;
}

/* The innermost frame of a JSON stack: "func file:line", else
** "module+offset", else "?". */
static void put_site(ud_buf_t *b, const char *stack)
{
	char e[64];
	uj_t *st = uj_parse(stack, strlen(stack), e, sizeof e);
	const uj_t *f = st && st->type == UJ_ARR && st->n ? st->items[0] : NULL;
	const char *fn = uj_get_str(f, "func"), *file = uj_get_str(f, "file");
	const char *mod = uj_get_str(f, "module"), *off = uj_get_str(f, "offset");
	long long line;
	if (fn || file) {
		ud_buf_puts(b, fn ? fn : "??");
		if (file && uj_get_int(f, "line", &line) && line > 0)
			ud_buf_printf(b, " %s:%lld", file, line);
		else if (file)
			ud_buf_printf(b, " %s", file);
	} else if (mod || off) {
		ud_buf_printf(b, "%s+%s", mod ? mod : "?", off ? off : "?");
	} else {
		ud_buf_puts(b, "?");
	}
	uj_free(st);
}

static const char *class_name(const ud_suite_t *s, const ud_class_lstat_t *c)
{
	return s->classes[c->cls].name;
}

void ud_stats_lock_summary(const ud_suite_t *s, const ud_suite_lstats_t *ls,
			   size_t top, ud_buf_t *b)
{
	size_t n = top && top < ls->nclasses ? top : ls->nclasses;
	ud_buf_printf(b, "\nlock statistics (%zu class%s from %zu process%s, "
		      "sorted by total wait; times in ms):\n", ls->nclasses,
		      ls->nclasses == 1 ? "" : "es", ls->processes,
		      ls->processes == 1 ? "" : "es");
	if (n < ls->nclasses)
		ud_buf_printf(b, "(the first %zu; --top=0 shows all)\n", n);
	ud_buf_printf(b, "\n %-30s %12s %12s %12s %10s %10s %12s %10s %10s\n",
		      "class", "acquired", "contended", "wait total",
		      "wait mean", "wait max", "hold total", "hold mean",
		      "hold max");
	for (size_t i = 0; i < n; i++) {
		const ud_class_lstat_t *c = &ls->classes[i];
		const ud_lstat_t *x = &c->st;
		ud_buf_printf(b, " %-30s %12lld %12lld", class_name(s, c),
			      x->acquired, x->contended);
		put_ms(b, 12, x->wait_total);
		put_ms(b, 10, mean(x->wait_total, x->contended));
		put_ms(b, 10, x->wait_max);
		put_ms(b, 12, x->hold_total);
		put_ms(b, 10, mean(x->hold_total, x->acquired));
		put_ms(b, 10, x->hold_max);
		ud_buf_puts(b, "\n");
	}
	if (!ls->nconds)
		return;
	ud_buf_printf(b, "\n %-30s %12s %12s %12s %10s %12s %10s %10s\n",
		      "condition variable", "waits", "timed out", "signals",
		      "broadcasts", "wait total", "wait mean", "wait max");
	for (size_t i = 0; i < ls->nconds; i++) {
		const ud_condstat_t *c = &ls->conds[i].c;
		ud_buf_printf(b, " %-30s %12lld %12lld %12lld %10lld", c->name,
			      c->waits, c->timed_out, c->signals, c->broadcasts);
		put_ms(b, 12, c->wait_total);
		put_ms(b, 10, mean(c->wait_total, c->waits));
		put_ms(b, 10, c->wait_max);
		ud_buf_puts(b, "\n");
	}
}

static void rule(ud_buf_t *b, char ch, size_t n)
{
	ud_buf_fill(b, ch, n);
	ud_buf_puts(b, "\n");
}

/* The kernel's point lines: name, count, then the site (and the wait). */
static void put_points(ud_buf_t *b, const char *name, const ud_lstat_t *x,
		       int kind)
{
	for (size_t i = 0; i < x->npoints[kind]; i++) {
		const ud_lspoint_t *p = &x->points[kind][i];
		ud_buf_printf(b, "%40s %14lld          ", name, p->count);
		put_site(b, p->stack);
		if (kind == UD_LS_CONTENTION) {
			ud_buf_puts(b, " (waited");
			put_us(b, 4, p->wait_ns);
			ud_buf_puts(b, " us)");
		}
		ud_buf_puts(b, "\n");
	}
}

#define WIDE 40 + 9 * 15

void ud_stats_lock_kernel(const ud_suite_t *s, const ud_suite_lstats_t *ls,
			  ud_buf_t *b)
{
	ud_buf_puts(b, "\nlock_stat version 0.4\n");
	rule(b, '-', WIDE);
	ud_buf_printf(b, "%40s %14s %14s %14s %14s %14s %14s %14s %14s %14s\n",
		      "class name", "contentions", "waittime-max",
		      "waittime-total", "waittime-avg", "owner-changes",
		      "acquisitions", "holdtime-max", "holdtime-total",
		      "holdtime-avg");
	rule(b, '-', WIDE);
	for (size_t i = 0; i < ls->nclasses; i++) {
		const ud_class_lstat_t *c = &ls->classes[i];
		const ud_lstat_t *x = &c->st;
		const char *name = class_name(s, c);
		ud_buf_t nm = { 0 };
		ud_buf_printf(&nm, "%s:", name);
		ud_buf_printf(b, "\n%40s %14lld", nm.data, x->contended);
		ud_buf_free(&nm);
		put_us(b, 14, x->wait_max);
		put_us(b, 14, x->wait_total);
		put_us(b, 14, mean(x->wait_total, x->contended));
		ud_buf_printf(b, " %14lld %14lld", x->owner_changes, x->acquired);
		put_us(b, 14, x->hold_max);
		put_us(b, 14, x->hold_total);
		put_us(b, 14, mean(x->hold_total, x->acquired));
		ud_buf_puts(b, "\n");
		if (x->acquired_read)
			ud_buf_printf(b, "%40s %14s %14lld of the acquisitions "
				      "shared (read)\n", "", "", x->acquired_read);
		if (x->npoints[UD_LS_CONTENTION]) {
			ud_buf_printf(b, "%40s\n", "---------");
			put_points(b, name, x, UD_LS_CONTENTION);
		}
		if (x->npoints[UD_LS_CONTENDING]) {
			ud_buf_printf(b, "%40s\n", "---------");
			put_points(b, name, x, UD_LS_CONTENDING);
		}
		ud_buf_puts(b, "\n");
		rule(b, '.', WIDE);
	}
	if (!ls->nconds)
		return;
	ud_buf_printf(b, "\n%40s %14s %14s %14s %14s %14s %14s %14s\n",
		      "condition variable", "waits", "timed-out", "signals",
		      "broadcasts", "waittime-max", "waittime-total",
		      "waittime-avg");
	rule(b, '-', 40 + 7 * 15);
	for (size_t i = 0; i < ls->nconds; i++) {
		const ud_condstat_t *c = &ls->conds[i].c;
		ud_buf_t nm = { 0 };
		ud_buf_printf(&nm, "%s:", c->name);
		ud_buf_printf(b, "%40s %14lld %14lld %14lld %14lld", nm.data,
			      c->waits, c->timed_out, c->signals, c->broadcasts);
		ud_buf_free(&nm);
		put_us(b, 14, c->wait_max);
		put_us(b, 14, c->wait_total);
		put_us(b, 14, mean(c->wait_total, c->waits));
		ud_buf_puts(b, "\n");
	}
}

static void put_times(ud_buf_t *b, const char *key, long long total,
		      long long max, long long n)
{
	ud_buf_printf(b, ",\"%s\":{\"total\":%lld,\"max\":%lld,\"mean\":%lld}",
		      key, total, max, mean(total, n));
}

void ud_stats_lock_json(const ud_suite_t *s, const ud_suite_lstats_t *ls,
			ud_buf_t *b)
{
	ud_buf_printf(b, "{\"version\":1,\"processes\":%zu,\"classes\":[",
		      ls->processes);
	for (size_t i = 0; i < ls->nclasses; i++) {
		const ud_class_lstat_t *c = &ls->classes[i];
		const ud_sclass_t *k = &s->classes[c->cls];
		const ud_lstat_t *x = &c->st;
		/* The class as the runtime's lock_stat JSON gives it. */
		ud_buf_puts(b, i ? ",{\"class\":{\"id\":" : "{\"class\":{\"id\":");
		uj_put_str(b, k->id);
		ud_buf_puts(b, ",\"name\":");
		uj_put_str(b, k->name);
		ud_buf_printf(b, "},\"stable\":%s,\"lock_kind\":",
			      k->stable ? "true" : "false");
		uj_put_str(b, k->type);
		ud_buf_printf(b, ",\"processes\":%zu,\"acquired\":%lld,"
			      "\"acquired_read\":%lld,\"contended\":%lld,"
			      "\"owner_changes\":%lld", c->nprocs, x->acquired,
			      x->acquired_read, x->contended, x->owner_changes);
		put_times(b, "wait_ns", x->wait_total, x->wait_max, x->contended);
		put_times(b, "hold_ns", x->hold_total, x->hold_max, x->acquired);
		ud_buf_puts(b, ",\"contention_points\":");
		ud_lstat_put_points(b, x, UD_LS_CONTENTION);
		ud_buf_puts(b, ",\"contending_points\":");
		ud_lstat_put_points(b, x, UD_LS_CONTENDING);
		ud_buf_puts(b, "}");
	}
	ud_buf_puts(b, "],\"conds\":[");
	for (size_t i = 0; i < ls->nconds; i++) {
		const ud_condstat_t *c = &ls->conds[i].c;
		ud_buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
		uj_put_str(b, c->id);
		ud_buf_puts(b, ",\"name\":");
		uj_put_str(b, c->name);
		ud_buf_printf(b, ",\"processes\":%zu,\"waits\":%lld,"
			      "\"timed_out\":%lld,\"signals\":%lld,"
			      "\"broadcasts\":%lld", ls->conds[i].nprocs, c->waits,
			      c->timed_out, c->signals, c->broadcasts);
		put_times(b, "wait_ns", c->wait_total, c->wait_max, c->waits);
		ud_buf_puts(b, "}");
	}
	ud_buf_puts(b, "]}");
}
