/*
** internal.h: the engine's private data structures, shared by the files of
** src/engine and by nothing outside it.
**
** Main types (those of the hot path are in hot.h):
**   ud_class_t     one lock class: a node of the dependency graph
**   ud_instance_t  one live lock object: address, class, kind, generation (hot.h)
**   ud_node_t      a graph node; classes embed one, instances that take part
**                  in same-class nesting get one lazily (instance ordering)
**   ud_edge_t      "held `from`, then waited for `to`": dependency kinds and the
**                  stack that first created it
**   ud_held_t      one entry of a thread's held-lock stack (hot.h)
**   ud_thread_t    a thread: held stack and chain key (hot.h)
**
** Locking: graph_lock (engine.c) guards classes, nodes, edges and chain-cache
** inserts. Instance shards have their own locks. A thread's held stack is
** touched only by that thread. Chain-cache lookups take no lock.
*/
#ifndef UD_ENGINE_INTERNAL_H
#define UD_ENGINE_INTERNAL_H

#include "../base/lock.h"
#include "hot.h"

/*
** Dependency kinds (lockdep-design, "Recursive read locks"). For an edge
** L1 -> L2 only what L1 blocks (writer E, or any reader S) and what blocks L2
** (recursive reader R, or non-recursive N) matter. Bit numbers:
*/
enum {
	UD_DEP_SR = 1u << 0,	/* L1 reader, L2 recursive reader */
	UD_DEP_ER = 1u << 1,	/* L1 writer, L2 recursive reader */
	UD_DEP_SN = 1u << 2,	/* L1 reader, L2 writer or non-recursive reader */
	UD_DEP_EN = 1u << 3,	/* L1 writer, L2 writer or non-recursive reader */
	UD_DEP_E_ANY = UD_DEP_ER | UD_DEP_EN,
	UD_DEP_N_ANY = UD_DEP_SN | UD_DEP_EN,
};

static inline unsigned ud_dep_bit(ud_mode_t from, ud_mode_t to)
{
	return 1u << ((from == UD_MODE_WRITE) + 2 * (to != UD_MODE_READ_RECURSIVE));
}

typedef struct ud_edge {
	ud_node_t *from;
	ud_node_t *to;
	uint32_t to_gen;	/* to->gen when created: stale when it differs */
	uint8_t dep;		/* UD_DEP_* kinds seen */
	uint8_t to_mode;	/* how `to` was taken when the edge was made */
	ud_stack_id_t stack;	/* the acquisition that first created it */
	uintptr_t to_addr;	/* instance address of `to` then */
	uintptr_t to_pc;	/* acquisition site of `to` then */
	int tid;		/* thread that created it */
	ud_stack_id_t thread_origin;	/* where that thread was created, 0: main */
	char thread_name[16];
} ud_edge_t;

struct ud_node {
	ud_edge_t **out;	/* edges leaving this node, each allocated alone */
	uint32_t nout, cap;
	uint32_t gen;		/* bumped when an instance node is recycled */
	uint64_t visit[2];	/* BFS stamps, per "entered as recursive reader" */
	ud_class_t *cls;	/* the class (of the instance, for instance nodes) */
	ud_instance_t *inst;	/* instance nodes only */
	ud_node_t *next_free;	/* recycled instance nodes */
	/* Class nodes only: edges arriving, and the node's place in a
	** topological order of the class graph (graph.c). */
	ud_edge_t **in;
	uint32_t nin, incap;
	uint32_t ord;
	uint64_t mark;		/* reordering stamp */
};

/* One acquisition that gave a class signal usage: the bits it set (each bit
** is set once for any mode and once for an excluding one, so by at most two
** events), whether it excluded readers, and its stack. */
typedef struct ud_usage_event {
	uint64_t in, on;
	ud_stack_id_t stack;
	bool excl;
} ud_usage_event_t;

struct ud_class {
	ud_class_hot_t hot;	/* first: what the fast path reads (hot.h) */
	ud_node_t node;		/* a class is a node of the graph */
	ud_class_key_t key;	/* name copied into runtime memory */
	unsigned id;
	ud_lock_kind_t kind;	/* kind of the first instance seen */
	bool kind_set;
	struct ud_class *hnext;	/* class hash chain */
	int (*cmp)(const void *, const void *);	/* instance order, or NULL */
	ud_usage_event_t *usage;	/* capacity: nusage rounded up to a power of 2 */
	uint32_t nusage;	/* the events that gave hot.sig_* (graph lock) */
	bool retired;		/* its code was unloaded: no longer found by key */
};

/* engine.c */
extern ud_lock_t ud_graph_lock;
extern ud_engine_config_t ud_config;
extern _Atomic size_t ud_stat_edges;
extern _Atomic size_t ud_stat_classes;	/* classes made (for the generation) */
extern _Atomic unsigned ud_stat_max_depth;
void ud_engine_submit(ud_report_t *r);

/* class.c */
void ud_class_fork_child(void);
size_t ud_class_count_locked(void);
/* Visit every class still found by its key (graph lock held). */
void ud_class_each_locked(void (*fn)(ud_class_t *c, void *arg), void *arg);

/* instance.c */
ud_node_t *ud_instance_node(ud_instance_t *inst);	/* graph lock held */
void ud_instance_fork_prepare(void);
void ud_instance_fork_parent(void);
void ud_instance_fork_child(void);
size_t ud_instance_count(void);

/* graph.c (graph lock held) */
ud_edge_t *ud_graph_find_edge(ud_node_t *from, ud_node_t *to);
ud_edge_t *ud_graph_add_edge(ud_node_t *from, ud_node_t *to, unsigned dep);
void ud_graph_node_clear(ud_node_t *n);
/* A new class node takes the last place in the topological order. */
void ud_graph_class_node_init(ud_node_t *n);
/*
** True when the order proves there is no path from `from` to `to` (both
** class nodes): then no search is needed, and a search may skip `from`.
** While the class graph has no cycle (cycles made only of reader edges that
** cannot deadlock are the exception), every edge goes from a lower to a
** higher place. Always false with the shortcut switched off
** (order_shortcut=0).
*/
bool ud_graph_no_path(const ud_node_t *from, const ud_node_t *to);

/* bfs.c (graph lock held) */
typedef struct ud_path {
	ud_edge_t **edges;	/* edges[0] leaves the start node */
	unsigned n;
} ud_path_t;
/*
** Is there a strong path from `start` (entered as `start_mode`) to `target`
** that conflicts with `target` being held in `held_mode`? Fills *path with the
** shortest such path and returns true. The path is valid until the next call.
*/
bool ud_bfs_find(ud_node_t *start, ud_mode_t start_mode, ud_node_t *target,
		 ud_mode_t held_mode, ud_path_t *path);
/*
** The class nearest to `start` (itself included unless past_start: a class's
** own two usages are the inconsistency rule's to judge), following
** dependencies forwards or backwards, whose usage meets `mask`: signals
** unblocked when it was taken (forwards), signals whose handlers took it
** (backwards). Fills *path with the edges walked; NULL if none, and then
** *seen (if given) gets the union of that usage over every class reached.
*/
ud_class_t *ud_bfs_usage(ud_node_t *start, bool backward, bool past_start,
			 uint64_t mask, uint64_t *seen, ud_path_t *path);

/* chain.c (the table and its lookup are in hot.h) */
void ud_chain_init(void);		/* the first table */
void ud_chain_insert(uint64_t key);	/* graph lock held */
/* A pair key (hot.h, ud_pair_key), unless instance_cache=0 or the pairs
** already fill their share of the table. Graph lock held. */
void ud_chain_insert_pair(uint64_t key);
size_t ud_chain_count(void);

/* thread.c */
ud_held_t *ud_held_find(ud_thread_t *t, const ud_instance_t *inst, uintptr_t addr);
void ud_held_remove(ud_thread_t *t, ud_held_t *h);
/* Work out the keys a lazy release left stale (thread.c), before they are
** read. */
void ud_held_freshen(ud_thread_t *t);
void ud_report_fill_thread(ud_report_t *r, const ud_thread_t *t);
/* The first `depth` held entries of t (its whole stack: t->depth). */
void ud_report_fill_held(ud_report_t *r, const ud_thread_t *t, unsigned depth);
void ud_report_fill_lock(ud_report_lock_t *l, const ud_held_t *h);
void ud_report_fill_class(ud_report_class_t *rc, const ud_class_t *c);
/* A chain link: the lock the edge leads to, as it was first taken after
** the edge's `from`. */
void ud_report_fill_link(ud_report_link_t *l, const ud_edge_t *e);

/* check.c */
/* Validate the acquisition of inst as class c (flags: UD_ACQ_*). */
void ud_validate(ud_thread_t *t, unsigned depth, ud_instance_t *inst,
		 ud_class_t *c, ud_mode_t mode, uintptr_t pc, uint64_t key,
		 unsigned flags);
uint64_t ud_signature_mix(uint64_t signature, uint64_t v);
/* Is the pair of inst (in its present life) and the lock of its class c
** directly under depth cached for chain key `key`? (hot.h, ud_pair_key) */
bool ud_pair_cached(ud_thread_t *t, unsigned depth, const ud_instance_t *inst,
		    const ud_class_t *c, uint64_t key);

/* usage.c (the fast path's test is in hot.h) */
/*
** Would a new dependency prev -> next join a class taken in a handler of some
** signal S (at or before prev) to one taken with S unblocked (at or after
** next)? If so fills the order-specific part of r (kind, classes, links,
** signature) and returns true. Graph lock held.
*/
bool ud_usage_order(ud_report_t *r, ud_class_t *prev, ud_class_t *next);

/* takers.c (graph lock held) */
/*
** A cycle found closing the dependency h -> inst, through a thread lifetime,
** that can only be made of different instances of a class: see takers.c.
*/
bool ud_cycle_other_instance(const ud_thread_t *t, const ud_held_t *h,
			     const ud_instance_t *inst, const ud_class_t *c,
			     const ud_path_t *path);
/* Does the wait being validated skip the dependency from h (done protocol)? */
bool ud_wait_done_with(const ud_thread_t *t, const ud_held_t *h, unsigned flags);

/* assert.c */
/* Report an annotation misuse or failed assertion (UD_ASSERT_*) about the
** lock at addr (0: none), h its held entry if any. */
void ud_report_assert(ud_thread_t *t, unsigned what, uintptr_t addr,
		      const ud_held_t *h, uintptr_t pc);

#endif
