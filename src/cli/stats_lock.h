/*
** stats_lock.h: `ulockdep stats` output of lock statistics (option
** lock_stat) held by stores: the views of docs/suite.md, "ulockdep stats".
*/
#ifndef UD_CLI_STATS_LOCK_H
#define UD_CLI_STATS_LOCK_H

#include <stddef.h>

#include "suite.h"

/* The default view: the top classes by total wait (all with top 0), one
** line each, then the condition variables. */
void ud_stats_lock_summary(const ud_suite_t *s, const ud_suite_lstats_t *ls,
			   size_t top, ud_buf_t *b);
/* The kernel's /proc/lock_stat columns, with the contentions and
** contending points of each class. */
void ud_stats_lock_kernel(const ud_suite_t *s, const ud_suite_lstats_t *ls,
			  ud_buf_t *b);
/* Every figure as one JSON object (no newline). */
void ud_stats_lock_json(const ud_suite_t *s, const ud_suite_lstats_t *ls,
			ud_buf_t *b);

#endif
