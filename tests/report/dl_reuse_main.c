/*
** dl_reuse_main.c MODE LIB_A LIB_B, for tests/cli/dl_reuse.sh:
**   reload  LIB_A takes m1 then m2 and is unloaded; LIB_B, loaded after,
**           takes its m2 then m1. Prints "same" when LIB_B's locks got
**           LIB_A's addresses, else "moved".
**   kept    LIB_A takes m1 then m2, then m2 then m1, staying loaded.
*/
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static void *open_lib(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		fprintf(stderr, "dlopen: %s\n", dlerror());
	return h;
}

static void call(void *h, const char *name)
{
	void (*fn)(void);
	*(void **)&fn = dlsym(h, name);
	fn();
}

static void *lock_addr(void *h)
{
	void *(*fn)(void);
	*(void **)&fn = dlsym(h, "lib_lock_addr");
	return fn();
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	void *a = open_lib(argv[2]);
	if (!a)
		return 3;
	call(a, "lib_ab");
	if (!strcmp(argv[1], "kept")) {
		call(a, "lib_ba");
		return 0;
	}
	void *where = lock_addr(a);
	if (dlclose(a) != 0)
		return 3;
	void *b = open_lib(argv[3]);
	if (!b)
		return 3;
	printf("%s\n", lock_addr(b) == where ? "same" : "moved");
	call(b, "lib_ba");
	dlclose(b);
	return 0;
}
