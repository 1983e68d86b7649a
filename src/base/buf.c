/* buf.c: growable text buffer (see buf.h). */
#include "buf.h"
#include "alloc.h"

#include <stdio.h>
#include <string.h>

static void reserve(ud_buf_t *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->data = ud_realloc(b->data, b->cap, cap);
	b->cap = cap;
}

void ud_buf_vprintf(ud_buf_t *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	reserve(b, (size_t)n);
	if ((size_t)n < sizeof small)
		memcpy(b->data + b->len, small, (size_t)n + 1);
	else
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ud_buf_printf(ud_buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ud_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void ud_buf_puts(ud_buf_t *b, const char *s)
{
	size_t n = strlen(s);
	reserve(b, n);
	memcpy(b->data + b->len, s, n + 1);
	b->len += n;
}

void ud_buf_fill(ud_buf_t *b, char ch, size_t n)
{
	reserve(b, n);
	memset(b->data + b->len, ch, n);
	b->len += n;
	b->data[b->len] = 0;
}

void ud_buf_free(ud_buf_t *b)
{
	ud_free(b->data, b->cap);
	b->data = NULL;
	b->len = b->cap = 0;
}
