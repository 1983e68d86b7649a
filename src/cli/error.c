/*
** error.c: the command's one-line error messages.
**
** A message quotes what the user gave (an argument, an option's value, a
** path, the environment): a control character in it must neither start a
** line of its own nor drive the terminal, so each one becomes '?', as the
** runtime's log does.
*/
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>

void ud_cli_error(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	for (int i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	fprintf(stderr, "ulockdep: %s\n", buf);
}
