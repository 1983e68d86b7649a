/*
** store.h: the persistent lock graph (graph=FILE), an SQLite database
** (docs/suite.md, "The store"). Only the command opens it, never the
** runtime: SQLite takes locks of its own.
**
** Every use is one transaction: a writer opens with write=true, which takes
** the database's write lock at once (BEGIN IMMEDIATE, waiting up to a
** minute for other writers), so that reading what earlier runs learnt,
** checking against it and adding to it is atomic; readers see one snapshot.
** A writer that dies leaves the store as it was (SQLite's rollback journal).
*/
#ifndef UD_CLI_STORE_H
#define UD_CLI_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "suite.h"

#define UD_STORE_VERSION 2
#define UD_STORE_APP_ID 0x756c6470	/* PRAGMA application_id: "uldp" */

typedef struct ud_store ud_store_t;

/*
** Open path (creating it with create), check that it is a ulockdep store
** of a version this command reads, and begin the transaction. NULL with a
** message in err.
*/
ud_store_t *ud_store_open(const char *path, bool write, bool create, char *err,
			  size_t errsize);
/* Read the whole store into s (its items marked as not current). */
int ud_store_load(ud_store_t *st, ud_suite_t *s, char *err, size_t errsize);
/* Write what s holds that the store does not, and the keys of the cycles
** newly reported (cycles[i].known false), as of run. */
int ud_store_save(ud_store_t *st, ud_suite_t *s, const ud_cycle_t *cycles,
		  size_t ncycles, char *err, size_t errsize);
/* Commit (a writer) and close; -1 with a message if the commit failed. */
int ud_store_close(ud_store_t *st, bool commit, char *err, size_t errsize);
/* Is path an SQLite database (by its header)? */
bool ud_store_is_db(const char *path);

#endif
