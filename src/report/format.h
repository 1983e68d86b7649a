/*
** format.h: shared by the report files (report.c, format_text.c, names.c);
** not part of the report contract. Tests use it to render a report into a
** buffer instead of the log.
*/
#ifndef UD_REPORT_FORMAT_H
#define UD_REPORT_FORMAT_H

#include <stdint.h>

#include "../base/buf.h"
#include "report.h"

/* Render r as kernel-format text (banner to backtrace), appended to out. */
void ud_report_format_text(const ud_report_t *r, ud_buf_t *out);

/*
** The printed name of a class: "name", "name#2", "name/1"... Computed once per
** class id and kept until exit (runtime memory); safe from any thread.
*/
const char *ud_report_class_name(const ud_report_class_t *cls);

/* Frames printed per stack (option stack_frames). */
unsigned ud_report_stack_frames(void);

/* The title line of a report kind, as printed under the '=' line. */
void ud_report_format_title(const ud_report_t *r, ud_buf_t *out);

/* The exit summary (see ud_report_print_summary), appended to out. */
void ud_report_format_summary(ud_buf_t *out);

/* In a fork child: forget a holder of the name table that did not survive. */
void ud_report_names_fork_child(void);

#endif
