/*
** lockstat.h: the lock statistics of records and stores (option lock_stat;
** docs/store.md, "stat" and "cond_stat"): the figures of one class and how
** the figures of several processes merge into one.
*/
#ifndef UD_CLI_LOCKSTAT_H
#define UD_CLI_LOCKSTAT_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"

/* Contention points kept per class (the kernel keeps 4 too). */
#define UD_LS_POINTS 4

/*
** A call site of lock statistics: one that waited for a class (a
** contention point) or held it while another thread waited (a contending
** point). Merged across processes by key, the innermost frame.
*/
typedef struct ud_lspoint {
	long long count, wait_ns;	/* wait_ns: contention points only */
	char *stack;		/* the "stack" array as JSON text ("[]" if none) */
	char *key;		/* module, func, file, line of the innermost frame */
} ud_lspoint_t;

/* The figures of one class (a `stat` line, or several merged). */
typedef struct ud_lstat {
	long long acquired, acquired_read, contended, owner_changes;
	long long wait_total, wait_max, hold_total, hold_max;
	ud_lspoint_t *points[2];	/* UD_LS_CONTENTION, UD_LS_CONTENDING */
	size_t npoints[2];
} ud_lstat_t;
#define UD_LS_CONTENTION 0
#define UD_LS_CONTENDING 1

/* The figures of one condition-variable class (a `cond_stat` line). */
typedef struct ud_condstat {
	char *id, *name;
	long long waits, timed_out, signals, broadcasts, wait_total, wait_max;
} ud_condstat_t;

/*
** The points of a `stat` line's array a (contention points have wait_ns):
** appended to st->points[kind]; 0, or -1 with the reason in why.
*/
int ud_lstat_parse_points(ud_lstat_t *st, int kind, const uj_t *a, char *why,
			  size_t whysize);
/* Add in's figures to *st (counts and totals add, maxima the max), and its
** points by key, keeping the UD_LS_POINTS most frequent. */
void ud_lstat_add(ud_lstat_t *st, const ud_lstat_t *in);
void ud_lstat_free(ud_lstat_t *st);
/* Add in's figures to *c (same identity). */
void ud_condstat_add(ud_condstat_t *c, const ud_condstat_t *in);
void ud_condstat_free(ud_condstat_t *c);
/* a + b, or LLONG_MAX when it would overflow (figures from files). */
long long ud_sat_add(long long a, long long b);

/* One JSON array of points ({"count":..,"wait_ns":..,"stack":[..]}). */
void ud_lstat_put_points(ud_buf_t *b, const ud_lstat_t *st, int kind);

#endif
