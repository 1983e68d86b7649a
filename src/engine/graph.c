/*
** graph.c: the dependency graph.
**
** An edge A -> B records "B was waited for while A was held", with the
** dependency kinds seen (UD_DEP_*) and the stack of the acquisition that first
** created it. Class edges are also indexed in an open-addressing hash on
** (from, to), so that "is this dependency known?" costs O(1) however many
** edges a class has. Edges between instances (same-class ordering) are few per
** instance and found by a scan; they die with their instance. Graph lock held
** for everything here.
*/
#include "internal.h"

#include "../base/alloc.h"

static ud_edge_t **edge_table;	/* NULL = empty slot; no deletions */
static size_t table_size, table_count;

static size_t pair_hash(const ud_node_t *from, const ud_node_t *to)
{
	uint64_t x = (uint64_t)(uintptr_t)from * 0x9e3779b97f4a7c15ull;
	x ^= (uint64_t)(uintptr_t)to * 0xc2b2ae3d27d4eb4full;
	x ^= x >> 31;
	return (size_t)x;
}

static void table_put(ud_edge_t *e)
{
	size_t mask = table_size - 1;
	size_t i = pair_hash(e->from, e->to) & mask;
	while (edge_table[i])
		i = (i + 1) & mask;
	edge_table[i] = e;
}

static void table_grow(void)
{
	ud_edge_t **old = edge_table;
	size_t old_size = table_size;
	table_size = table_size ? table_size * 2 : 4096;
	edge_table = ud_alloc(table_size * sizeof *edge_table);
	for (size_t i = 0; i < old_size; i++)
		if (old[i])
			table_put(old[i]);
	ud_free(old, old_size * sizeof *old);
}

static bool is_class_node(const ud_node_t *n)
{
	return n->inst == NULL;
}

ud_edge_t *ud_graph_find_edge(ud_node_t *from, ud_node_t *to)
{
	if (is_class_node(from)) {
		if (!table_size)
			return NULL;
		size_t mask = table_size - 1;
		for (size_t i = pair_hash(from, to) & mask; edge_table[i];
		     i = (i + 1) & mask)
			if (edge_table[i]->from == from && edge_table[i]->to == to)
				return edge_table[i];
		return NULL;
	}
	for (uint32_t i = 0; i < from->nout; i++) {
		ud_edge_t *e = from->out[i];
		if (e->to == to && e->to_gen == to->gen)
			return e;
	}
	return NULL;
}

/*
** A long-lived instance nesting many short-lived ones of its class collects
** edges to dead instances; drop those before growing its edge array.
*/
static void prune_stale(ud_node_t *n)
{
	uint32_t j = 0;
	for (uint32_t i = 0; i < n->nout; i++) {
		ud_edge_t *e = n->out[i];
		if (e->to_gen == e->to->gen)
			n->out[j++] = e;
		else
			ud_free(e, sizeof *e);
	}
	n->nout = j;
}

ud_edge_t *ud_graph_add_edge(ud_node_t *from, ud_node_t *to, unsigned dep)
{
	ud_edge_t *e = ud_alloc(sizeof *e);
	e->from = from;
	e->to = to;
	e->to_gen = to->gen;
	e->dep = (uint8_t)dep;
	if (from->nout == from->cap && !is_class_node(from))
		prune_stale(from);
	if (from->nout == from->cap) {
		uint32_t cap = from->cap ? from->cap * 2 : 4;
		from->out = ud_realloc(from->out, from->cap * sizeof *from->out,
				       cap * sizeof *from->out);
		from->cap = cap;
	}
	from->out[from->nout++] = e;
	if (is_class_node(from)) {
		if ((table_count + 1) * 2 > table_size)
			table_grow();
		table_put(e);
		table_count++;
		atomic_fetch_add_explicit(&ud_stat_edges, 1, memory_order_relaxed);
	}
	return e;
}

/* Drop every edge leaving an instance node (the instance is dying). */
void ud_graph_node_clear(ud_node_t *n)
{
	for (uint32_t i = 0; i < n->nout; i++)
		ud_free(n->out[i], sizeof *n->out[i]);
	ud_free(n->out, n->cap * sizeof *n->out);
	n->out = NULL;
	n->nout = n->cap = 0;
}
