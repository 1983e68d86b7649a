/*
** fuzz_options.c: ud_options_parse (src/base/options.c) on arbitrary text.
**
** The parser reads ULOCKDEP_OPTIONS inside the program's constructor, so
** whatever the environment holds must give 0 or -1 and a message, never a
** crash or a write past a buffer. For each input (up to its first NUL, as
** getenv would give it) this checks that:
**  - the result is 0 or -1, and the same for every size of err;
**  - err holds a NUL within its size, is empty on success and not on error,
**    and a short err holds the start of the message a long one gets (err
**    sizes 0, 1, 13 and 1024; each err is its own allocation, so ASan sees a
**    write past it);
**  - every string option ends with a NUL within UD_OPT_STR_MAX, every bool
**    is 0 or 1 and every integer is within ud_options_int_limits, even after
**    an error (the struct may be partly updated, never invalid);
**  - the message holds no control character (a newline or an escape of the
**    input is shown as '?'), so that it stays one line on a terminal;
**  - the result, and on success every option, is what a reference parser
**    written here from the syntax in docs/options.md gives;
**  - on success the options, written back as "name=value" items (quoted the
**    way `ulockdep run` quotes them), parse again to the same options: the
**    command hands the runtime its options in this syntax.
*/
// SOURCES: src/base/options.c src/base/buf.c
// FLAGS: -max_len=9000
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "base/options.h"
#include "fuzz.h"

static const size_t err_sizes[] = { 0, 1, 13, 1024 };
#define NSIZES (sizeof err_sizes / sizeof err_sizes[0])

static void check_valid(const ud_options_t *o)
{
	long min, max;
	unsigned char b;
#define UD_OPTION(type, name, def, desc) VALID_##type(name)
#define VALID_BOOL(name)                                                      \
	memcpy(&b, &o->name, 1);	/* a byte, not a bool load */         \
	CHECK(b <= 1, "bool %s holds %u", #name, b);
#define VALID_INT(name)                                                       \
	ud_options_int_limits(#name, &min, &max);                             \
	CHECK(o->name >= min && o->name <= max, "%s = %ld outside %ld..%ld",  \
	      #name, o->name, min, max);
#define VALID_STR(name)                                                       \
	CHECK(memchr(o->name, 0, UD_OPT_STR_MAX), "%s has no NUL", #name);
#include "base/options.inc"
#undef UD_OPTION
#undef VALID_BOOL
#undef VALID_INT
#undef VALID_STR
	(void)min;
	(void)max;
	(void)b;
}

/* Field by field: the bytes after a string's NUL are not part of it. */
static bool same(const ud_options_t *a, const ud_options_t *b)
{
	bool eq = true;
#define UD_OPTION(type, name, def, desc) SAME_##type(name)
#define SAME_BOOL(name) eq = eq && a->name == b->name;
#define SAME_INT(name) eq = eq && a->name == b->name;
#define SAME_STR(name) eq = eq && strcmp(a->name, b->name) == 0;
#include "base/options.inc"
#undef UD_OPTION
#undef SAME_BOOL
#undef SAME_INT
#undef SAME_STR
	return eq;
}

/* ':' or whitespace separate items. */
static bool is_sep(char c)
{
	return c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/* --- the reference: docs/options.md, "Syntax" ------------------------- */

/* "stack-frames" names stack_frames. */
static bool name_is(const char *opt, const char *s, size_t n)
{
	if (strlen(opt) != n)
		return false;
	for (size_t k = 0; k < n; k++)
		if ((s[k] == '-' ? '_' : s[k]) != opt[k])
			return false;
	return true;
}

/* v[0..vn) is word, in any case. */
static bool word_is(const char *v, size_t vn, const char *word)
{
	return strlen(word) == vn && strncasecmp(v, word, vn) == 0;
}

static int ref_bool(bool *f, const char *v, size_t vn)
{
	if (word_is(v, vn, "1") || word_is(v, vn, "yes") ||
	    word_is(v, vn, "true"))
		*f = true;
	else if (word_is(v, vn, "0") || word_is(v, vn, "no") ||
		 word_is(v, vn, "false"))
		*f = false;
	else
		return -1;
	return 0;
}

static int ref_int(const char *name, long *f, const char *v, size_t vn)
{
	long min, max, val = 0;
	if (vn == 0)
		return -1;
	for (size_t k = 0; k < vn; k++) {
		if (v[k] < '0' || v[k] > '9')
			return -1;
		if (val > (LONG_MAX - (v[k] - '0')) / 10)
			return -1;	/* beyond any range */
		val = val * 10 + (v[k] - '0');
	}
	ud_options_int_limits(name, &min, &max);
	if (val < min || val > max)
		return -1;
	*f = val;
	return 0;
}

static int ref_str(char *f, const char *v, size_t vn)
{
	if (vn > UD_OPT_STR_MAX - 1)
		return -1;
	memcpy(f, v, vn);
	f[vn] = 0;
	return 0;
}

static int ref_set(ud_options_t *r, const char *n, size_t nl, const char *v,
		   size_t vn)
{
#define UD_OPTION(type, name, def, desc)                                      \
	if (name_is(#name, n, nl))                                            \
		return REF_##type(name);
#define REF_BOOL(name) ref_bool(&r->name, v, vn)
#define REF_INT(name) ref_int(#name, &r->name, v, vn)
#define REF_STR(name) ref_str(r->name, v, vn)
#include "base/options.inc"
#undef UD_OPTION
#undef REF_BOOL
#undef REF_INT
#undef REF_STR
	return -1;		/* no such option */
}

/* t into *r: 0, or -1 for an error (*r may then be partly updated). */
static int ref_parse(ud_options_t *r, const char *t)
{
	size_t i = 0;
	for (;;) {
		while (t[i] && is_sep(t[i]))
			i++;
		if (!t[i])
			return 0;
		size_t name = i;
		while (t[i] && !is_sep(t[i]) && t[i] != '=')
			i++;
		if (t[i] != '=' || i == name)
			return -1;	/* no '=', or no name */
		size_t nl = i - name, v, vn;
		i++;
		if (t[i] == '\'' || t[i] == '"') {
			const char *close = strchr(t + i + 1, t[i]);
			if (!close)
				return -1;
			v = i + 1;
			vn = (size_t)(close - (t + v));
			i = (size_t)(close - t) + 1;
			if (t[i] && !is_sep(t[i]))
				return -1;	/* text after the quote */
		} else {
			v = i;
			while (t[i] && !is_sep(t[i]))
				i++;
			vn = i - v;
		}
		if (ref_set(r, t + name, nl, t + v, vn) < 0)
			return -1;
	}
}

/*
** Append "name=value:" to out at *len. A value with separators or quotes is
** quoted with the quote it lacks; one holding both kinds has no spelling
** (false, nothing appended).
*/
static bool put_str(char *out, size_t *len, const char *name, const char *v)
{
	bool plain = v[0] != 0;
	for (const char *p = v; *p; p++)
		if (is_sep(*p) || *p == '\'' || *p == '"')
			plain = false;
	if (plain) {
		*len += (size_t)sprintf(out + *len, "%s=%s:", name, v);
		return true;
	}
	char q = strchr(v, '\'') ? '"' : '\'';
	if (strchr(v, q))
		return false;
	*len += (size_t)sprintf(out + *len, "%s=%c%s%c:", name, q, v, q);
	return true;
}

/*
** o, written back as text and parsed on top of the defaults, must come back
** as o. A string with no spelling is copied across instead.
*/
static void check_round_trip(const ud_options_t *o)
{
	/* Three strings under 4 KiB and short items; ASan guards the end. */
	static char text[1 << 16];
	static ud_options_t r;
	size_t len = 0;
	char err[1024];

	ud_options_defaults(&r);
#define UD_OPTION(type, name, def, desc) PUT_##type(name)
#define PUT_BOOL(name) len += (size_t)sprintf(text + len, #name "=%d:", o->name);
#define PUT_INT(name) len += (size_t)sprintf(text + len, #name "=%ld:", o->name);
#define PUT_STR(name)                                                         \
	if (!put_str(text, &len, #name, o->name))                             \
		strcpy(r.name, o->name);
#include "base/options.inc"
#undef UD_OPTION
#undef PUT_BOOL
#undef PUT_INT
#undef PUT_STR
	int rc = ud_options_parse(&r, text, err, sizeof err);
	CHECK(rc == 0, "written-back options refused: %s (text: %s)", err, text);
	CHECK(same(o, &r), "written-back options differ (text: %s)", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The environment gives a C string: the input up to its first NUL. */
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;

	static ud_options_t o[NSIZES];
	char *err[NSIZES];
	int rc[NSIZES];
	for (size_t i = 0; i < NSIZES; i++) {
		err[i] = malloc(err_sizes[i]);
		/* Not NUL: a missing terminator must show. */
		memset(err[i], 'x', err_sizes[i]);
		ud_options_defaults(&o[i]);
		rc[i] = ud_options_parse(&o[i], text, err[i], err_sizes[i]);
	}

	const size_t full = NSIZES - 1;
	CHECK(rc[full] == 0 || rc[full] == -1, "returned %d", rc[full]);
	const char *msg = err[full];
	CHECK(memchr(msg, 0, err_sizes[full]), "message not terminated");
	size_t mlen = strlen(msg);
	if (rc[full] == 0)
		CHECK(mlen == 0, "success with a message: %s", msg);
	else
		CHECK(mlen > 0, "error without a message");
	CHECK(mlen + 1 < err_sizes[full], "message filled the whole buffer");
	/* One line, whoever prints it: no control character from the input. */
	for (size_t i = 0; i < mlen; i++)
		CHECK((unsigned char)msg[i] >= 0x20 && msg[i] != 0x7f,
		      "control character 0x%02x in the message", (unsigned char)msg[i]);

	for (size_t i = 0; i < NSIZES; i++) {
		CHECK(rc[i] == rc[full], "err size %zu: returned %d, not %d",
		      err_sizes[i], rc[i], rc[full]);
		check_valid(&o[i]);
		CHECK(same(&o[i], &o[full]), "err size %zu: other options",
		      err_sizes[i]);
		if (err_sizes[i] == 0 || i == full)
			continue;
		/* snprintf's truncation: the start of the full message. */
		size_t want = mlen < err_sizes[i] - 1 ? mlen : err_sizes[i] - 1;
		CHECK(memchr(err[i], 0, err_sizes[i]) &&
		      strlen(err[i]) == want &&
		      memcmp(err[i], msg, want) == 0,
		      "err size %zu: not the start of '%s'", err_sizes[i], msg);
	}

	static ud_options_t ref;
	ud_options_defaults(&ref);
	int ref_rc = ref_parse(&ref, text);
	CHECK(rc[full] == ref_rc, "returned %d, the reference %d (%s)",
	      rc[full], ref_rc, msg);
	if (rc[full] == 0) {
		CHECK(same(&o[full], &ref), "options other than the reference's");
		check_round_trip(&o[full]);
	}

	for (size_t i = 0; i < NSIZES; i++)
		free(err[i]);
	free(text);
	return 0;
}
