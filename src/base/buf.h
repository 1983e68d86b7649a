/*
** buf.h: a growable text buffer in runtime memory. Reports are formatted into
** one buffer and written with a single write(2), so that concurrent reports
** from several threads or processes never interleave line by line.
*/
#ifndef UD_BASE_BUF_H
#define UD_BASE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct ud_buf {
	char *data;
	size_t len, cap;
} ud_buf_t;

void ud_buf_printf(ud_buf_t *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ud_buf_vprintf(ud_buf_t *b, const char *fmt, va_list ap);
void ud_buf_puts(ud_buf_t *b, const char *s);
/* Append n bytes of s. */
void ud_buf_append(ud_buf_t *b, const char *s, size_t n);
/* Append n copies of ch. */
void ud_buf_fill(ud_buf_t *b, char ch, size_t n);
void ud_buf_free(ud_buf_t *b);
/*
** Make n bytes of text safe to print on a terminal, in place: every control
** character but newline and tab (C0, DEL, and C1 in UTF-8, which start
** terminal escape sequences) and every byte that is not part of valid UTF-8
** becomes '?'. With newlines too (keep_newlines false) for a name printed
** within a line.
*/
void ud_text_sanitize(char *s, size_t n, bool keep_newlines);

#endif
