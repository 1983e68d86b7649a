/*
** options.h: runtime options, parsed from ULOCKDEP_OPTIONS ("a=1:b=x").
** The list itself is in options.inc. The parser neither allocates nor calls
** anything the runtime intercepts: it runs inside the program's constructor.
*/
#ifndef UD_BASE_OPTIONS_H
#define UD_BASE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define UD_OPT_CTYPE_BOOL bool
#define UD_OPT_CTYPE_INT long
#define UD_OPT_STR_MAX 4096

typedef struct ud_options {
#define UD_OPTION(type, name, def, desc) UD_OPT_FIELD_##type(name)
#define UD_OPT_FIELD_BOOL(name) bool name;
#define UD_OPT_FIELD_INT(name) long name;
#define UD_OPT_FIELD_STR(name) char name[UD_OPT_STR_MAX];
#include "options.inc"
#undef UD_OPTION
} ud_options_t;

/* Fill o with every default. */
void ud_options_defaults(ud_options_t *o);
/*
** Parse "name=value" items separated by ':' (or whitespace) into o, on top of
** what it holds. On error returns -1 and writes one line naming the option and
** what is wrong into err; o may be partly updated.
*/
int ud_options_parse(ud_options_t *o, const char *text, char *err, size_t errlen);
/* The accepted range of an INT option (for help text). */
void ud_options_int_limits(const char *name, long *min, long *max);
/*
** Help for every option: a line with name, type and default, then the
** description filled into lines of at most width columns.
*/
void ud_options_help(ud_buf_t *out, int width);

#endif
