/*
** options.c: the runtime options (see options.h), read from ULOCKDEP_OPTIONS.
**
** Everything is driven by the X-macro list in options.inc: one descriptor table
** is built from it, and defaults, parsing and help all walk that table. The
** parser runs in the program's constructor, before the runtime is set up, so it
** allocates nothing and writes only into the caller's struct and err buffer.
**
** Syntax: items "name=value" separated by ':' or whitespace; empty items are
** skipped. A value may be quoted with ' or " to hold separators ("log_path='a b'").
*/
#include "options.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

enum opt_type { T_BOOL, T_INT, T_STR };

typedef struct opt_desc {
	const char *name;
	enum opt_type type;
	size_t offset;
	long def_int;		/* BOOL and INT */
	const char *def_str;	/* STR */
	const char *desc;
} opt_desc_t;

/*
** The default lands in def_int or def_str depending on the type; the unused
** field receives a harmless constant so every row has the same shape.
*/
#define UD_OPT_DEFI_BOOL(def) (long)(def)
#define UD_OPT_DEFI_INT(def) (long)(def)
#define UD_OPT_DEFI_STR(def) 0
#define UD_OPT_DEFS_BOOL(def) NULL
#define UD_OPT_DEFS_INT(def) NULL
#define UD_OPT_DEFS_STR(def) def

static const opt_desc_t opts[] = {
#define UD_OPTION(type, name, def, desc) \
	{ #name, T_##type, offsetof(ud_options_t, name), \
	  UD_OPT_DEFI_##type(def), UD_OPT_DEFS_##type(def), desc },
#include "options.inc"
#undef UD_OPTION
};

#define NOPTS (sizeof opts / sizeof opts[0])

/*
** Integer options whose meaningful range is narrower than "any count >= 0".
** Frame counts index fixed arrays of UD_STACK_MAX_FRAMES (64); an exit status
** above 255 would be truncated by the kernel, possibly to 0.
*/
static const struct { const char *name; long min, max; } int_limits[] = {
	{ "init_frames", 0, 64 },
	{ "stack_frames", 1, 64 },
	{ "exitcode", 0, 255 },
};

/*
** Bounds of the integer option `name` (0..LONG_MAX unless narrowed above).
** Not static: the CLI shows the ranges in its help and in docs/options.md.
*/
void ud_options_int_limits(const char *name, long *min, long *max)
{
	*min = 0;
	*max = LONG_MAX;
	for (size_t i = 0; i < sizeof int_limits / sizeof int_limits[0]; i++) {
		if (strcmp(int_limits[i].name, name) == 0) {
			*min = int_limits[i].min;
			*max = int_limits[i].max;
		}
	}
}

void ud_options_defaults(ud_options_t *o)
{
	for (size_t i = 0; i < NOPTS; i++) {
		char *field = (char *)o + opts[i].offset;
		switch (opts[i].type) {
		case T_BOOL:
			*(bool *)field = opts[i].def_int != 0;
			break;
		case T_INT:
			*(long *)field = opts[i].def_int;
			break;
		case T_STR:
			snprintf(field, UD_OPT_STR_MAX, "%s", opts[i].def_str);
			break;
		}
	}
}

static bool is_sep(char c)
{
	return c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/* Case-insensitive compare of s[0..n) with the NUL-terminated word. */
static bool word_eq(const char *s, size_t n, const char *word)
{
	size_t i = 0;
	for (; i < n && word[i]; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return false;
	}
	return i == n && word[i] == 0;
}

/* Option names match with '-' standing for '_' ("report-max"). */
static const opt_desc_t *lookup(const char *name, size_t n)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const char *d = opts[i].name;
		size_t j = 0;
		for (; j < n && d[j]; j++) {
			char c = name[j] == '-' ? '_' : name[j];
			if (c != d[j])
				break;
		}
		if (j == n && d[j] == 0)
			return &opts[i];
	}
	return NULL;
}

/*
** Quote user text in an error: long values are cut, and control characters
** (newline, escape, DEL) become '?', so that the message stays one line that
** cannot drive a terminal, whoever prints it.
*/
#define QUOTE_MAX 64
#define QUOTE_FMT "%s"
#define QUOTE_ARGS(s, n) quote((char[QUOTE_MAX + 4]){ 0 }, (s), (n))

static const char *quote(char *dst, const char *s, size_t n)
{
	size_t k = n > QUOTE_MAX ? QUOTE_MAX : n;
	for (size_t i = 0; i < k; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	memcpy(dst + k, n > QUOTE_MAX ? "..." : "", n > QUOTE_MAX ? 4 : 1);
	return dst;
}

static int fail_value(const opt_desc_t *d, const char *v, size_t vn,
		      char *err, size_t errlen)
{
	if (d->type == T_BOOL) {
		snprintf(err, errlen, "option '%s' expects a boolean "
			 "(0/1/yes/no/true/false), got '" QUOTE_FMT "'",
			 d->name, QUOTE_ARGS(v, vn));
	} else {
		long min, max;
		ud_options_int_limits(d->name, &min, &max);
		if (min == 0 && max == LONG_MAX)
			snprintf(err, errlen, "option '%s' expects a non-negative "
				 "integer, got '" QUOTE_FMT "'",
				 d->name, QUOTE_ARGS(v, vn));
		else
			snprintf(err, errlen, "option '%s' expects an integer "
				 "from %ld to %ld, got '" QUOTE_FMT "'",
				 d->name, min, max, QUOTE_ARGS(v, vn));
	}
	return -1;
}

/* Store value v[0..vn) into the field of d; -1 with a message if invalid. */
static int set_value(ud_options_t *o, const opt_desc_t *d, const char *v,
		     size_t vn, char *err, size_t errlen)
{
	char *field = (char *)o + d->offset;

	switch (d->type) {
	case T_BOOL:
		if (word_eq(v, vn, "1") || word_eq(v, vn, "yes") ||
		    word_eq(v, vn, "true"))
			*(bool *)field = true;
		else if (word_eq(v, vn, "0") || word_eq(v, vn, "no") ||
			 word_eq(v, vn, "false"))
			*(bool *)field = false;
		else
			return fail_value(d, v, vn, err, errlen);
		return 0;
	case T_INT: {
		long min, max, val = 0;
		ud_options_int_limits(d->name, &min, &max);
		if (vn == 0)
			return fail_value(d, v, vn, err, errlen);
		for (size_t i = 0; i < vn; i++) {
			if (v[i] < '0' || v[i] > '9')
				return fail_value(d, v, vn, err, errlen);
			int digit = v[i] - '0';
			/* Any overflow is out of range; LONG_MAX itself is not. */
			if (val > (LONG_MAX - digit) / 10)
				return fail_value(d, v, vn, err, errlen);
			val = val * 10 + digit;
		}
		if (val < min || val > max)
			return fail_value(d, v, vn, err, errlen);
		*(long *)field = val;
		return 0;
	}
	case T_STR:
		if (vn >= UD_OPT_STR_MAX) {
			snprintf(err, errlen, "option '%s' value is too long "
				 "(%zu bytes, at most %d)", d->name, vn,
				 UD_OPT_STR_MAX - 1);
			return -1;
		}
		memcpy(field, v, vn);
		field[vn] = 0;
		return 0;
	}
	return -1;
}

int ud_options_parse(ud_options_t *o, const char *text, char *err, size_t errlen)
{
	const char *p = text ? text : "";

	if (errlen)
		err[0] = 0;
	for (;;) {
		while (is_sep(*p))
			p++;
		if (*p == 0)
			return 0;

		const char *item = p, *eq = NULL;
		while (*p && !is_sep(*p) && *p != '=')
			p++;
		if (*p == '=')
			eq = p;
		if (!eq || eq == item) {
			/* Show the whole item, up to the next separator. */
			while (*p && !is_sep(*p))
				p++;
			size_t n = (size_t)(p - item);
			snprintf(err, errlen, "malformed item '" QUOTE_FMT
				 "' (expected name=value)", QUOTE_ARGS(item, n));
			return -1;
		}

		size_t name_len = (size_t)(eq - item);
		const opt_desc_t *d = lookup(item, name_len);
		if (!d) {
			snprintf(err, errlen, "unknown option '" QUOTE_FMT "'",
				 QUOTE_ARGS(item, name_len));
			return -1;
		}

		const char *v = eq + 1, *vend;
		if (*v == '\'' || *v == '"') {
			char q = *v++;
			vend = strchr(v, q);
			if (!vend) {
				snprintf(err, errlen, "option '%s': unterminated "
					 "quote (%c) in value", d->name, q);
				return -1;
			}
			p = vend + 1;
			if (*p && !is_sep(*p)) {
				while (*p && !is_sep(*p))
					p++;
				size_t n = (size_t)(p - item);
				snprintf(err, errlen, "malformed item '" QUOTE_FMT
					 "' (text after the closing quote)",
					 QUOTE_ARGS(item, n));
				return -1;
			}
		} else {
			vend = v;
			while (*vend && !is_sep(*vend))
				vend++;
			p = vend;
		}
		if (set_value(o, d, v, (size_t)(vend - v), err, errlen) < 0)
			return -1;
	}
}

static const char *type_name(const opt_desc_t *d, char *tmp, size_t n)
{
	long min, max;
	switch (d->type) {
	case T_BOOL:
		return "bool";
	case T_STR:
		return "string";
	case T_INT:
		ud_options_int_limits(d->name, &min, &max);
		if (min == 0 && max == LONG_MAX)
			return "int";
		snprintf(tmp, n, "int %ld-%ld", min, max);
		return tmp;
	}
	return "?";
}

/*
** Append text, its words filled into lines of at most width columns, each
** indented by indent. Only a word longer than a whole line goes past width.
*/
static void wrap(ud_buf_t *out, const char *text, int indent, int width)
{
	int col = 0;
	for (const char *p = text; *p;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		int n = (int)strcspn(p, " ");
		if (col && col + 1 + n > width) {
			ud_buf_puts(out, "\n");
			col = 0;
		}
		if (col) {
			ud_buf_printf(out, " %.*s", n, p);
			col += 1 + n;
		} else {
			ud_buf_printf(out, "%*s%.*s", indent, "", n, p);
			col = indent + n;
		}
		p += n;
	}
	ud_buf_puts(out, "\n");
}

void ud_options_help(ud_buf_t *out, int width)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const opt_desc_t *d = &opts[i];
		char tmp[48], def[48];
		if (d->type == T_STR)
			snprintf(def, sizeof def, "\"%s\"", d->def_str);
		else
			snprintf(def, sizeof def, "%ld", d->def_int);
		/* Name, type and default on one line; the description below. */
		ud_buf_printf(out, "  %-18s %-9s default %s\n", d->name,
			      type_name(d, tmp, sizeof tmp), def);
		wrap(out, d->desc, 6, width);
	}
}
