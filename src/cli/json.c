/* json.c: the JSON reader and writer of the command (see json.h). */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
	const char *p, *end, *start;
	char *err;
	size_t errsize;
	bool failed;
} parser_t;

static void fail(parser_t *ps, const char *what)
{
	if (ps->failed)
		return;
	ps->failed = true;
	if (ps->errsize)
		snprintf(ps->err, ps->errsize, "%s at byte %zu", what,
			 (size_t)(ps->p - ps->start));
}

static void skip_ws(parser_t *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static uj_t *new_value(parser_t *ps, uj_type_t t)
{
	uj_t *v = calloc(1, sizeof *v);
	if (!v)
		fail(ps, "out of memory");
	else
		v->type = t;
	return v;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static void put_utf8(ud_buf_t *b, unsigned cp)
{
	if (cp < 0x80)
		ud_buf_printf(b, "%c", (char)cp);
	else if (cp < 0x800)
		ud_buf_printf(b, "%c%c", (char)(0xc0 | cp >> 6),
			      (char)(0x80 | (cp & 0x3f)));
	else if (cp < 0x10000)
		ud_buf_printf(b, "%c%c%c", (char)(0xe0 | cp >> 12),
			      (char)(0x80 | ((cp >> 6) & 0x3f)),
			      (char)(0x80 | (cp & 0x3f)));
	else
		ud_buf_printf(b, "%c%c%c%c", (char)(0xf0 | cp >> 18),
			      (char)(0x80 | ((cp >> 12) & 0x3f)),
			      (char)(0x80 | ((cp >> 6) & 0x3f)),
			      (char)(0x80 | (cp & 0x3f)));
}

/* A string after its opening quote; malloc'd, or NULL after fail(). */
static char *parse_string(parser_t *ps)
{
	ud_buf_t b = { 0 };
	ud_buf_puts(&b, "");
	for (;;) {
		if (ps->p >= ps->end) {
			fail(ps, "unterminated string");
			break;
		}
		unsigned char c = (unsigned char)*ps->p;
		if (c == '"') {
			ps->p++;
			char *s = strdup(b.data);
			ud_buf_free(&b);
			if (!s)
				fail(ps, "out of memory");
			return s;
		}
		if (c < 0x20) {
			fail(ps, "control character in string");
			break;
		}
		if (c != '\\') {
			const char *q = ps->p;
			while (q < ps->end && *q != '"' && *q != '\\' &&
			       (unsigned char)*q >= 0x20)
				q++;
			ud_buf_printf(&b, "%.*s", (int)(q - ps->p), ps->p);
			ps->p = q;
			continue;
		}
		if (ps->end - ps->p < 2) {
			fail(ps, "unterminated string");
			break;
		}
		char e = ps->p[1];
		ps->p += 2;
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e && simple) {
			static const char out[] = "\"\\/\b\f\n\r\t";
			ud_buf_printf(&b, "%c", out[simple - "\"\\/bfnrt"]);
			continue;
		}
		if (e != 'u' || ps->end - ps->p < 4 || hex4(ps->p) < 0) {
			fail(ps, "bad escape in string");
			break;
		}
		unsigned cp = (unsigned)hex4(ps->p);
		ps->p += 4;
		if (cp >= 0xd800 && cp < 0xdc00) {
			int lo;
			if (ps->end - ps->p < 6 || ps->p[0] != '\\' ||
			    ps->p[1] != 'u' || (lo = hex4(ps->p + 2)) < 0xdc00 ||
			    lo >= 0xe000) {
				fail(ps, "unpaired surrogate in string");
				break;
			}
			cp = 0x10000 + ((cp - 0xd800) << 10) + ((unsigned)lo - 0xdc00);
			ps->p += 6;
		} else if (cp >= 0xdc00 && cp < 0xe000) {
			fail(ps, "unpaired surrogate in string");
			break;
		}
		if (cp == 0) {
			fail(ps, "NUL character in string");
			break;
		}
		put_utf8(&b, cp);
	}
	ud_buf_free(&b);
	return NULL;
}

static uj_t *parse_value(parser_t *ps, int depth);

static bool add_item(parser_t *ps, uj_t *v, uj_t *item, char *key)
{
	if ((v->n & (v->n - 1)) == 0) {	/* grow at powers of two */
		size_t cap = v->n ? v->n * 2 : 1;
		uj_t **items = realloc(v->items, cap * sizeof *items);
		if (items)
			v->items = items;
		char **keys = v->keys;
		if (items && v->type == UJ_OBJ) {
			keys = realloc(v->keys, cap * sizeof *keys);
			if (keys)
				v->keys = keys;
		}
		if (!items || (v->type == UJ_OBJ && !keys)) {
			fail(ps, "out of memory");
			uj_free(item);
			free(key);
			return false;
		}
	}
	v->items[v->n] = item;
	if (v->type == UJ_OBJ)
		v->keys[v->n] = key;
	v->n++;
	return true;
}

static uj_t *parse_container(parser_t *ps, int depth, bool obj)
{
	uj_t *v = new_value(ps, obj ? UJ_OBJ : UJ_ARR);
	if (!v)
		return NULL;
	char close = obj ? '}' : ']';
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		skip_ws(ps);
		if (obj) {
			if (ps->p >= ps->end || *ps->p != '"') {
				fail(ps, "expected a key");
				break;
			}
			ps->p++;
			if (!(key = parse_string(ps)))
				break;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				free(key);
				fail(ps, "expected ':'");
				break;
			}
			ps->p++;
		}
		uj_t *item = parse_value(ps, depth + 1);
		if (!item) {
			free(key);
			break;
		}
		if (!add_item(ps, v, item, key))
			break;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return v;
		}
		fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		break;
	}
	uj_free(v);
	return NULL;
}

static uj_t *parse_number(parser_t *ps)
{
	const char *s = ps->p;
	const char *q = s;
	if (q < ps->end && *q == '-')
		q++;
	if (q >= ps->end || *q < '0' || *q > '9') {
		fail(ps, "bad value");
		return NULL;
	}
	if (*q == '0')
		q++;
	else
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	if (q < ps->end && *q == '.') {
		q++;
		if (q >= ps->end || *q < '0' || *q > '9') {
			fail(ps, "bad number");
			return NULL;
		}
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < ps->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < ps->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= ps->end || *q < '0' || *q > '9') {
			fail(ps, "bad number");
			return NULL;
		}
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	char tmp[64];
	size_t n = (size_t)(q - s);
	if (n >= sizeof tmp) {
		fail(ps, "number too long");
		return NULL;
	}
	memcpy(tmp, s, n);
	tmp[n] = 0;
	uj_t *v = new_value(ps, UJ_NUM);
	if (v)
		v->num = strtod(tmp, NULL);
	ps->p = q;
	return v;
}

static bool word(parser_t *ps, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0)
		return false;
	ps->p += n;
	return true;
}

static uj_t *parse_value(parser_t *ps, int depth)
{
	if (depth > UJ_MAX_DEPTH) {
		fail(ps, "nested too deep");
		return NULL;
	}
	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, "unexpected end");
		return NULL;
	}
	uj_t *v;
	switch (*ps->p) {
	case '{':
		return parse_container(ps, depth, true);
	case '[':
		return parse_container(ps, depth, false);
	case '"':
		ps->p++;
		char *s = parse_string(ps);
		if (!s)
			return NULL;
		if (!(v = new_value(ps, UJ_STR))) {
			free(s);
			return NULL;
		}
		v->str = s;
		return v;
	case 't':
	case 'f':
		if (word(ps, "true") || word(ps, "false")) {
			if ((v = new_value(ps, UJ_BOOL)))
				v->b = ps->p[-1] == 'e' && ps->p[-2] == 'u';
			return v;
		}
		break;
	case 'n':
		if (word(ps, "null"))
			return new_value(ps, UJ_NULL);
		break;
	default:
		return parse_number(ps);
	}
	fail(ps, "bad value");
	return NULL;
}

uj_t *uj_parse(const char *text, size_t len, char *err, size_t errsize)
{
	parser_t ps = { text, text + len, text, err, errsize, false };
	if (errsize)
		err[0] = 0;
	uj_t *v = parse_value(&ps, 0);
	if (v) {
		skip_ws(&ps);
		if (ps.p != ps.end) {
			fail(&ps, "text after the value");
			uj_free(v);
			v = NULL;
		}
	}
	return v;
}

void uj_free(uj_t *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		uj_free(v->items[i]);
		if (v->type == UJ_OBJ)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

const uj_t *uj_get(const uj_t *v, const char *key)
{
	if (!v || v->type != UJ_OBJ)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return v->items[i];
	return NULL;
}

const char *uj_get_str(const uj_t *v, const char *key)
{
	const uj_t *m = uj_get(v, key);
	return m && m->type == UJ_STR ? m->str : NULL;
}

bool uj_get_int(const uj_t *v, const char *key, long long *out)
{
	const uj_t *m = uj_get(v, key);
	if (!m || m->type != UJ_NUM || m->num != floor(m->num) ||
	    m->num < -9.2e18 || m->num > 9.2e18)
		return false;
	*out = (long long)m->num;
	return true;
}

void uj_put_str(ud_buf_t *b, const char *s)
{
	if (!s) {
		ud_buf_puts(b, "null");
		return;
	}
	ud_buf_puts(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const unsigned char *run = p;
		while (*p && *p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7f)
			p++;
		if (p > run)
			ud_buf_printf(b, "%.*s", (int)(p - run), (const char *)run);
		if (!*p)
			break;
		switch (*p) {
		case '"': ud_buf_puts(b, "\\\""); break;
		case '\\': ud_buf_puts(b, "\\\\"); break;
		case '\n': ud_buf_puts(b, "\\n"); break;
		case '\t': ud_buf_puts(b, "\\t"); break;
		case '\r': ud_buf_puts(b, "\\r"); break;
		default: ud_buf_printf(b, "\\u%04x", *p); break;
		}
	}
	ud_buf_puts(b, "\"");
}

void uj_write(ud_buf_t *b, const uj_t *v)
{
	switch (v->type) {
	case UJ_NULL:
		ud_buf_puts(b, "null");
		break;
	case UJ_BOOL:
		ud_buf_puts(b, v->b ? "true" : "false");
		break;
	case UJ_NUM:
		if (!isfinite(v->num))
			ud_buf_puts(b, "null");
		else if (v->num == floor(v->num) && fabs(v->num) < 1e15)
			ud_buf_printf(b, "%lld", (long long)v->num);
		else
			ud_buf_printf(b, "%.17g", v->num);
		break;
	case UJ_STR:
		uj_put_str(b, v->str);
		break;
	case UJ_ARR:
	case UJ_OBJ:
		ud_buf_puts(b, v->type == UJ_OBJ ? "{" : "[");
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				ud_buf_puts(b, ",");
			if (v->type == UJ_OBJ) {
				uj_put_str(b, v->keys[i]);
				ud_buf_puts(b, ":");
			}
			uj_write(b, v->items[i]);
		}
		ud_buf_puts(b, v->type == UJ_OBJ ? "}" : "]");
		break;
	}
}
