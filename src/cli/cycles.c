/*
** cycles.c: the cycles of a merged graph that no single process learnt whole.
**
** Only dependencies inside one strongly connected component can be on a
** cycle (Tarjan's algorithm, iterative), so a graph that grows with the code
** but is mostly ordered costs one pass. For each dependency a -> b inside a
** component, a breadth-first search from b back to a gives the shortest
** cycle through it; cycles are then made canonical (rotated to start at the
** smallest class identity) and kept once.
**
** A cycle is kept when no process learnt all its dependencies (a process
** that did has reported it itself) and when it is strong in the kernel's
** sense (docs/suite.md): no lock is both entered as a shared acquisition
** and held shared for the next link, which two readers pass through.
*/
#include "suite.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xmalloc(size_t n)
{
	void *p = calloc(n ? n : 1, 1);
	if (!p) {
		fputs("ulockdep: out of memory\n", stderr);
		exit(70);
	}
	return p;
}

typedef struct graph {
	size_t n;
	size_t *off;		/* n + 1 offsets into adj */
	size_t *adj;		/* dependency indexes, grouped by from */
} graph_t;

static void build(const ud_suite_t *s, graph_t *g)
{
	g->n = s->nclasses;
	g->off = xmalloc((g->n + 1) * sizeof *g->off);
	g->adj = xmalloc(s->ndeps * sizeof *g->adj);
	for (size_t i = 0; i < s->ndeps; i++)
		if (s->deps[i].from != s->deps[i].to)
			g->off[s->deps[i].from + 1]++;
	for (size_t v = 0; v < g->n; v++)
		g->off[v + 1] += g->off[v];
	size_t *fill = xmalloc(g->n * sizeof *fill);
	for (size_t i = 0; i < s->ndeps; i++) {
		size_t f = s->deps[i].from;
		if (f != s->deps[i].to)
			g->adj[g->off[f] + fill[f]++] = i;
	}
	free(fill);
}

/* Tarjan's strongly connected components, without recursion. */
static size_t *components(const ud_suite_t *s, const graph_t *g)
{
	size_t n = g->n;
	const size_t NONE = SIZE_MAX;
	size_t *index = xmalloc(n * sizeof *index);
	size_t *low = xmalloc(n * sizeof *low);
	size_t *comp = xmalloc(n * sizeof *comp);
	size_t *stack = xmalloc(n * sizeof *stack);
	bool *on = xmalloc(n);
	size_t *call = xmalloc(n * sizeof *call);	/* DFS: node */
	size_t *edge = xmalloc(n * sizeof *edge);	/* DFS: next edge */
	size_t next = 0, sp = 0, ncomp = 0;

	for (size_t v = 0; v < n; v++)
		index[v] = comp[v] = NONE;
	for (size_t root = 0; root < n; root++) {
		if (index[root] != NONE)
			continue;
		size_t depth = 0;
		call[0] = root;
		edge[0] = g->off[root];
		index[root] = low[root] = next++;
		stack[sp++] = root;
		on[root] = true;
		while (depth != NONE) {
			size_t v = call[depth];
			if (edge[depth] < g->off[v + 1]) {
				size_t w = s->deps[g->adj[edge[depth]++]].to;
				if (index[w] == NONE) {
					depth++;
					call[depth] = w;
					edge[depth] = g->off[w];
					index[w] = low[w] = next++;
					stack[sp++] = w;
					on[w] = true;
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			if (low[v] == index[v]) {
				size_t w;
				do {
					w = stack[--sp];
					on[w] = false;
					comp[w] = ncomp;
				} while (w != v);
				ncomp++;
			}
			depth = depth ? depth - 1 : NONE;
			if (depth != NONE && low[v] < low[call[depth]])
				low[call[depth]] = low[v];
		}
	}
	free(index);
	free(low);
	free(stack);
	free(on);
	free(call);
	free(edge);
	return comp;
}

/* Did some one process learn every dependency of the cycle? */
static bool one_process(const ud_suite_t *s, const size_t *deps, size_t n)
{
	const ud_sdep_t *first = &s->deps[deps[0]];
	for (size_t p = 0; p < first->nprocs; p++) {
		size_t proc = first->procs[p];
		bool all = true;
		for (size_t i = 1; i < n && all; i++) {
			const ud_sdep_t *d = &s->deps[deps[i]];
			bool has = false;
			for (size_t q = 0; q < d->nprocs && !has; q++)
				has = d->procs[q] == proc;
			all = has;
		}
		if (all)
			return true;
	}
	return false;
}

/* No lock entered shared and held shared for the next link. */
static bool strong(const ud_suite_t *s, const size_t *deps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const ud_sdep_t *in = &s->deps[deps[i]];
		const ud_sdep_t *out = &s->deps[deps[(i + 1) % n]];
		if (in->read && out->from_read)
			return false;
	}
	return true;
}

static bool any_current(const ud_suite_t *s, const size_t *deps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s->deps[deps[i]].current)
			return true;
	return false;
}

/* Rotate to start at the smallest identity; the key and signature. */
static void canonical(const ud_suite_t *s, ud_cycle_t *c)
{
	size_t best = 0;
	for (size_t i = 1; i < c->n; i++)
		if (strcmp(s->classes[s->deps[c->deps[i]].from].id,
			   s->classes[s->deps[c->deps[best]].from].id) < 0)
			best = i;
	size_t *rot = xmalloc(c->n * sizeof *rot);
	for (size_t i = 0; i < c->n; i++)
		rot[i] = c->deps[(best + i) % c->n];
	memcpy(c->deps, rot, c->n * sizeof *rot);
	free(rot);

	ud_buf_t k = { 0 };
	for (size_t i = 0; i < c->n; i++)
		ud_buf_printf(&k, "%s%s", i ? "\n" : "",
			      s->classes[s->deps[c->deps[i]].from].id);
	c->key = strdup(k.data);
	uint64_t h = 0xcbf29ce484222325ull;
	for (const char *p = k.data; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ull;
	}
	snprintf(c->signature, sizeof c->signature, "%016llx",
		 (unsigned long long)h);
	ud_buf_free(&k);
}

static int cmp_cycle(const void *a, const void *b)
{
	return strcmp(((const ud_cycle_t *)a)->key, ((const ud_cycle_t *)b)->key);
}

size_t ud_suite_cycles(ud_suite_t *s, unsigned flags, ud_cycle_t **out)
{
	graph_t g;
	build(s, &g);
	size_t *comp = components(s, &g);
	size_t *seen = xmalloc(g.n * sizeof *seen);	/* BFS stamp */
	size_t *via = xmalloc(g.n * sizeof *via);	/* dep reaching it */
	size_t *queue = xmalloc(g.n * sizeof *queue);
	size_t *path = xmalloc((g.n + 1) * sizeof *path);
	ud_cycle_t *cyc = NULL;
	size_t nc = 0, cap = 0;

	for (size_t e = 0; e < s->ndeps; e++) {
		size_t a = s->deps[e].from, b = s->deps[e].to;
		if (a == b || comp[a] != comp[b])
			continue;
		/* Shortest path b -> a inside the component. */
		size_t stamp = e + 1, head = 0, tail = 0;
		seen[b] = stamp;
		queue[tail++] = b;
		bool found = false;
		while (head < tail && !found) {
			size_t v = queue[head++];
			for (size_t i = g.off[v]; i < g.off[v + 1]; i++) {
				size_t w = s->deps[g.adj[i]].to;
				if (seen[w] == stamp || comp[w] != comp[a])
					continue;
				seen[w] = stamp;
				via[w] = g.adj[i];
				if (w == a) {
					found = true;
					break;
				}
				queue[tail++] = w;
			}
		}
		if (!found)
			continue;
		size_t n = 0;
		for (size_t v = a; v != b; v = s->deps[via[v]].from)
			path[n++] = via[v];
		path[n++] = e;
		/* path holds the cycle backwards: reverse it. */
		for (size_t i = 0; i < n / 2; i++) {
			size_t t = path[i];
			path[i] = path[n - 1 - i];
			path[n - 1 - i] = t;
		}
		if ((!(flags & UD_CYC_ALL) && one_process(s, path, n)) ||
		    !strong(s, path, n) ||
		    ((flags & UD_CYC_CURRENT) && !any_current(s, path, n)))
			continue;
		if (nc == cap) {
			cap = cap ? cap * 2 : 16;
			cyc = realloc(cyc, cap * sizeof *cyc);
			if (!cyc) {
				fputs("ulockdep: out of memory\n", stderr);
				exit(70);
			}
		}
		ud_cycle_t *c = &cyc[nc++];
		memset(c, 0, sizeof *c);
		c->n = n;
		c->deps = xmalloc(n * sizeof *c->deps);
		memcpy(c->deps, path, n * sizeof *path);
		canonical(s, c);
	}
	free(comp);
	free(seen);
	free(via);
	free(queue);
	free(path);
	free(g.off);
	free(g.adj);

	/* Each cycle once. */
	if (nc)
		qsort(cyc, nc, sizeof *cyc, cmp_cycle);
	size_t k = 0;
	for (size_t i = 0; i < nc; i++) {
		if (k && !strcmp(cyc[k - 1].key, cyc[i].key)) {
			free(cyc[i].deps);
			free(cyc[i].key);
			continue;
		}
		cyc[k] = cyc[i];
		cyc[k].known = ud_suite_is_known(s, cyc[k].key);
		k++;
	}
	*out = cyc;
	return k;
}

void ud_cycles_free(ud_cycle_t *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].deps);
		free(c[i].key);
	}
	free(c);
}
