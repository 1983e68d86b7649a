/*
** snapshot.c: what the engine learnt, copied out for a process record.
**
** The engine knows no file or format: it hands out its live classes (those
** still found by their key; a retired class belongs to code that was
** unloaded) and the dependencies between them, with the stack that first
** made each one. The copy is made under the graph lock and read after it.
*/
#include "internal.h"

#include "../base/alloc.h"

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	size_t ncap = *cap ? *cap * 2 : 64;
	p = ud_realloc(p, *cap * size, ncap * size);
	*cap = ncap;
	return p;
}

static void add_class(ud_class_t *c, void *arg)
{
	ud_snapshot_t *s = arg;
	s->classes = grow(s->classes, &s->classes_cap, s->nclasses, sizeof *s->classes);
	ud_report_fill_class(&s->classes[s->nclasses++], c);
}

/* Is c one of the live classes just copied? (Retired ones are left out, and
** so are their edges.) */
static bool live(const ud_class_t *c)
{
	return !c->retired;
}

static void add_deps(ud_class_t *c, void *arg)
{
	ud_snapshot_t *s = arg;
	const ud_node_t *n = &c->node;
	for (uint32_t i = 0; i < n->nout; i++) {
		const ud_edge_t *e = n->out[i];
		if (e->to->inst || !e->to->cls || !live(e->to->cls))
			continue;
		s->deps = grow(s->deps, &s->deps_cap, s->ndeps, sizeof *s->deps);
		ud_dep_t *d = &s->deps[s->ndeps++];
		d->from = c->id;
		d->to = e->to->cls->id;
		d->from_read = !(e->dep & UD_DEP_E_ANY);
		d->to_read = e->to_mode != UD_MODE_WRITE;
		d->stack = e->stack;
	}
}

void ud_engine_snapshot(ud_snapshot_t *s)
{
	*s = (ud_snapshot_t){0};
	ud_lock_acquire(&ud_graph_lock);
	ud_class_each_locked(add_class, s);
	ud_class_each_locked(add_deps, s);
	ud_lock_release(&ud_graph_lock);
}

void ud_snapshot_free(ud_snapshot_t *s)
{
	if (s->classes)
		ud_free(s->classes, s->classes_cap * sizeof *s->classes);
	if (s->deps)
		ud_free(s->deps, s->deps_cap * sizeof *s->deps);
	*s = (ud_snapshot_t){0};
}

uint64_t ud_engine_generation(void)
{
	return atomic_load_explicit(&ud_stat_classes, memory_order_relaxed) +
	       atomic_load_explicit(&ud_stat_edges, memory_order_relaxed);
}
