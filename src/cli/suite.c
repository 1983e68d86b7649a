/*
** suite.c: merging what processes learnt into one graph (suite.h). Classes
** are merged by identity string, dependencies by their pair of classes; each
** dependency keeps the list of processes that learnt it, which decides
** whether a cycle was already seen whole by one process.
*/
#include "suite.h"
#include "cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define xrealloc ud_cli_xrealloc
#define xstrdup ud_cli_xstrdup

/* Make room for one more item in an array of *cap items of size sz. */
#define GROW(arr, n, cap) do { \
	if ((n) == (cap)) { \
		(cap) = (cap) ? (cap) * 2 : 16; \
		(arr) = xrealloc((arr), (cap) * sizeof *(arr)); \
	} \
} while (0)

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t hash_pair(size_t a, size_t b)
{
	uint64_t h = (uint64_t)a * 0x9e3779b97f4a7c15ull ^ (uint64_t)b;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

static uint64_t class_hash(const ud_suite_t *s, size_t i)
{
	return hash_str(s->classes[i].id);
}

static uint64_t dep_hash(const ud_suite_t *s, size_t i)
{
	return hash_pair(s->deps[i].from, s->deps[i].to);
}

/* Rebuild a table of *size slots (power of two) for n items at least. */
static void rehash(const ud_suite_t *s, size_t **tab, size_t *size, size_t n,
		   uint64_t (*hash)(const ud_suite_t *, size_t))
{
	if (n * 2 < *size)
		return;
	size_t sz = *size ? *size : 64;
	while (n * 2 >= sz)
		sz *= 2;
	free(*tab);
	*tab = calloc(sz, sizeof **tab);
	if (!*tab) {
		fputs("ulockdep: out of memory\n", stderr);
		exit(70);
	}
	*size = sz;
	for (size_t i = 0; i < n; i++) {
		size_t h = (size_t)hash(s, i) & (sz - 1);
		while ((*tab)[h])
			h = (h + 1) & (sz - 1);
		(*tab)[h] = i + 1;
	}
}

void ud_suite_free(ud_suite_t *s)
{
	for (size_t i = 0; i < s->nruns; i++) {
		free(s->runs[i].uuid);
		free(s->runs[i].command);
	}
	for (size_t i = 0; i < s->nprocs; i++) {
		free(s->procs[i].program);
		free(s->procs[i].cmdline);
		free(s->procs[i].state);
	}
	for (size_t i = 0; i < s->nclasses; i++) {
		free(s->classes[i].id);
		free(s->classes[i].name);
		free(s->classes[i].type);
		free(s->classes[i].usage);
	}
	for (size_t i = 0; i < s->ndeps; i++) {
		free(s->deps[i].stack);
		free(s->deps[i].procs);
	}
	for (size_t i = 0; i < s->nreports; i++) {
		free(s->reports[i].json);
		free(s->reports[i].kind);
		free(s->reports[i].signature);
	}
	for (size_t i = 0; i < s->nknown; i++)
		free(s->known[i]);
	for (size_t i = 0; i < s->nstats; i++)
		ud_lstat_free(&s->stats[i].st);
	for (size_t i = 0; i < s->nconds; i++)
		ud_condstat_free(&s->conds[i].c);
	free(s->stats);
	free(s->conds);
	free(s->runs);
	free(s->procs);
	free(s->classes);
	free(s->deps);
	free(s->reports);
	free(s->known);
	free(s->class_tab);
	free(s->dep_tab);
	memset(s, 0, sizeof *s);
}

size_t ud_suite_add_run(ud_suite_t *s, const char *uuid, double time,
			const char *command)
{
	for (size_t i = 0; i < s->nruns; i++)
		if (!strcmp(s->runs[i].uuid, uuid))
			return i;
	GROW(s->runs, s->nruns, s->cap_runs);
	ud_srun_t *r = &s->runs[s->nruns];
	memset(r, 0, sizeof *r);
	r->uuid = xstrdup(uuid);
	r->time = time;
	r->command = xstrdup(command);
	return s->nruns++;
}

size_t ud_suite_add_class(ud_suite_t *s, const char *id, const char *name,
			  const char *type, const char *usage, bool stable)
{
	uint64_t h = hash_str(id);
	if (s->class_tab_size) {
		size_t mask = s->class_tab_size - 1;
		for (size_t i = (size_t)h & mask; s->class_tab[i]; i = (i + 1) & mask) {
			size_t c = s->class_tab[i] - 1;
			if (!strcmp(s->classes[c].id, id)) {
				/* A usage seen later fills an empty one. */
				if (!s->classes[c].usage[0] && usage && usage[0]) {
					free(s->classes[c].usage);
					s->classes[c].usage = xstrdup(usage);
				}
				return c;
			}
		}
	}
	GROW(s->classes, s->nclasses, s->cap_classes);
	ud_sclass_t *c = &s->classes[s->nclasses];
	memset(c, 0, sizeof *c);
	c->id = xstrdup(id);
	c->name = xstrdup(name && name[0] ? name : id);
	c->type = xstrdup(type ? type : "unknown");
	c->usage = xstrdup(usage);
	c->stable = stable;
	size_t idx = s->nclasses++;
	size_t old = s->class_tab_size;
	rehash(s, &s->class_tab, &s->class_tab_size, s->nclasses, class_hash);
	if (old == s->class_tab_size) {
		size_t mask = s->class_tab_size - 1, i = (size_t)h & mask;
		while (s->class_tab[i])
			i = (i + 1) & mask;
		s->class_tab[i] = idx + 1;
	}
	return idx;
}

size_t ud_suite_add_proc(ud_suite_t *s, const ud_sproc_t *p)
{
	GROW(s->procs, s->nprocs, s->cap_procs);
	ud_sproc_t *q = &s->procs[s->nprocs];
	*q = *p;
	q->program = xstrdup(p->program);
	q->cmdline = xstrdup(p->cmdline);
	q->state = xstrdup(p->state);
	return s->nprocs++;
}

static void dep_add_proc(ud_suite_t *s, ud_sdep_t *d, size_t proc)
{
	for (size_t i = d->nprocs; i-- > 0;)
		if (d->procs[i] == proc)
			return;
	/* Grow at powers of two. */
	if ((d->nprocs & (d->nprocs - 1)) == 0)
		d->procs = xrealloc(d->procs, (d->nprocs ? d->nprocs * 2 : 1) *
					      sizeof *d->procs);
	d->procs[d->nprocs++] = proc;
	if (s->procs[proc].current)
		d->current = true;
}

size_t ud_suite_add_dep(ud_suite_t *s, size_t from, size_t to, bool read,
			bool from_read, const char *stack, size_t proc)
{
	uint64_t h = hash_pair(from, to);
	if (s->dep_tab_size) {
		size_t mask = s->dep_tab_size - 1;
		for (size_t i = (size_t)h & mask; s->dep_tab[i]; i = (i + 1) & mask) {
			ud_sdep_t *d = &s->deps[s->dep_tab[i] - 1];
			if (d->from == from && d->to == to) {
				d->read &= read;
				d->from_read &= from_read;
				dep_add_proc(s, d, proc);
				return s->dep_tab[i] - 1;
			}
		}
	}
	GROW(s->deps, s->ndeps, s->cap_deps);
	ud_sdep_t *d = &s->deps[s->ndeps];
	memset(d, 0, sizeof *d);
	d->from = from;
	d->to = to;
	d->read = read;
	d->from_read = from_read;
	d->stack = xstrdup(stack && stack[0] ? stack : "[]");
	dep_add_proc(s, d, proc);
	size_t idx = s->ndeps++;
	size_t old = s->dep_tab_size;
	rehash(s, &s->dep_tab, &s->dep_tab_size, s->ndeps, dep_hash);
	if (old == s->dep_tab_size) {
		size_t mask = s->dep_tab_size - 1, i = (size_t)h & mask;
		while (s->dep_tab[i])
			i = (i + 1) & mask;
		s->dep_tab[i] = idx + 1;
	}
	return idx;
}

void ud_suite_add_report(ud_suite_t *s, size_t proc, const char *json,
			 const char *kind, const char *signature)
{
	GROW(s->reports, s->nreports, s->cap_reports);
	ud_sreport_t *r = &s->reports[s->nreports++];
	memset(r, 0, sizeof *r);
	r->proc = proc;
	r->json = xstrdup(json);
	r->kind = xstrdup(kind ? kind : "unknown");
	r->signature = xstrdup(signature ? signature : "");
}

void ud_suite_add_stat(ud_suite_t *s, size_t proc, size_t cls,
		       const ud_lstat_t *st)
{
	GROW(s->stats, s->nstats, s->cap_stats);
	ud_sstat_t *x = &s->stats[s->nstats++];
	memset(x, 0, sizeof *x);
	x->proc = proc;
	x->cls = cls;
	/* A copy: the figures, then the points merged into none. */
	ud_lstat_add(&x->st, st);
}

void ud_suite_add_cond(ud_suite_t *s, size_t proc, const ud_condstat_t *c)
{
	GROW(s->conds, s->nconds, s->cap_conds);
	ud_scond_t *x = &s->conds[s->nconds++];
	memset(x, 0, sizeof *x);
	x->proc = proc;
	x->c = *c;
	x->c.id = xstrdup(c->id);
	x->c.name = xstrdup(c->name);
}

void ud_suite_add_record(ud_suite_t *s, size_t run, const ud_record_t *r,
			 bool current)
{
	char *cmd = ud_record_cmdline(r->argv, r->argc);
	ud_sproc_t p = {
		.run = run, .pid = r->pid, .ppid = r->ppid, .status = r->status,
		.program = r->program, .cmdline = cmd ? cmd : r->program,
		.state = r->state, .time = r->time, .chains = r->chains,
		.max_chain = r->max_chain, .max_depth = r->max_depth,
		.nreports = (long long)r->nreports, .current = current,
	};
	size_t proc = ud_suite_add_proc(s, &p);
	free(cmd);

	size_t *map = xrealloc(NULL, r->nclasses * sizeof *map);
	for (size_t i = 0; i < r->nclasses; i++) {
		const ud_rec_class_t *c = &r->classes[i];
		/* An unstable identity (build-id and offset) is already
		** particular to one build of one binary. */
		map[i] = ud_suite_add_class(s, c->id, c->name, c->type, c->usage,
					    c->stable);
		if (current)
			s->classes[map[i]].current = true;
	}
	for (size_t i = 0; i < r->ndeps; i++) {
		const ud_rec_dep_t *d = &r->deps[i];
		ud_suite_add_dep(s, map[d->from], map[d->to], d->read,
				 d->from_read, d->stack, proc);
	}
	for (size_t i = 0; i < r->nstats; i++)
		ud_suite_add_stat(s, proc, map[r->stats[i].cls], &r->stats[i].st);
	for (size_t i = 0; i < r->nconds; i++)
		ud_suite_add_cond(s, proc, &r->conds[i]);
	free(map);
	for (size_t i = 0; i < r->nreports; i++) {
		ud_buf_t b = { 0 };
		uj_write(&b, r->reports[i]);
		ud_suite_add_report(s, proc, b.data,
				    uj_get_str(r->reports[i], "kind"),
				    uj_get_str(r->reports[i], "signature"));
		ud_buf_free(&b);
	}
}

void ud_suite_merge(ud_suite_t *s, const ud_suite_t *in)
{
	size_t *runs = xrealloc(NULL, in->nruns * sizeof *runs);
	size_t *procs = xrealloc(NULL, in->nprocs * sizeof *procs);
	size_t *classes = xrealloc(NULL, in->nclasses * sizeof *classes);
	for (size_t i = 0; i < in->nruns; i++)
		runs[i] = ud_suite_add_run(s, in->runs[i].uuid, in->runs[i].time,
					   in->runs[i].command);
	for (size_t i = 0; i < in->nprocs; i++) {
		ud_sproc_t p = in->procs[i];
		p.run = runs[p.run];
		p.store_id = 0;
		procs[i] = ud_suite_add_proc(s, &p);
	}
	for (size_t i = 0; i < in->nclasses; i++) {
		const ud_sclass_t *c = &in->classes[i];
		classes[i] = ud_suite_add_class(s, c->id, c->name, c->type,
						c->usage, c->stable);
		if (c->current)
			s->classes[classes[i]].current = true;
	}
	for (size_t i = 0; i < in->ndeps; i++) {
		const ud_sdep_t *d = &in->deps[i];
		for (size_t j = 0; j < d->nprocs; j++)
			ud_suite_add_dep(s, classes[d->from], classes[d->to],
					 d->read, d->from_read, d->stack,
					 procs[d->procs[j]]);
	}
	for (size_t i = 0; i < in->nreports; i++) {
		const ud_sreport_t *r = &in->reports[i];
		ud_suite_add_report(s, procs[r->proc], r->json, r->kind,
				    r->signature);
	}
	for (size_t i = 0; i < in->nstats; i++)
		ud_suite_add_stat(s, procs[in->stats[i].proc],
				  classes[in->stats[i].cls], &in->stats[i].st);
	for (size_t i = 0; i < in->nconds; i++)
		ud_suite_add_cond(s, procs[in->conds[i].proc], &in->conds[i].c);
	for (size_t i = 0; i < in->nknown; i++)
		ud_suite_add_known(s, in->known[i]);
	free(runs);
	free(procs);
	free(classes);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void ud_suite_add_known(ud_suite_t *s, const char *key)
{
	GROW(s->known, s->nknown, s->cap_known);
	s->known[s->nknown++] = xstrdup(key);
	s->known_sorted = false;
}

bool ud_suite_is_known(ud_suite_t *s, const char *key)
{
	if (!s->known_sorted && s->nknown) {
		qsort(s->known, s->nknown, sizeof *s->known, cmp_str);
	}
	s->known_sorted = true;
	return s->nknown && bsearch(&key, s->known, s->nknown, sizeof *s->known,
				    cmp_str);
}

void ud_suite_figures(const ud_suite_t *s, bool only_current,
		      ud_suite_figures_t *f)
{
	memset(f, 0, sizeof *f);
	for (size_t i = 0; i < s->nprocs; i++) {
		const ud_sproc_t *p = &s->procs[i];
		if (only_current && !p->current)
			continue;
		f->processes++;
		f->chains += p->chains;
		f->reports += p->nreports;
		if (p->max_chain > f->max_chain)
			f->max_chain = p->max_chain;
		if (p->max_depth > f->max_depth)
			f->max_depth = p->max_depth;
	}
	if (!only_current) {
		f->classes = s->nclasses;
		f->deps = s->ndeps;
		return;
	}
	/* The classes and dependencies the current processes learnt. */
	for (size_t i = 0; i < s->nclasses; i++)
		f->classes += s->classes[i].current;
	for (size_t i = 0; i < s->ndeps; i++)
		f->deps += s->deps[i].current;
}

void ud_suite_proc_label(const ud_suite_t *s, size_t proc, ud_buf_t *b)
{
	const ud_sproc_t *p = &s->procs[proc];
	const char *base = strrchr(p->program, '/');
	ud_buf_printf(b, "%s/%lld", base ? base + 1 : p->program, p->pid);
	if (p->cmdline[0])
		ud_buf_printf(b, ": %s", p->cmdline);
}
