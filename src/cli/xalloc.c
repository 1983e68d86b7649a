/*
** xalloc.c: the command's own allocations (cli.h), which end it with status
** 70 when memory runs out: a command has nothing better to do then.
*/
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void *oom(size_t size)
{
	fprintf(stderr, "ulockdep: out of memory (%zu bytes)\n", size);
	exit(70);
}

void *ud_cli_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	return q ? q : oom(n);
}

char *ud_cli_xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	return d ? d : oom(strlen(s ? s : "") + 1);
}
