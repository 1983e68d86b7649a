/*
** lockstat.c: lock statistics as records and stores hold them (lockstat.h):
** reading the points of a `stat` line, and merging the figures of several
** processes: counts and totals add, maxima take the max, and points are
** merged by their innermost frame, the most frequent kept.
*/
#include "lockstat.h"
#include "cli.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define xrealloc ud_cli_xrealloc
#define xstrdup ud_cli_xstrdup

long long ud_sat_add(long long a, long long b)
{
	long long r;
	if (__builtin_add_overflow(a, b, &r))
		return a < 0 && b < 0 ? LLONG_MIN : LLONG_MAX;
	return r;
}

/* "module\037func\037file\037line" of the innermost frame: sites are the
** same site in every process when these are (offsets may differ). */
static char *point_key(const uj_t *stack)
{
	ud_buf_t b = { 0 };
	const uj_t *f = stack && stack->type == UJ_ARR && stack->n ?
			stack->items[0] : NULL;
	long long line = 0;
	const char *mod = uj_get_str(f, "module"), *fn = uj_get_str(f, "func");
	const char *file = uj_get_str(f, "file");
	if (!uj_get_int(f, "line", &line))
		line = 0;
	ud_buf_printf(&b, "%s\037%s\037%s\037%lld", mod ? mod : "",
		      fn ? fn : "", file ? file : "", line);
	/* Without a symbol, the offset is all that tells sites apart. */
	if (!fn && !file) {
		const char *off = uj_get_str(f, "offset");
		ud_buf_printf(&b, "\037%s", off ? off : "");
	}
	char *k = xstrdup(b.data);
	ud_buf_free(&b);
	return k;
}

static void push_point(ud_lstat_t *st, int kind, long long count,
		       long long wait, const char *stack, const char *key)
{
	size_t n = st->npoints[kind];
	st->points[kind] = xrealloc(st->points[kind],
				    (n + 1) * sizeof *st->points[kind]);
	st->points[kind][n] = (ud_lspoint_t){ count, wait, xstrdup(stack),
					      xstrdup(key) };
	st->npoints[kind] = n + 1;
}

int ud_lstat_parse_points(ud_lstat_t *st, int kind, const uj_t *a, char *why,
			  size_t ws)
{
	if (!a)
		return 0;
	if (a->type != UJ_ARR) {
		snprintf(why, ws, "is not an array");
		return -1;
	}
	for (size_t i = 0; i < a->n; i++) {
		const uj_t *p = a->items[i];
		long long count, wait = 0;
		if (p->type != UJ_OBJ || !uj_get_int(p, "count", &count) ||
		    count < 0) {
			snprintf(why, ws, "point %zu has no valid count", i + 1);
			return -1;
		}
		if (kind == UD_LS_CONTENTION && uj_get(p, "wait_ns") &&
		    (!uj_get_int(p, "wait_ns", &wait) || wait < 0)) {
			snprintf(why, ws, "point %zu has an invalid wait_ns", i + 1);
			return -1;
		}
		const uj_t *s = uj_get(p, "stack");
		if (s && s->type != UJ_ARR) {
			snprintf(why, ws, "point %zu: its stack is not an array",
				 i + 1);
			return -1;
		}
		ud_buf_t b = { 0 };
		if (s)
			uj_write(&b, s);
		else
			ud_buf_puts(&b, "[]");
		char *key = point_key(s);
		push_point(st, kind, count, wait, b.data, key);
		free(key);
		ud_buf_free(&b);
	}
	return 0;
}

/* Most frequent first; then the longest wait; then by key, so that the
** order (and the points kept) is the same whatever order inputs came in. */
static int cmp_point(const void *x, const void *y)
{
	const ud_lspoint_t *a = x, *b = y;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->wait_ns != b->wait_ns)
		return a->wait_ns > b->wait_ns ? -1 : 1;
	return strcmp(a->key, b->key);
}

static void merge_points(ud_lstat_t *st, int kind, const ud_lstat_t *in)
{
	for (size_t i = 0; i < in->npoints[kind]; i++) {
		const ud_lspoint_t *p = &in->points[kind][i];
		size_t j;
		for (j = 0; j < st->npoints[kind]; j++) {
			ud_lspoint_t *q = &st->points[kind][j];
			if (!strcmp(q->key, p->key)) {
				q->count = ud_sat_add(q->count, p->count);
				q->wait_ns = ud_sat_add(q->wait_ns, p->wait_ns);
				break;
			}
		}
		if (j == st->npoints[kind])
			push_point(st, kind, p->count, p->wait_ns, p->stack,
				   p->key);
	}
	if (st->npoints[kind] > 1)
		qsort(st->points[kind], st->npoints[kind],
		      sizeof *st->points[kind], cmp_point);
	while (st->npoints[kind] > UD_LS_POINTS) {
		ud_lspoint_t *q = &st->points[kind][--st->npoints[kind]];
		free(q->stack);
		free(q->key);
	}
}

static long long max_ll(long long a, long long b)
{
	return a > b ? a : b;
}

void ud_lstat_add(ud_lstat_t *st, const ud_lstat_t *in)
{
	st->acquired = ud_sat_add(st->acquired, in->acquired);
	st->acquired_read = ud_sat_add(st->acquired_read, in->acquired_read);
	st->contended = ud_sat_add(st->contended, in->contended);
	st->owner_changes = ud_sat_add(st->owner_changes, in->owner_changes);
	st->wait_total = ud_sat_add(st->wait_total, in->wait_total);
	st->hold_total = ud_sat_add(st->hold_total, in->hold_total);
	st->wait_max = max_ll(st->wait_max, in->wait_max);
	st->hold_max = max_ll(st->hold_max, in->hold_max);
	merge_points(st, UD_LS_CONTENTION, in);
	merge_points(st, UD_LS_CONTENDING, in);
}

void ud_lstat_free(ud_lstat_t *st)
{
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < st->npoints[k]; i++) {
			free(st->points[k][i].stack);
			free(st->points[k][i].key);
		}
		free(st->points[k]);
	}
	memset(st, 0, sizeof *st);
}

void ud_condstat_add(ud_condstat_t *c, const ud_condstat_t *in)
{
	c->waits = ud_sat_add(c->waits, in->waits);
	c->timed_out = ud_sat_add(c->timed_out, in->timed_out);
	c->signals = ud_sat_add(c->signals, in->signals);
	c->broadcasts = ud_sat_add(c->broadcasts, in->broadcasts);
	c->wait_total = ud_sat_add(c->wait_total, in->wait_total);
	c->wait_max = max_ll(c->wait_max, in->wait_max);
}

void ud_condstat_free(ud_condstat_t *c)
{
	free(c->id);
	free(c->name);
	memset(c, 0, sizeof *c);
}

void ud_lstat_put_points(ud_buf_t *b, const ud_lstat_t *st, int kind)
{
	ud_buf_puts(b, "[");
	for (size_t i = 0; i < st->npoints[kind]; i++) {
		const ud_lspoint_t *p = &st->points[kind][i];
		ud_buf_printf(b, "%s{\"count\":%lld", i ? "," : "", p->count);
		if (kind == UD_LS_CONTENTION)
			ud_buf_printf(b, ",\"wait_ns\":%lld", p->wait_ns);
		ud_buf_printf(b, ",\"stack\":%s}", p->stack);
	}
	ud_buf_puts(b, "]");
}
