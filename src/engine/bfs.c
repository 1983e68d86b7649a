/*
** bfs.c: breadth-first search for strong paths.
**
** With readers in the picture, a cycle in the graph is a deadlock only if it
** is a *strong* cycle: no lock on it may be entered as a recursive reader
** (-(xR)->) and left as a reader (-(Sx)->), because a recursive reader is never
** blocked by other readers. The search therefore tracks, per visited node,
** whether every way found so far entered it through a recursive-read edge
** ("entered_R"). From such a node only E* edges may be followed. A node is
** visited at most twice: once entered_R and once not; the second state
** allows more (any edge) and so dominates the first.
**
** A path found from `start` (the lock being acquired) to `target` (a lock
** already held) closes a deadlock when the held lock is exclusive, or when the
** path enters it through a non-recursive (*N) edge: a reader already inside it
** would not stop a recursive reader, but does stop a writer or queued reader.
**
** Breadth-first, so the path reported is a shortest one. The queue grows as
** needed: there is no capacity to overflow. Graph lock held.
*/
#include "internal.h"

#include "../base/alloc.h"

typedef struct qentry {
	ud_node_t *node;
	ud_edge_t *via;		/* edge that reached node (NULL for the start) */
	uint32_t parent;	/* queue index of the predecessor */
	uint8_t entered_r;
} qentry_t;

static qentry_t *queue;
static size_t queue_cap;
static uint64_t stamp;	/* 64 bits: never wraps, so stamps never need clearing */
static ud_edge_t **path_buf;
static size_t path_cap;

static void queue_reserve(size_t n)
{
	if (n <= queue_cap)
		return;
	size_t cap = queue_cap ? queue_cap * 2 : 1024;
	while (cap < n)
		cap *= 2;
	queue = ud_realloc(queue, queue_cap * sizeof *queue, cap * sizeof *queue);
	queue_cap = cap;
}

/* Mark node visited in state r; false if it needs no visit in that state. */
static bool visit(ud_node_t *n, unsigned r)
{
	if (n->visit[0] == stamp)
		return false;
	if (r && n->visit[1] == stamp)
		return false;
	n->visit[r] = stamp;
	return true;
}

static void build_path(uint32_t idx, ud_path_t *path)
{
	unsigned n = 0;
	for (uint32_t i = idx; queue[i].via; i = queue[i].parent)
		n++;
	if (n > path_cap) {
		path_buf = ud_realloc(path_buf, path_cap * sizeof *path_buf,
				      n * sizeof *path_buf);
		path_cap = n;
	}
	unsigned k = n;
	for (uint32_t i = idx; queue[i].via; i = queue[i].parent)
		path_buf[--k] = queue[i].via;
	path->edges = path_buf;
	path->n = n;
}

bool ud_bfs_find(ud_node_t *start, ud_mode_t start_mode, ud_node_t *target,
		 ud_mode_t held_mode, ud_path_t *path)
{
	UD_ASSERT_LOCKED(&ud_graph_lock);
	if (ud_graph_no_path(start, target))
		return false;	/* the topological order rules a path out */
	stamp++;
	size_t head = 0, tail = 0;
	queue_reserve(16);
	unsigned r0 = start_mode == UD_MODE_READ_RECURSIVE;
	visit(start, r0);
	queue[tail++] = (qentry_t){ start, NULL, 0, (uint8_t)r0 };

	while (head < tail) {
		uint32_t cur = (uint32_t)head++;
		ud_node_t *n = queue[cur].node;
		unsigned entered_r = queue[cur].entered_r;
		for (uint32_t i = 0; i < n->nout; i++) {
			ud_edge_t *e = n->out[i];
			if (e->to_gen != e->to->gen)
				continue;	/* the instance it led to is gone */
			unsigned allowed = e->dep;
			if (entered_r)
				allowed &= UD_DEP_E_ANY;
			if (!allowed)
				continue;
			unsigned r = !(allowed & UD_DEP_N_ANY);
			ud_node_t *to = e->to;
			if (to == target && (held_mode == UD_MODE_WRITE || !r)) {
				queue_reserve(tail + 1);
				queue[tail] = (qentry_t){ to, e, cur, (uint8_t)r };
				build_path((uint32_t)tail, path);
				return true;
			}
			if (ud_graph_no_path(to, target) || !visit(to, r))
				continue;
			queue_reserve(tail + 1);
			queue[tail++] = (qentry_t){ to, e, cur, (uint8_t)r };
		}
	}
	return false;
}

/*
** Signal usage searches (usage.c) walk the class graph without the strong-path
** rule: any dependency can carry a signal handler's wait. Backwards they
** follow in-edges, so the edges of a path come out in the order walked (each
** one ending where the previous one starts).
*/
static ud_node_t *usage_step_node(const ud_edge_t *e, bool backward)
{
	return backward ? e->from : e->to;
}

ud_class_t *ud_bfs_usage(ud_node_t *start, bool backward, bool past_start,
			 uint64_t mask, uint64_t *seen, ud_path_t *path)
{
	UD_ASSERT_LOCKED(&ud_graph_lock);
	stamp++;
	size_t head = 0, tail = 0;
	queue_reserve(16);
	visit(start, 0);
	queue[tail++] = (qentry_t){ start, NULL, 0, 0 };
	uint64_t all = 0;

	while (head < tail) {
		uint32_t cur = (uint32_t)head++;
		ud_class_t *c = queue[cur].node->cls;
		uint64_t u = atomic_load_explicit(backward ? &c->hot.sig_in_used
							   : &c->hot.sig_on_used,
						  memory_order_relaxed);
		if (past_start && cur == 0)
			u = 0;
		all |= u;
		if (u & mask) {
			build_path(cur, path);
			return c;
		}
		ud_node_t *n = queue[cur].node;
		uint32_t deg = backward ? n->nin : n->nout;
		for (uint32_t i = 0; i < deg; i++) {
			ud_edge_t *e = backward ? n->in[i] : n->out[i];
			ud_node_t *to = usage_step_node(e, backward);
			if (to->inst || !visit(to, 0))
				continue;
			queue_reserve(tail + 1);
			queue[tail++] = (qentry_t){ to, e, cur, 0 };
		}
	}
	if (seen)
		*seen = all;
	return NULL;
}
