/*
** record.h: one process record (format v1, docs/store.md "Process records"):
** what a process of a `ulockdep run` tree learnt, read from its JSON Lines
** file. The reader checks everything it uses and rejects a truncated record
** (no final summary line) or one of a newer format with a message.
*/
#ifndef UD_CLI_RECORD_H
#define UD_CLI_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "lockstat.h"

#define UD_RECORD_VERSION 1
/* Larger record files are refused (a record holds a lock graph, not data). */
#define UD_RECORD_MAX_BYTES (256u << 20)

typedef struct ud_rec_class {
	long long n;		/* record-local number used by deps */
	char *id, *name, *type, *usage;
	bool stable;
} ud_rec_class_t;

typedef struct ud_rec_dep {
	size_t from, to;	/* indexes into classes[] */
	bool read, from_read;	/* taken / held shared */
	char *stack;		/* the "stack" array as JSON text ("[]" if none) */
} ud_rec_dep_t;

typedef struct ud_rec_stat {
	size_t cls;		/* index into classes[] */
	ud_lstat_t st;
} ud_rec_stat_t;

typedef struct ud_record {
	long long pid, ppid, status;
	char *program, *state;
	char **argv;
	size_t argc;
	double time;
	ud_rec_class_t *classes;
	size_t nclasses;
	ud_rec_dep_t *deps;
	size_t ndeps;
	uj_t **reports;		/* the report objects, as format=json prints them */
	size_t nreports;
	ud_rec_stat_t *stats;	/* `stat` lines (option lock_stat) */
	size_t nstats;
	ud_condstat_t *conds;	/* `cond_stat` lines */
	size_t nconds;
	long long chains, max_chain, max_depth;
} ud_record_t;

/* Parse a record from text; 0, or -1 with a message in err. */
int ud_record_parse(ud_record_t *r, const char *text, size_t len, char *err,
		    size_t errsize);
/* Read and parse the file path; 0, or -1 with a message naming it in err. */
int ud_record_load(ud_record_t *r, const char *path, char *err, size_t errsize);
void ud_record_free(ud_record_t *r);

/* "./test_ab --case 3": argv joined by spaces, quoting what needs it. */
char *ud_record_cmdline(char *const *argv, size_t argc);

#endif
