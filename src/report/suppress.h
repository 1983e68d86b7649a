/*
** suppress.h: suppression files, parsed and matched as text.
**
** A file holds one rule per line, "TYPE:PATTERN" (the TSan convention), with
** '#' comments and blank lines. The parser and the pattern matcher only need
** runtime memory and read(2), so the `ulockdep` command compiles this file too
** and rejects a malformed file before the program runs. Matching a rule
** against a report (which needs the symbolizer) is in suppress_match.c.
*/
#ifndef UD_REPORT_SUPPRESS_H
#define UD_REPORT_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum ud_supp_type {
	UD_SUPP_DEADLOCK,	/* circular, recursive, inconsistent, signal order or
				** inversion: any frame function or file */
	UD_SUPP_RECURSIVE,	/* recursive only: any frame function or file */
	UD_SUPP_LOCK,		/* any report: a class name of the locks involved */
	UD_SUPP_UNLOCK,		/* bad unlock balance: any frame function or file */
	UD_SUPP_FREED,		/* held lock freed: any frame function or file */
	UD_SUPP_EXIT,		/* locks held at exit: any frame function or file */
	UD_SUPP_RING,		/* a cycle through instances of one class, by that
				** class's name: the program orders them itself,
				** and the runtime stops ordering them */
	UD_SUPP_WRAPPER,	/* no report: a function that is a lock wrapper, for
				** class keys (symbolize.h) */
	UD_SUPP_CONSTRUCTOR,	/* no report: a function that is none, whatever its name */
	UD_SUPP_TYPE_COUNT
} ud_supp_type_t;

typedef struct ud_supp_rule {
	ud_supp_type_t type;
	char *pattern;		/* NUL-terminated, runtime memory */
	size_t pattern_size;
	unsigned line;		/* line in the file, for print_suppressions */
	unsigned long hits;	/* reports this rule suppressed */
} ud_supp_rule_t;

typedef struct ud_supp_list {
	ud_supp_rule_t *rules;
	unsigned n, cap;
} ud_supp_list_t;

/*
** Parse the text of a suppression file named `file` (for messages) into l,
** appending to what it holds. On error returns -1 with one line in err:
** "FILE:LINE: what is wrong" (no "ulockdep: " prefix, no newline).
*/
int ud_supp_parse(ud_supp_list_t *l, const char *file, const char *text,
		  size_t len, char *err, size_t errlen);
/* Read and parse the file at path; errors as ud_supp_parse (or "FILE: cannot read: ..."). */
int ud_supp_load(ud_supp_list_t *l, const char *path, char *err, size_t errlen);
void ud_supp_free(ud_supp_list_t *l);

/* "deadlock", "lock", ...: the word that starts a line of this type. */
const char *ud_supp_type_name(ud_supp_type_t t);

/*
** The index of the first rule of l, in file order, that report r matches, or
** -1. In suppress_match.c, which symbolizes: the `ulockdep` command lacks it.
*/
struct ud_report;
int ud_report_suppression_match(const struct ud_report *r, const ud_supp_list_t *l);

/*
** What the wrapper: and constructor: rules of l say of a function's name: 1 a
** lock wrapper, -1 not one, 0 nothing (the first rule in file order that
** matches wins). Takes no lock and allocates nothing.
*/
int ud_supp_wrapper_rule(const ud_supp_list_t *l, const char *function);

/*
** Does pattern match s? '*' matches any run of characters, '?' one
** character; the pattern may match anywhere in s unless it starts with '^'
** (anchored at the start) or ends with '$' (anchored at the end).
*/
bool ud_supp_match(const char *pattern, const char *s);

#endif
