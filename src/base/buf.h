/*
** buf.h: a growable text buffer in runtime memory. Reports are formatted into
** one buffer and written with a single write(2), so that concurrent reports
** from several threads or processes never interleave line by line.
*/
#ifndef UD_BASE_BUF_H
#define UD_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct ud_buf {
	char *data;
	size_t len, cap;
} ud_buf_t;

void ud_buf_printf(ud_buf_t *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ud_buf_vprintf(ud_buf_t *b, const char *fmt, va_list ap);
void ud_buf_puts(ud_buf_t *b, const char *s);
/* Append n copies of ch. */
void ud_buf_fill(ud_buf_t *b, char ch, size_t n);
void ud_buf_free(ud_buf_t *b);

#endif
