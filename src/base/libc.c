/*
** libc.c: libc's own definitions (see libc.h).
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "libc.h"

#include <dlfcn.h>
#include <stddef.h>

/*
** libpthread.so.0 first: before glibc 2.34 it holds the thread calls, and
** after it it is a stub whose lookups go on into libc. RTLD_NOLOAD: each is
** already in the process, or absent; nothing is loaded.
*/
static void *handle(void)
{
	static void *_Atomic h;
	void *p = h;
	if (p)
		return p;
	p = dlopen("libpthread.so.0", RTLD_LAZY | RTLD_NOLOAD);
	if (!p)
		p = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
	h = p;
	return p;
}

void *ud_libc_sym(const char *name, const char *version)
{
	void *h = handle();
	if (!h)
		return NULL;
	return version ? dlvsym(h, name, version) : dlsym(h, name);
}
