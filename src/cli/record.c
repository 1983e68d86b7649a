/*
** record.c: read one process record (record.h). Each line is parsed on its
** own; unknown keys and unknown line types are skipped, as the format asks,
** so that a newer runtime's additions do not break an older command.
*/
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int errf(char *err, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int errf(char *err, size_t errsize, const char *fmt, ...)
{
	if (errsize) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errsize, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static char *dup_or(const char *s, const char *def)
{
	return strdup(s ? s : def);
}

static int parse_process(ud_record_t *r, const uj_t *p, char *err, size_t es,
			 unsigned line)
{
	long long v;
	if (!p || p->type != UJ_OBJ)
		return errf(err, es, "line %u: 'process' is not an object", line);
	if (!uj_get_int(p, "version", &v) || v < 1)
		return errf(err, es, "line %u: no valid record format version", line);
	if (v > UD_RECORD_VERSION)
		return errf(err, es, "record format version %lld is newer than "
			    "this ulockdep reads (%d): use a ulockdep as new as "
			    "the runtime that wrote it", v, UD_RECORD_VERSION);
	if (!uj_get_int(p, "pid", &r->pid))
		return errf(err, es, "line %u: the process has no pid", line);
	if (!uj_get_int(p, "ppid", &r->ppid))
		r->ppid = 0;
	if (!uj_get_int(p, "status", &r->status))
		r->status = 0;
	r->program = dup_or(uj_get_str(p, "program"), "?");
	r->state = dup_or(uj_get_str(p, "state"), "?");
	const uj_t *t = uj_get(p, "time");
	r->time = t && t->type == UJ_NUM ? t->num : 0;
	const uj_t *a = uj_get(p, "argv");
	if (a && a->type == UJ_ARR && a->n) {
		r->argv = calloc(a->n, sizeof *r->argv);
		if (!r->argv)
			return errf(err, es, "out of memory");
		for (size_t i = 0; i < a->n; i++)
			r->argv[r->argc++] = dup_or(a->items[i]->type == UJ_STR ?
						    a->items[i]->str : NULL, "?");
	}
	return 0;
}

static int parse_class(ud_record_t *r, const uj_t *c, char *err, size_t es,
		       unsigned line)
{
	if (!c || c->type != UJ_OBJ)
		return errf(err, es, "line %u: 'class' is not an object", line);
	ud_rec_class_t k = { 0 };
	const char *id = uj_get_str(c, "id");
	if (!uj_get_int(c, "n", &k.n) || !id || !id[0])
		return errf(err, es, "line %u: a class without its number or "
			    "identity", line);
	if ((r->nclasses & (r->nclasses - 1)) == 0) {
		size_t cap = r->nclasses ? r->nclasses * 2 : 8;
		ud_rec_class_t *cl = realloc(r->classes, cap * sizeof *cl);
		if (!cl)
			return errf(err, es, "out of memory");
		r->classes = cl;
	}
	const uj_t *st = uj_get(c, "stable");
	k.stable = st && st->type == UJ_BOOL && st->b;
	k.id = strdup(id);
	k.name = dup_or(uj_get_str(c, "name"), id);
	k.type = dup_or(uj_get_str(c, "type"), "unknown");
	k.usage = dup_or(uj_get_str(c, "usage"), "");
	r->classes[r->nclasses++] = k;
	return 0;
}

/* Index of the class numbered n (classes sorted by n), or -1. */
static long find_class(const ud_record_t *r, long long n)
{
	size_t lo = 0, hi = r->nclasses;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->classes[mid].n < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nclasses && r->classes[lo].n == n ? (long)lo : -1;
}

static int cmp_class(const void *a, const void *b)
{
	long long x = ((const ud_rec_class_t *)a)->n;
	long long y = ((const ud_rec_class_t *)b)->n;
	return x < y ? -1 : x > y;
}

static bool is_read(const uj_t *d, const char *key)
{
	const char *s = uj_get_str(d, key);
	return s && !strcmp(s, "R");
}

static int parse_dep(ud_record_t *r, const uj_t *d, char *err, size_t es,
		     unsigned line)
{
	long long from, to;
	if (!d || d->type != UJ_OBJ)
		return errf(err, es, "line %u: 'dep' is not an object", line);
	if (!uj_get_int(d, "from", &from) || !uj_get_int(d, "to", &to))
		return errf(err, es, "line %u: a dependency without its classes",
			    line);
	long f = find_class(r, from), t = find_class(r, to);
	if (f < 0 || t < 0)
		return errf(err, es, "line %u: a dependency on class %lld, "
			    "which the record does not list", line,
			    f < 0 ? from : to);
	if ((r->ndeps & (r->ndeps - 1)) == 0) {
		size_t cap = r->ndeps ? r->ndeps * 2 : 8;
		ud_rec_dep_t *dl = realloc(r->deps, cap * sizeof *dl);
		if (!dl)
			return errf(err, es, "out of memory");
		r->deps = dl;
	}
	ud_rec_dep_t *x = &r->deps[r->ndeps++];
	x->from = (size_t)f;
	x->to = (size_t)t;
	x->read = is_read(d, "read");
	x->from_read = is_read(d, "from_read");
	ud_buf_t b = { 0 };
	const uj_t *s = uj_get(d, "stack");
	if (s && s->type == UJ_ARR)
		uj_write(&b, s);
	else
		ud_buf_puts(&b, "[]");
	x->stack = strdup(b.data);
	ud_buf_free(&b);
	return x->stack ? 0 : errf(err, es, "out of memory");
}

/* A non-negative integer member; absent gives def when def >= 0. */
static bool get_count(const uj_t *o, const char *key, long long def,
		      long long *out)
{
	if (!uj_get(o, key) && def >= 0) {
		*out = def;
		return true;
	}
	return uj_get_int(o, key, out) && *out >= 0;
}

/* {"total":N,"max":N} */
static bool get_times(const uj_t *o, const char *key, long long *total,
		      long long *max)
{
	const uj_t *t = uj_get(o, key);
	return t && t->type == UJ_OBJ && get_count(t, "total", -1, total) &&
	       get_count(t, "max", -1, max);
}

static const char *what_valid(const char *key)
{
	return strstr(key, "_ns") ? "an object {\"total\":N,\"max\":N} of "
	       "whole numbers of at least 0" : "a whole number of at least 0";
}

static int sort_classes(ud_record_t *r, bool *sorted, char *err, size_t es)
{
	if (*sorted)
		return 0;
	*sorted = true;
	if (r->nclasses)
		qsort(r->classes, r->nclasses, sizeof *r->classes, cmp_class);
	for (size_t i = 1; i < r->nclasses; i++)
		if (r->classes[i].n == r->classes[i - 1].n)
			return errf(err, es, "class number %lld listed twice",
				    r->classes[i].n);
	return 0;
}

static int parse_stat(ud_record_t *r, const uj_t *o, char *err, size_t es,
		      unsigned line)
{
	long long n;
	if (!o || o->type != UJ_OBJ)
		return errf(err, es, "line %u: 'stat' is not an object", line);
	if (!uj_get_int(o, "class", &n))
		return errf(err, es, "line %u: a stat line without its class",
			    line);
	long c = find_class(r, n);
	if (c < 0)
		return errf(err, es, "line %u: a stat line for class %lld, which "
			    "the record does not list", line, n);
	ud_lstat_t st = { 0 };
	const char *bad = NULL;
	if (!get_count(o, "acquired", -1, &st.acquired))
		bad = "acquired";
	else if (!get_count(o, "acquired_read", 0, &st.acquired_read))
		bad = "acquired_read";
	else if (!get_count(o, "contended", -1, &st.contended))
		bad = "contended";
	else if (!get_count(o, "owner_changes", 0, &st.owner_changes))
		bad = "owner_changes";
	else if (!get_times(o, "wait_ns", &st.wait_total, &st.wait_max))
		bad = "wait_ns";
	else if (!get_times(o, "hold_ns", &st.hold_total, &st.hold_max))
		bad = "hold_ns";
	if (bad)
		return errf(err, es, "line %u: the stat line of class %lld has no "
			    "valid '%s' (%s)", line, n, bad, what_valid(bad));
	static const char *const keys[2] = { "contention_points",
					     "contending_points" };
	for (int k = 0; k < 2; k++) {
		char why[96];
		if (ud_lstat_parse_points(&st, k, uj_get(o, keys[k]), why,
					  sizeof why) < 0) {
			ud_lstat_free(&st);
			return errf(err, es, "line %u: the stat line of class "
				    "%lld: '%s' %s", line, n, keys[k], why);
		}
	}
	if ((r->nstats & (r->nstats - 1)) == 0) {
		size_t cap = r->nstats ? r->nstats * 2 : 8;
		ud_rec_stat_t *l = realloc(r->stats, cap * sizeof *l);
		if (!l) {
			ud_lstat_free(&st);
			return errf(err, es, "out of memory");
		}
		r->stats = l;
	}
	r->stats[r->nstats++] = (ud_rec_stat_t){ (size_t)c, st };
	return 0;
}

static int parse_cond_stat(ud_record_t *r, const uj_t *o, char *err,
			   size_t es, unsigned line)
{
	if (!o || o->type != UJ_OBJ)
		return errf(err, es, "line %u: 'cond_stat' is not an object",
			    line);
	const char *id = uj_get_str(o, "id");
	if (!id || !id[0])
		return errf(err, es, "line %u: a cond_stat line without its "
			    "identity", line);
	ud_condstat_t c = { 0 };
	const char *bad = NULL;
	if (!get_count(o, "waits", -1, &c.waits))
		bad = "waits";
	else if (!get_count(o, "timed_out", 0, &c.timed_out))
		bad = "timed_out";
	else if (!get_count(o, "signals", 0, &c.signals))
		bad = "signals";
	else if (!get_count(o, "broadcasts", 0, &c.broadcasts))
		bad = "broadcasts";
	else if (!get_times(o, "wait_ns", &c.wait_total, &c.wait_max))
		bad = "wait_ns";
	if (bad)
		return errf(err, es, "line %u: the cond_stat line of '%s' has no "
			    "valid '%s' (%s)", line, id, bad, what_valid(bad));
	if ((r->nconds & (r->nconds - 1)) == 0) {
		size_t cap = r->nconds ? r->nconds * 2 : 8;
		ud_condstat_t *l = realloc(r->conds, cap * sizeof *l);
		if (!l)
			return errf(err, es, "out of memory");
		r->conds = l;
	}
	c.id = strdup(id);
	c.name = dup_or(uj_get_str(o, "name"), id);
	r->conds[r->nconds++] = c;
	return 0;
}

static int cmp_stat(const void *a, const void *b)
{
	size_t x = ((const ud_rec_stat_t *)a)->cls;
	size_t y = ((const ud_rec_stat_t *)b)->cls;
	return x < y ? -1 : x > y;
}

static int cmp_cond(const void *a, const void *b)
{
	return strcmp(((const ud_condstat_t *)a)->id,
		      ((const ud_condstat_t *)b)->id);
}

/*
** One stat line per class. cond_stat lines of one identity are added up:
** the runtime counts waits per call site, and two sites can share a
** function and line (two waits written on one line, a loop the compiler
** duplicated).
*/
static int check_stats_unique(ud_record_t *r, char *err, size_t es)
{
	if (r->nstats > 1)
		qsort(r->stats, r->nstats, sizeof *r->stats, cmp_stat);
	for (size_t i = 1; i < r->nstats; i++)
		if (r->stats[i].cls == r->stats[i - 1].cls)
			return errf(err, es, "two stat lines for class %lld",
				    r->classes[r->stats[i].cls].n);
	if (r->nconds > 1)
		qsort(r->conds, r->nconds, sizeof *r->conds, cmp_cond);
	size_t kept = 0;
	for (size_t i = 0; i < r->nconds; i++) {
		ud_condstat_t *c = &r->conds[i];
		ud_condstat_t *k = kept ? &r->conds[kept - 1] : NULL;
		if (k && !strcmp(c->id, k->id)) {
			k->waits += c->waits;
			k->timed_out += c->timed_out;
			k->signals += c->signals;
			k->broadcasts += c->broadcasts;
			k->wait_total += c->wait_total;
			if (c->wait_max > k->wait_max)
				k->wait_max = c->wait_max;
			free(c->id);
			free(c->name);
			continue;
		}
		r->conds[kept++] = *c;
	}
	r->nconds = kept;
	return 0;
}

static int add_report(ud_record_t *r, uj_t *line_obj, size_t idx, char *err,
		      size_t es, unsigned line)
{
	uj_t *rep = line_obj->items[idx];
	if (rep->type != UJ_OBJ)
		return errf(err, es, "line %u: 'report' is not an object", line);
	uj_t **l = realloc(r->reports, (r->nreports + 1) * sizeof *l);
	if (!l)
		return errf(err, es, "out of memory");
	r->reports = l;
	r->reports[r->nreports++] = rep;
	/* Taken out of the line's tree, which is freed next. */
	line_obj->items[idx] = NULL;
	return 0;
}

enum { SEEN_NONE, SEEN_PROCESS, SEEN_SUMMARY };

static int parse(ud_record_t *r, const char *text, size_t len, char *err,
		 size_t es)
{
	memset(r, 0, sizeof *r);
	int seen = SEEN_NONE;
	bool sorted = false;
	unsigned line = 0;
	char jerr[128];

	for (size_t start = 0; start < len;) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *s = text + start;
		size_t n = end - start;
		start = end + 1;
		line++;
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
			n--;
		if (n == 0)
			continue;
		if (seen == SEEN_SUMMARY)
			return errf(err, es, "line %u: text after the summary "
				    "line", line);
		uj_t *o = uj_parse(s, n, jerr, sizeof jerr);
		if (!o)
			return errf(err, es, "line %u: not JSON: %s%s", line, jerr,
				    nl ? "" : " (the record is truncated)");
		int rc = 0;
		if (o->type != UJ_OBJ || o->n < 1)
			rc = errf(err, es, "line %u: not a record line", line);
		else if (seen == SEEN_NONE && strcmp(o->keys[0], "process"))
			rc = errf(err, es, "line %u: a record starts with its "
				  "process line", line);
		else if (!strcmp(o->keys[0], "process")) {
			if (seen != SEEN_NONE)
				rc = errf(err, es, "line %u: a second process "
					  "line", line);
			else
				rc = parse_process(r, o->items[0], err, es, line);
			seen = SEEN_PROCESS;
		} else if (!strcmp(o->keys[0], "class")) {
			if (sorted)
				rc = errf(err, es, "line %u: a class after the "
					  "dependencies or statistics", line);
			else
				rc = parse_class(r, o->items[0], err, es, line);
		} else if (!strcmp(o->keys[0], "dep")) {
			rc = sort_classes(r, &sorted, err, es);
			if (!rc)
				rc = parse_dep(r, o->items[0], err, es, line);
		} else if (!strcmp(o->keys[0], "stat")) {
			rc = sort_classes(r, &sorted, err, es);
			if (!rc)
				rc = parse_stat(r, o->items[0], err, es, line);
		} else if (!strcmp(o->keys[0], "cond_stat")) {
			rc = parse_cond_stat(r, o->items[0], err, es, line);
		} else if (!strcmp(o->keys[0], "report")) {
			rc = add_report(r, o, 0, err, es, line);
		} else if (!strcmp(o->keys[0], "summary")) {
			const uj_t *m = o->items[0];
			if (!uj_get_int(m, "chains", &r->chains))
				r->chains = 0;
			if (!uj_get_int(m, "max_chain", &r->max_chain))
				r->max_chain = 0;
			if (!uj_get_int(m, "max_depth", &r->max_depth))
				r->max_depth = 0;
			long long nst;
			size_t have = r->nstats + r->nconds;
			if (!uj_get(m, "stats"))
				;
			else if (!uj_get_int(m, "stats", &nst) || nst < 0)
				rc = errf(err, es, "line %u: the summary's "
					  "'stats' is not a count", line);
			else if ((unsigned long long)nst != have)
				rc = errf(err, es, "line %u: the summary counts "
					  "%lld stat and cond_stat lines, the "
					  "record has %zu", line, nst, have);
			seen = SEEN_SUMMARY;
		}
		uj_free(o);
		if (rc)
			return rc;
	}
	if (seen == SEEN_NONE)
		return errf(err, es, "empty record (no process line)");
	if (seen != SEEN_SUMMARY)
		return errf(err, es, "truncated record: no summary line at the end");
	return check_stats_unique(r, err, es);
}

int ud_record_parse(ud_record_t *r, const char *text, size_t len, char *err,
		    size_t es)
{
	int rc = parse(r, text, len, err, es);
	if (rc < 0)
		ud_record_free(r);
	return rc;
}

int ud_record_load(ud_record_t *r, const char *path, char *err, size_t es)
{
	memset(r, 0, sizeof *r);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return errf(err, es, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (unsigned long long)st.st_size > UD_RECORD_MAX_BYTES) {
		close(fd);
		return errf(err, es, "%s: not a regular file of at most %u MiB",
			    path, UD_RECORD_MAX_BYTES >> 20);
	}
	size_t size = (size_t)st.st_size;
	char *text = malloc(size + 1);
	size_t got = 0;
	while (text && got < size) {
		ssize_t n = read(fd, text + got, size - got);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	if (!text)
		return errf(err, es, "%s: out of memory", path);
	char msg[512];
	int rc = ud_record_parse(r, text, got, msg, sizeof msg);
	free(text);
	if (rc < 0) {
		return errf(err, es, "%s: %s", path, msg);
	}
	return 0;
}

void ud_record_free(ud_record_t *r)
{
	for (size_t i = 0; i < r->nclasses; i++) {
		free(r->classes[i].id);
		free(r->classes[i].name);
		free(r->classes[i].type);
		free(r->classes[i].usage);
	}
	for (size_t i = 0; i < r->ndeps; i++)
		free(r->deps[i].stack);
	for (size_t i = 0; i < r->nreports; i++)
		uj_free(r->reports[i]);
	for (size_t i = 0; i < r->nstats; i++)
		ud_lstat_free(&r->stats[i].st);
	for (size_t i = 0; i < r->nconds; i++)
		ud_condstat_free(&r->conds[i]);
	free(r->stats);
	free(r->conds);
	for (size_t i = 0; i < r->argc; i++)
		free(r->argv[i]);
	free(r->classes);
	free(r->deps);
	free(r->reports);
	free(r->argv);
	free(r->program);
	free(r->state);
	memset(r, 0, sizeof *r);
}

char *ud_record_cmdline(char *const *argv, size_t argc)
{
	ud_buf_t b = { 0 };
	ud_buf_puts(&b, "");
	for (size_t i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool plain = a[0] != 0;
		for (const char *p = a; *p; p++)
			if (!strchr("-_./=:,+@%0123456789", *p) &&
			    !((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
				plain = false;
		if (i)
			ud_buf_puts(&b, " ");
		if (plain) {
			ud_buf_puts(&b, a);
			continue;
		}
		ud_buf_puts(&b, "'");
		for (const char *p = a; *p; p++)
			ud_buf_puts(&b, *p == '\'' ? "'\\''" : (char[]){ *p, 0 });
		ud_buf_puts(&b, "'");
	}
	char *s = strdup(b.data);
	ud_buf_free(&b);
	return s;
}
