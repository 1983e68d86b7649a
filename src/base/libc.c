/*
** libc.c: libc's own definitions (see libc.h).
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "libc.h"

#include <dlfcn.h>
#include <link.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static int is_libpthread(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size, (void)arg;
	const char *slash = strrchr(info->dlpi_name, '/');
	return strcmp(slash ? slash + 1 : info->dlpi_name, "libpthread.so.0") == 0;
}

/*
** libpthread.so.0 first: before glibc 2.34 it holds the thread calls, and
** after it it is a stub whose lookups go on into libc. RTLD_NOLOAD: each is
** already in the process, or absent; nothing is loaded. libpthread is asked
** for only when the loader's list holds it: for a name it has not loaded,
** dlopen searches ld.so.cache as well.
*/
static void *handle(void)
{
	static void *_Atomic h;
	void *p = h;
	if (p)
		return p;
	if (dl_iterate_phdr(is_libpthread, NULL))
		p = dlopen("libpthread.so.0", RTLD_LAZY | RTLD_NOLOAD);
	if (!p)
		p = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
	h = p;
	return p;
}

bool ud_libc_owns(const void *p)
{
	Dl_info info;
	if (!dladdr(p, &info) || !info.dli_fname)
		return false;
	const char *slash = strrchr(info.dli_fname, '/');
	const char *base = slash ? slash + 1 : info.dli_fname;
	if (strcmp(base, "libpthread.so.0") == 0)
		return true;
	return strcmp(base, "libc.so.6") == 0 && !dl_iterate_phdr(is_libpthread, NULL);
}

/*
** The next definition first, kept when it is libc's: neither it nor dladdr
** allocates. dlopen does, even of an object loaded already (the first time,
** it builds the object's search list), and the first lock call of a program
** may come from its allocator with the allocator's lock held (jemalloc's
** trylock in a constructor, in redis). Only a definition in front of libc's,
** a sanitizer's, sends the lookup to libc's handle.
*/
void *ud_libc_sym(const char *name, const char *version)
{
	void *p = version ? dlvsym(RTLD_NEXT, name, version) : dlsym(RTLD_NEXT, name);
	if (p && ud_libc_owns(p))
		return p;
	void *h = handle();
	if (!h)
		return NULL;
	return version ? dlvsym(h, name, version) : dlsym(h, name);
}
