/*
** suite_text.c: a cycle across processes as a kernel-format report
** (docs/reports.md, "Possible circular locking dependency"). There is no
** thread trying to acquire a lock: every link is a dependency some process
** learnt, so the report is the chain, each link with the process that learnt
** it, then the unsafe scenario.
*/
#include "suite.h"

#include <string.h>

#ifndef ULOCKDEP_VERSION
#define ULOCKDEP_VERSION "unknown"
#endif

/* The wait type the kernel prints after the usage. */
static const char *wait_type(const char *type)
{
	if (!strcmp(type, "spin"))
		return "{2:2}";
	if (!strcmp(type, "thread") || !strcmp(type, "once") ||
	    !strcmp(type, "pseudo"))
		return "{0:0}";
	return "{3:3}";
}

void ud_suite_class_text(const ud_suite_t *s, size_t c, ud_buf_t *b)
{
	const ud_sclass_t *k = &s->classes[c];
	ud_buf_printf(b, "(%s)", k->name);
	if (!k->usage[0])
		ud_buf_puts(b, "{....}");
	else if (k->usage[0] == '{')
		ud_buf_puts(b, k->usage);
	else
		ud_buf_printf(b, "{%s}", k->usage);
	ud_buf_printf(b, "-%s", wait_type(k->type));
}

/* The process shown for a dependency: one of the run checked if any. */
size_t ud_suite_dep_proc(const ud_suite_t *s, size_t dep)
{
	const ud_sdep_t *d = &s->deps[dep];
	for (size_t i = 0; i < d->nprocs; i++)
		if (s->procs[d->procs[i]].current)
			return d->procs[i];
	return d->procs[0];
}

static bool has_current(const ud_suite_t *s)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].current)
			return true;
	return false;
}

void ud_suite_learnt_by(const ud_suite_t *s, size_t dep, ud_buf_t *b)
{
	size_t p = ud_suite_dep_proc(s, dep);
	ud_buf_puts(b, "learnt by ");
	ud_suite_proc_label(s, p, b);
	if (!s->procs[p].current && has_current(s))
		ud_buf_puts(b, " (an earlier run)");
	size_t more = s->deps[dep].nprocs - 1;
	if (more)
		ud_buf_printf(b, ", and %zu more process%s", more,
			      more > 1 ? "es" : "");
}

/* One frame of a record stack as the kernel prints it, indented. */
static void put_frame(ud_buf_t *b, const uj_t *f)
{
	const char *func = uj_get_str(f, "func");
	const char *file = uj_get_str(f, "file");
	const char *module = uj_get_str(f, "module");
	const char *off = uj_get_str(f, "offset");
	long long line = 0;
	ud_buf_puts(b, "       ");
	if (func)
		ud_buf_puts(b, func);
	else if (module) {
		const char *base = strrchr(module, '/');
		ud_buf_printf(b, "%s+%s", base ? base + 1 : module,
			      off ? off : "0x?");
	} else
		ud_buf_puts(b, "??");
	if (file && uj_get_int(f, "line", &line) && line > 0)
		ud_buf_printf(b, " %s:%lld", file, line);
	else if (file)
		ud_buf_printf(b, " %s", file);
	const uj_t *in = uj_get(f, "inline");
	if (in && in->type == UJ_BOOL && in->b)
		ud_buf_puts(b, " [inline]");
	ud_buf_puts(b, "\n");
}

void ud_suite_put_stack(ud_buf_t *b, const char *json)
{
	char err[64];
	uj_t *st = uj_parse(json, strlen(json), err, sizeof err);
	if (!st || st->type != UJ_ARR || st->n == 0)
		ud_buf_puts(b, "       <no stack recorded>\n");
	else
		for (size_t i = 0; i < st->n; i++)
			put_frame(b, st->items[i]);
	uj_free(st);
}

static size_t distinct_procs(const ud_suite_t *s, const ud_cycle_t *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++) {
		size_t p = ud_suite_dep_proc(s, c->deps[i]);
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = ud_suite_dep_proc(s, c->deps[j]) == p;
		n += !dup;
	}
	return n;
}

void ud_suite_format_text(const ud_suite_t *s, const ud_cycle_t *c, ud_buf_t *b)
{
	size_t n = c->n, start = b->len;
	/* Link #i is class C_i = deps[i].from, entered by deps[i - 1]. */
#define CLS(i) (s->deps[c->deps[(i) % n]].from)
#define INTO(i) (c->deps[((i) + n - 1) % n])
	const char *title = "WARNING: possible circular locking dependency detected";
	ud_buf_t ident = { 0 };
	ud_buf_printf(&ident, "ulockdep %s across %zu processes", ULOCKDEP_VERSION,
		      distinct_procs(s, c));
	size_t w = strlen(title) > ident.len ? strlen(title) : ident.len;
	ud_buf_puts(b, "\n");
	ud_buf_fill(b, '=', w);
	ud_buf_printf(b, "\n%s\n%s\n", title, ident.data);
	ud_buf_fill(b, '-', w);
	ud_buf_free(&ident);
	ud_buf_printf(b, "\n%zu processes each learnt a part of this cycle; "
		      "none learnt it whole.\n", distinct_procs(s, c));
	ud_buf_puts(b, "\nthe existing dependency chain (in reverse order) is:\n");
	for (size_t i = n; i-- > 0;) {
		ud_buf_printf(b, "\n-> #%zu ", i);
		ud_suite_class_text(s, CLS(i), b);
		ud_buf_puts(b, ":\n       [");
		ud_suite_learnt_by(s, INTO(i), b);
		ud_buf_puts(b, "]\n");
		ud_suite_put_stack(b, s->deps[INTO(i)].stack);
	}
	ud_buf_puts(b, "\nother info that might help us debug this:\n\n");
	if (n > 2) {
		ud_buf_puts(b, "Chain exists of:\n  ");
		for (size_t i = 0; i < n; i++)
			ud_buf_printf(b, "%s%s", i ? " --> " : "",
				      s->classes[CLS(i)].name);
		ud_buf_puts(b, "\n\n");
	}
	const ud_sdep_t *close = &s->deps[INTO(0)];	/* #N -> #0 */
	const ud_sdep_t *last = &s->deps[INTO(n - 1)];	/* #N-1 -> #N */
	ud_buf_printf(b, " Possible unsafe locking scenario:\n\n"
		      "       CPU0                    CPU1\n"
		      "       ----                    ----\n"
		      "  %slock(%s);\n"
		      "                               %slock(%s);\n"
		      "                               %slock(%s);\n"
		      "  %slock(%s);\n\n *** DEADLOCK ***\n",
		      close->from_read ? "r" : "", s->classes[CLS(n - 1)].name,
		      last->from_read ? "r" : "", s->classes[CLS(n - 2 + n)].name,
		      last->read ? "r" : "", s->classes[CLS(n - 1)].name,
		      close->read ? "r" : "", s->classes[CLS(0)].name);
#undef CLS
#undef INTO
	ud_text_sanitize(b->data + start, b->len - start, true);
}

/* At most this many lines: the rest is counted. */
#define REPORT_LIST_MAX 20

void ud_suite_format_report_list(const ud_suite_t *s, ud_buf_t *b)
{
	size_t shown = 0, rest = 0;
	for (size_t i = 0; i < s->nreports; i++) {
		const ud_sreport_t *r = &s->reports[i];
		if (!s->procs[r->proc].current)
			continue;
		/* The same report from several processes: one line. */
		bool seen = false;
		size_t more = 0;
		for (size_t j = 0; j < s->nreports; j++) {
			const ud_sreport_t *q = &s->reports[j];
			if (!s->procs[q->proc].current || strcmp(q->signature, r->signature))
				continue;
			if (j < i) {
				seen = true;
				break;
			}
			more += j > i && q->proc != r->proc;
		}
		if (seen)
			continue;
		if (shown == REPORT_LIST_MAX) {
			rest++;
			continue;
		}
		char err[64];
		uj_t *o = uj_parse(r->json, strlen(r->json), err, sizeof err);
		const char *title = uj_get_str(o, "title");
		ud_buf_printf(b, "ulockdep:   %s: %s, reported by ",
			      r->kind, title ? title : "?");
		ud_suite_proc_label(s, r->proc, b);
		if (more)
			ud_buf_printf(b, " and %zu more process%s", more,
				      more > 1 ? "es" : "");
		ud_buf_puts(b, "\n");
		uj_free(o);
		shown++;
	}
	if (rest)
		ud_buf_printf(b, "ulockdep:   and %zu more\n", rest);
}
