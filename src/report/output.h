/*
** output.h: what the runtime sets up about report output at start and asks
** for at exit: the format (text, json, sarif), suppressions, and the closing
** output (summary, the SARIF log, the suppressions that matched).
*/
#ifndef UD_REPORT_OUTPUT_H
#define UD_REPORT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum ud_report_format {
	UD_FORMAT_TEXT,		/* kernel-format text, written when found */
	UD_FORMAT_JSON,		/* one JSON object per line, written when found */
	UD_FORMAT_SARIF,	/* one SARIF 2.1.0 log, written by ud_report_finish() */
} ud_report_format_t;

/* "text", "json" or "sarif" -> its value; -1 for anything else. */
int ud_report_format_parse(const char *name);
/* Choose the sink; also decides how the summary is written. */
void ud_report_set_format(ud_report_format_t f);

/*
** Load a suppression file; on error err holds "FILE:LINE: what is wrong" and
** the suppressions already loaded stay as they were. 0 or -1.
*/
int ud_report_load_suppressions(const char *path, char *err, size_t errlen);
/* print_suppressions: ud_report_finish() lists the rules that matched. */
void ud_report_set_print_suppressions(bool on);
/* gen_suppressions: each report shown carries a rule that would silence it
** (after the text report; a "suppression" field in JSON and SARIF). */
void ud_report_set_gen_suppressions(bool on);
/* Reports suppressed so far (not counted as distinct problems). */
unsigned ud_report_count_suppressed(void);

/*
** At exit, after the summary: the SARIF log (format=sarif, always, even with
** no results) and, with print_suppressions, the rules that matched.
*/
void ud_report_finish(void);

#endif
