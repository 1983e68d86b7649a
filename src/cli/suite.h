/*
** suite.h: the lock graph of a whole test suite: what many processes learnt
** (their records, or a store of earlier runs), merged by class identity, and
** the cycles whose links no single process learnt (docs/suite.md).
*/
#ifndef UD_CLI_SUITE_H
#define UD_CLI_SUITE_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "record.h"

/* A run: one `ulockdep run`, or the records one `merge` imported. */
typedef struct ud_srun {
	char *uuid;		/* unique across stores: merging twice is a no-op */
	double time;
	char *command;
	long long store_id;	/* row in the store being written, 0: none yet */
} ud_srun_t;

typedef struct ud_sproc {
	size_t run;
	long long pid, ppid, status;
	char *program, *cmdline, *state;
	double time;
	long long chains, max_chain, max_depth, nreports;
	bool current;		/* of the run being checked */
	long long store_id;
} ud_sproc_t;

typedef struct ud_sclass {
	char *id, *name, *type, *usage;
	bool stable;
	bool current;		/* known to a process of the run checked */
	long long store_id;
} ud_sclass_t;

typedef struct ud_sdep {
	size_t from, to;
	bool read, from_read;	/* only when every process took it so */
	char *stack;		/* JSON array of frames: the first process's */
	size_t *procs;		/* the processes that learnt it, first first */
	size_t nprocs;
	bool current;		/* learnt by a process of the run checked */
	long long store_id;
} ud_sdep_t;

typedef struct ud_sreport {
	size_t proc;
	char *json;		/* the report object as format=json prints it */
	char *kind, *signature;
	bool stored;
} ud_sreport_t;

/* One process's lock statistics of one class (its record's stat line):
** kept per process, so that a process merged twice counts once. */
typedef struct ud_sstat {
	size_t proc, cls;
	ud_lstat_t st;
	bool stored;
} ud_sstat_t;

/* One process's figures of one condition-variable class. */
typedef struct ud_scond {
	size_t proc;
	ud_condstat_t c;
	bool stored;
} ud_scond_t;

typedef struct ud_suite {
	ud_srun_t *runs;
	size_t nruns, cap_runs;
	ud_sproc_t *procs;
	size_t nprocs, cap_procs;
	ud_sclass_t *classes;
	size_t nclasses, cap_classes;
	ud_sdep_t *deps;
	size_t ndeps, cap_deps;
	ud_sreport_t *reports;
	size_t nreports, cap_reports;
	ud_sstat_t *stats;
	size_t nstats, cap_stats;
	ud_scond_t *conds;
	size_t nconds, cap_conds;
	/* hash tables of indexes + 1 (0: empty) */
	size_t *class_tab, class_tab_size;
	size_t *dep_tab, dep_tab_size;
	char **known;		/* keys of cycles already reported (sorted) */
	size_t nknown, cap_known;
	bool known_sorted;
} ud_suite_t;

/* A cycle: deps[i].to == deps[i + 1].from, the last leads to the first. */
typedef struct ud_cycle {
	size_t *deps;
	size_t n;
	char *key;		/* class identities in order, from the smallest */
	char signature[17];
	bool known;		/* reported before (in the store) */
} ud_cycle_t;

void ud_suite_free(ud_suite_t *s);

size_t ud_suite_add_run(ud_suite_t *s, const char *uuid, double time,
			const char *command);
/* A class by identity: the existing one (first name kept) or a new one. */
size_t ud_suite_add_class(ud_suite_t *s, const char *id, const char *name,
			  const char *type, const char *usage, bool stable);
/* The dependency from -> to learnt by process proc (given first as ever). */
size_t ud_suite_add_dep(ud_suite_t *s, size_t from, size_t to, bool read,
			bool from_read, const char *stack, size_t proc);
size_t ud_suite_add_proc(ud_suite_t *s, const ud_sproc_t *p);
void ud_suite_add_report(ud_suite_t *s, size_t proc, const char *json,
			 const char *kind, const char *signature);
/* Lock statistics of process proc (copied). */
void ud_suite_add_stat(ud_suite_t *s, size_t proc, size_t cls,
		       const ud_lstat_t *st);
void ud_suite_add_cond(ud_suite_t *s, size_t proc, const ud_condstat_t *c);
/* Everything one record holds, as a process of run. */
void ud_suite_add_record(ud_suite_t *s, size_t run, const ud_record_t *r,
			 bool current);
/* Everything of another suite (a store read as input), current or not as
** it was there. */
void ud_suite_merge(ud_suite_t *s, const ud_suite_t *in);
/* A cycle key reported before. */
void ud_suite_add_known(ud_suite_t *s, const char *key);
bool ud_suite_is_known(ud_suite_t *s, const char *key);

/*
** The cycles no single process learnt whole, one per dependency at most
** (the shortest through it), each once. UD_CYC_CURRENT: only cycles with a
** dependency that a current process learnt; UD_CYC_ALL: also the cycles one
** process learnt whole (and reported itself). Returns the count; *out is
** malloc'd (free with ud_cycles_free).
*/
#define UD_CYC_CURRENT 1u
#define UD_CYC_ALL 2u
size_t ud_suite_cycles(ud_suite_t *s, unsigned flags, ud_cycle_t **out);

/*
** Add an input to s: a store, a record file, or a directory of *.rec
** files (one run). 0, or -1 with a message in err.
*/
int ud_suite_load_input(ud_suite_t *s, const char *path, bool current,
			char *err, size_t errsize);
/* A new run's unique id (random). */
void ud_suite_new_uuid(char out[33]);
void ud_cycles_free(ud_cycle_t *c, size_t n);

/* Figures of the whole suite (the summary line, stats, run properties). */
typedef struct ud_suite_figures {
	size_t processes, classes, deps;
	long long chains, max_chain, max_depth, reports;
	long long problems;	/* reports + new cycles: set by the caller */
} ud_suite_figures_t;
void ud_suite_figures(const ud_suite_t *s, bool only_current,
		      ud_suite_figures_t *f);

/*
** The lock statistics of the suite, merged across processes
** (suite_lockstat.c): one entry per class with figures, sorted by total
** wait (most first), and one per condition-variable identity, likewise.
*/
typedef struct ud_class_lstat {
	size_t cls;
	size_t nprocs;		/* processes with figures for the class */
	ud_lstat_t st;
} ud_class_lstat_t;
typedef struct ud_cond_lstat {
	size_t nprocs;
	ud_condstat_t c;
} ud_cond_lstat_t;
typedef struct ud_suite_lstats {
	ud_class_lstat_t *classes;
	size_t nclasses;
	ud_cond_lstat_t *conds;
	size_t nconds;
	size_t processes;	/* processes that wrote lock statistics */
} ud_suite_lstats_t;
void ud_suite_lock_stats(const ud_suite_t *s, ud_suite_lstats_t *out);
void ud_suite_lstats_free(ud_suite_lstats_t *ls);

/* "test_ab/4242: ./test_ab --case 3" */
void ud_suite_proc_label(const ud_suite_t *s, size_t proc, ud_buf_t *b);
/* "(name){usage}-{3:3}" as a lock line shows a class. */
void ud_suite_class_text(const ud_suite_t *s, size_t c, ud_buf_t *b);
/* The process a report shows for a dependency: one of the run checked. */
size_t ud_suite_dep_proc(const ud_suite_t *s, size_t dep);
/* "learnt by test_ab/4242: ./test_ab, and 2 more processes" */
void ud_suite_learnt_by(const ud_suite_t *s, size_t dep, ud_buf_t *b);
/* A record stack (JSON text) as indented kernel frames. */
void ud_suite_put_stack(ud_buf_t *b, const char *json);
/* The text report of a cycle, in the kernel's layout (suite_text.c). */
void ud_suite_format_text(const ud_suite_t *s, const ud_cycle_t *c, ud_buf_t *b);
/* The reports of the run's processes, one line each (distinct signatures,
** first process and how many more), after the summary: a harness such as
** ctest keeps its tests' stderr to itself. */
void ud_suite_format_report_list(const ud_suite_t *s, ud_buf_t *b);
/* The cycle as one JSON object (suite_json.c), without a newline. */
void ud_suite_format_json(const ud_suite_t *s, const ud_cycle_t *c, ud_buf_t *b);
/*
** One SARIF 2.1.0 log: every report of the current processes (all with
** all_reports) and the cycles, with the figures as run properties.
*/
void ud_suite_format_sarif(const ud_suite_t *s, bool all_reports,
			   const ud_cycle_t *c, size_t nc,
			   const ud_suite_figures_t *f, ud_buf_t *b);

#endif
