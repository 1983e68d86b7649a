/*
** suite_lockstat.c: the lock statistics of a whole suite (suite.h). The
** suite keeps each process's figures apart (so that merging a process twice
** counts it once); here they are summed per class identity and per
** condition-variable identity, the way the store's readers show them.
*/
#include "suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fputs("ulockdep: out of memory\n", stderr);
		exit(70);
	}
	return p;
}

/* Most total wait first; then most contentions, acquisitions, then by
** identity, so that equal figures keep one order in every store. */
static const ud_suite_t *sort_suite;

static int cmp_class(const void *x, const void *y)
{
	const ud_class_lstat_t *a = x, *b = y;
	if (a->st.wait_total != b->st.wait_total)
		return a->st.wait_total > b->st.wait_total ? -1 : 1;
	if (a->st.contended != b->st.contended)
		return a->st.contended > b->st.contended ? -1 : 1;
	if (a->st.acquired != b->st.acquired)
		return a->st.acquired > b->st.acquired ? -1 : 1;
	return strcmp(sort_suite->classes[a->cls].id,
		      sort_suite->classes[b->cls].id);
}

static int cmp_cond(const void *x, const void *y)
{
	const ud_cond_lstat_t *a = x, *b = y;
	if (a->c.wait_total != b->c.wait_total)
		return a->c.wait_total > b->c.wait_total ? -1 : 1;
	if (a->c.waits != b->c.waits)
		return a->c.waits > b->c.waits ? -1 : 1;
	return strcmp(a->c.id, b->c.id);
}

static int cmp_cond_id(const void *x, const void *y)
{
	const ud_scond_t *a = *(const ud_scond_t *const *)x;
	const ud_scond_t *b = *(const ud_scond_t *const *)y;
	int c = strcmp(a->c.id, b->c.id);
	if (c)
		return c;
	return a->proc < b->proc ? -1 : a->proc > b->proc;
}

void ud_suite_lock_stats(const ud_suite_t *s, ud_suite_lstats_t *out)
{
	memset(out, 0, sizeof *out);
	bool *with = xcalloc(s->nprocs, sizeof *with);
	size_t *slot = xcalloc(s->nclasses, sizeof *slot);
	out->classes = xcalloc(s->nstats, sizeof *out->classes);
	for (size_t i = 0; i < s->nstats; i++) {
		const ud_sstat_t *x = &s->stats[i];
		with[x->proc] = true;
		if (!slot[x->cls]) {
			slot[x->cls] = ++out->nclasses;
			out->classes[slot[x->cls] - 1].cls = x->cls;
		}
		ud_class_lstat_t *c = &out->classes[slot[x->cls] - 1];
		ud_lstat_add(&c->st, &x->st);
		c->nprocs++;
	}
	/* Conditions by identity: sorted so that equal ones are adjacent. */
	const ud_scond_t **by = xcalloc(s->nconds, sizeof *by);
	for (size_t i = 0; i < s->nconds; i++) {
		by[i] = &s->conds[i];
		with[s->conds[i].proc] = true;
	}
	if (s->nconds > 1)
		qsort(by, s->nconds, sizeof *by, cmp_cond_id);
	out->conds = xcalloc(s->nconds, sizeof *out->conds);
	for (size_t i = 0; i < s->nconds; i++) {
		if (!i || strcmp(by[i]->c.id, by[i - 1]->c.id)) {
			ud_cond_lstat_t *c = &out->conds[out->nconds++];
			c->c.id = strdup(by[i]->c.id);
			/* The name of the first process, as classes keep it. */
			c->c.name = strdup(by[i]->c.name);
			if (!c->c.id || !c->c.name) {
				fputs("ulockdep: out of memory\n", stderr);
				exit(70);
			}
		}
		ud_cond_lstat_t *c = &out->conds[out->nconds - 1];
		ud_condstat_add(&c->c, &by[i]->c);
		c->nprocs++;
	}
	for (size_t i = 0; i < s->nprocs; i++)
		out->processes += with[i];
	sort_suite = s;
	if (out->nclasses > 1)
		qsort(out->classes, out->nclasses, sizeof *out->classes, cmp_class);
	if (out->nconds > 1)
		qsort(out->conds, out->nconds, sizeof *out->conds, cmp_cond);
	free(by);
	free(slot);
	free(with);
}

void ud_suite_lstats_free(ud_suite_lstats_t *ls)
{
	for (size_t i = 0; i < ls->nclasses; i++)
		ud_lstat_free(&ls->classes[i].st);
	for (size_t i = 0; i < ls->nconds; i++)
		ud_condstat_free(&ls->conds[i].c);
	free(ls->classes);
	free(ls->conds);
	memset(ls, 0, sizeof *ls);
}
