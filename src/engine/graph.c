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
**
** Class nodes are also kept in a topological order (Pearce and Kelly's
** dynamic algorithm): every edge leads from a lower place to a higher one.
** A new dependency prev -> next that agrees with the order cannot close a
** cycle, so it needs no search at all; one that disagrees is searched only
** among the nodes placed between the two, and then the places of the nodes
** that lie between and are connected to the edge are exchanged. The order
** only speeds the search up, so the verdicts stay those of the search. A
** cycle that is not a deadlock (only recursive readers on it) makes a
** topological order impossible; from then on every search is a full one.
*/
#include "internal.h"

#include "../base/alloc.h"

static ud_edge_t **edge_table;	/* NULL = empty slot; no deletions */
static size_t table_size, table_count;

static bool order_valid = true;
static uint32_t next_ord;
static uint64_t mark_stamp;

/* Scratch arrays for reordering, grown as needed. */
static ud_node_t **fwd, **bwd, **stack;
static size_t fwd_cap, bwd_cap, stack_cap;
static uint32_t *places;
static size_t places_cap;

static size_t pair_hash(const ud_node_t *from, const ud_node_t *to)
{
	uint64_t x = (uint64_t)(uintptr_t)from * UD_HASH_PHI;
	x ^= (uint64_t)(uintptr_t)to * UD_HASH_MURMUR2;
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

void ud_graph_class_node_init(ud_node_t *n)
{
	UD_ASSERT_LOCKED(&ud_graph_lock);
	n->ord = next_ord++;
}

bool ud_graph_no_path(const ud_node_t *from, const ud_node_t *to)
{
	return order_valid && !ud_config.no_order_shortcut && is_class_node(from) &&
	       is_class_node(to) && from->ord > to->ord;
}

static void *grow_array(void *a, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return a;
	size_t n = *cap ? *cap * 2 : 256;
	while (n < need)
		n *= 2;
	a = ud_realloc(a, *cap * elem, n * elem);
	*cap = n;
	return a;
}

/*
** Depth-first from `start` along out-edges (forward) or in-edges, visiting
** nodes placed strictly between lo and hi; collects them (and start) into
** *out. Returns false if `stop` is reached (the new edge closes a cycle).
*/
static bool collect(ud_node_t *start, bool forward, uint32_t lo, uint32_t hi,
		    const ud_node_t *stop, ud_node_t ***out, size_t *out_cap,
		    size_t *n_out)
{
	size_t sp = 0, n = 0;
	stack = grow_array(stack, &stack_cap, 1, sizeof *stack);
	stack[sp++] = start;
	start->mark = mark_stamp;
	while (sp) {
		ud_node_t *v = stack[--sp];
		*out = grow_array(*out, out_cap, n + 1, sizeof **out);
		(*out)[n++] = v;
		uint32_t deg = forward ? v->nout : v->nin;
		for (uint32_t i = 0; i < deg; i++) {
			ud_node_t *w = forward ? v->out[i]->to : v->in[i]->from;
			if (w == stop)
				return false;
			if (w->mark == mark_stamp || w->ord <= lo || w->ord >= hi)
				continue;
			w->mark = mark_stamp;
			stack = grow_array(stack, &stack_cap, sp + 1, sizeof *stack);
			stack[sp++] = w;
		}
	}
	*n_out = n;
	return true;
}

static void sort_by_place(ud_node_t **v, size_t n)
{
	/* Shell sort: no allocation, and these sets are small. */
	for (size_t gap = n / 2; gap > 0; gap /= 2)
		for (size_t i = gap; i < n; i++)
			for (size_t j = i; j >= gap && v[j - gap]->ord > v[j]->ord; j -= gap) {
				ud_node_t *t = v[j];
				v[j] = v[j - gap];
				v[j - gap] = t;
			}
}

static void sort_u32(uint32_t *v, size_t n)
{
	for (size_t gap = n / 2; gap > 0; gap /= 2)
		for (size_t i = gap; i < n; i++)
			for (size_t j = i; j >= gap && v[j - gap] > v[j]; j -= gap) {
				uint32_t t = v[j];
				v[j] = v[j - gap];
				v[j - gap] = t;
			}
}

/* The edge x -> y was added with y placed before x: restore the order. */
static void reorder(ud_node_t *x, ud_node_t *y)
{
	size_t nf = 0, nb = 0;
	mark_stamp++;
	/* Only nodes placed between y and x can be affected. */
	if (!collect(y, true, y->ord, x->ord, x, &fwd, &fwd_cap, &nf)) {
		order_valid = false;	/* a cycle of readers: no order exists */
		return;
	}
	mark_stamp++;
	collect(x, false, y->ord, x->ord, NULL, &bwd, &bwd_cap, &nb);
	sort_by_place(fwd, nf);
	sort_by_place(bwd, nb);
	places = grow_array(places, &places_cap, nf + nb, sizeof *places);
	size_t k = 0;
	for (size_t i = 0; i < nb; i++)
		places[k++] = bwd[i]->ord;
	for (size_t i = 0; i < nf; i++)
		places[k++] = fwd[i]->ord;
	sort_u32(places, k);
	/* Everything that leads to x goes first, then what y leads to. */
	k = 0;
	for (size_t i = 0; i < nb; i++)
		bwd[i]->ord = places[k++];
	for (size_t i = 0; i < nf; i++)
		fwd[i]->ord = places[k++];
}

ud_edge_t *ud_graph_find_edge(ud_node_t *from, ud_node_t *to)
{
	UD_ASSERT_LOCKED(&ud_graph_lock);
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
	UD_ASSERT_LOCKED(&ud_graph_lock);
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
		if (to->nin == to->incap) {
			uint32_t cap = to->incap ? to->incap * 2 : 4;
			to->in = ud_realloc(to->in, to->incap * sizeof *to->in,
					    cap * sizeof *to->in);
			to->incap = cap;
		}
		to->in[to->nin++] = e;
		if (order_valid && from->ord > to->ord)
			reorder(from, to);
	}
	return e;
}

/* Drop every edge leaving an instance node (the instance is dying). */
void ud_graph_node_clear(ud_node_t *n)
{
	UD_ASSERT_LOCKED(&ud_graph_lock);
	for (uint32_t i = 0; i < n->nout; i++)
		ud_free(n->out[i], sizeof *n->out[i]);
	ud_free(n->out, n->cap * sizeof *n->out);
	n->out = NULL;
	n->nout = n->cap = 0;
}
