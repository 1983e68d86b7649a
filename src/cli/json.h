/*
** json.h: a small JSON reader (a tree of values) and writer helpers for the
** command: process records are JSON Lines, and the store keeps stacks and
** reports as JSON text. The reader takes any bytes: it fails with a message,
** never crashes, and bounds nesting so that no input exhausts the stack.
*/
#ifndef UD_CLI_JSON_H
#define UD_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

typedef enum uj_type {
	UJ_NULL, UJ_BOOL, UJ_NUM, UJ_STR, UJ_ARR, UJ_OBJ
} uj_type_t;

typedef struct uj {
	uj_type_t type;
	bool b;
	double num;
	char *str;		/* UJ_STR: NUL-terminated, no NUL inside */
	size_t n;		/* UJ_ARR, UJ_OBJ: number of items */
	struct uj **items;
	char **keys;		/* UJ_OBJ: key of each item */
} uj_t;

/* Nesting deeper than this is refused. */
#define UJ_MAX_DEPTH 64

/*
** Parse exactly one value from text[0..len) (blanks around it allowed).
** NULL on error, with the reason and its byte offset in err.
*/
uj_t *uj_parse(const char *text, size_t len, char *err, size_t errsize);
void uj_free(uj_t *v);

/* Member key of an object, or NULL (also when v is not an object). */
const uj_t *uj_get(const uj_t *v, const char *key);
/* The string member key, or NULL when missing or not a string. */
const char *uj_get_str(const uj_t *v, const char *key);
/* The integer member key into *out; false when missing, not a number, not
** whole or out of the range of long long. */
bool uj_get_int(const uj_t *v, const char *key, long long *out);

/* s as a JSON string (quoted, escaped); NULL as null. */
void uj_put_str(ud_buf_t *b, const char *s);
/* v as compact JSON text. */
void uj_write(ud_buf_t *b, const uj_t *v);

#endif
