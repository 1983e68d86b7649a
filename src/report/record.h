/*
** record.h: a process record as text (docs/store.md, "Process records").
**
** The runtime (src/rt/record.c) decides when a record is written and writes
** the file; this part turns what the engine learnt (ud_snapshot_t) and the
** reports shown into the JSON Lines of format v1: a process line, the
** classes, the dependencies, the reports, and a summary line last.
*/
#ifndef UD_REPORT_RECORD_H
#define UD_REPORT_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/buf.h"
#include "../engine/types.h"

#define UD_RECORD_VERSION 1

typedef struct ud_record_process {
	int pid, ppid;
	const char *program;		/* absolute path of the executable */
	const char *argv;		/* arguments, each ended by a NUL */
	size_t argv_len;
	const char *state;		/* "running", "exited", "exec", "signal" */
	int status;			/* exit status, or the signal's number */
	double time;			/* unix seconds */
	size_t chains;			/* validated chains */
	unsigned max_depth;		/* most locks held at once */
	/* lock_stat on: the figures, written as `stat` and `cond_stat` lines
	** after the dependencies; NULL: none, and no "stats" in the summary. */
	const struct ud_stat_set *stats;
} ud_record_process_t;

/*
** The whole record, appended to out. symbolize=false (in a fatal signal's
** handler: the program's allocator may be what failed) uses only the
** identities and names already computed; a class not yet symbolized gets an
** unstable identity made of its key, and dependencies no stack.
*/
void ud_record_format(ud_buf_t *out, const ud_record_process_t *p,
		      const ud_snapshot_t *s, bool symbolize);

#endif
