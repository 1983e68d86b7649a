/*
** engine.c: engine-wide state: configuration, the graph lock, the
** "still validating" switch, statistics and fork handling.
*/
#include "internal.h"

#include "../base/alloc.h"

ud_hot_t ud_hot = { .classes = &ud_class_table_empty };
ud_lock_t ud_graph_lock = UD_LOCK_INIT;
ud_engine_config_t ud_config;
_Atomic bool ud_active = true;
_Atomic size_t ud_stat_edges;
_Atomic unsigned ud_stat_max_depth;
static _Atomic unsigned ud_stat_reports;

void ud_engine_init(const ud_engine_config_t *config)
{
	if (config)
		ud_config = *config;
	ud_chain_init();
	atomic_store(&ud_active, true);
}

const ud_engine_config_t *ud_engine_config(void)
{
	return &ud_config;
}

bool ud_engine_active(void)
{
	return atomic_load_explicit(&ud_active, memory_order_relaxed);
}

/*
** Hand a report to the configured sink (no engine lock held), then free its
** arrays. With stop_after_report, the first report actually shown turns
** validation off; a suppressed or duplicate one does not.
*/
void ud_engine_submit(ud_report_t *r)
{
	if (ud_config.report && ud_config.report(r, ud_config.report_arg)) {
		atomic_fetch_add_explicit(&ud_stat_reports, 1, memory_order_relaxed);
		if (ud_config.stop_after_report)
			atomic_store(&ud_active, false);
	}
	ud_report_release(r);
}

/*
** The arrays are plain ud_alloc blocks of exactly n entries, freed with the
** counts the report holds: the engine may allocate held_locks itself
** (ud_report_fill_held) and then call ud_report_alloc(r, n, 0), so a zero
** count leaves that array alone.
*/
void ud_report_alloc(ud_report_t *r, unsigned nlinks, unsigned nheld)
{
	if (nlinks) {
		r->links = ud_alloc((size_t)nlinks * sizeof *r->links);
		r->nlinks = nlinks;
	}
	if (nheld) {
		r->held_locks = ud_alloc((size_t)nheld * sizeof *r->held_locks);
		r->nheld = nheld;
	}
}

void ud_report_release(ud_report_t *r)
{
	if (r->links)
		ud_free(r->links, (size_t)r->nlinks * sizeof *r->links);
	if (r->held_locks)
		ud_free(r->held_locks, (size_t)r->nheld * sizeof *r->held_locks);
	r->links = NULL;
	r->held_locks = NULL;
	r->nlinks = r->nheld = 0;
}

void ud_engine_get_stats(ud_engine_stats_t *s)
{
	*s = (ud_engine_stats_t){0};
	ud_lock_acquire(&ud_graph_lock);
	s->classes = ud_class_count_locked();
	ud_lock_release(&ud_graph_lock);
	s->instances = ud_instance_count();
	s->edges = atomic_load(&ud_stat_edges);
	s->chains = ud_chain_count();
	s->stacks = ud_stack_count();
	s->reports = atomic_load(&ud_stat_reports);
	s->max_depth = atomic_load(&ud_stat_max_depth);
}

void ud_engine_fork_prepare(void)
{
	ud_lock_acquire(&ud_graph_lock);
	ud_instance_fork_prepare();
	ud_stack_fork_prepare();
}

void ud_engine_fork_parent(void)
{
	ud_stack_fork_parent();
	ud_instance_fork_parent();
	ud_lock_release(&ud_graph_lock);
}

void ud_engine_fork_child(void)
{
	ud_stack_fork_child();
	ud_instance_fork_child();
	ud_lock_reset(&ud_graph_lock);
}
