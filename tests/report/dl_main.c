/*
** dl_main.c: load the library named on the command line with dlopen and run
** its two lock orders, then unload it.
*/
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	void *h = dlopen(argv[1], RTLD_NOW);
	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 2;
	}
	void (*fwd)(void) = (void (*)(void))dlsym(h, "dl_forward");
	void (*bwd)(void) = (void (*)(void))dlsym(h, "dl_backward");
	if (!fwd || !bwd)
		return 2;
	fwd();
	bwd();
	dlclose(h);
	return 0;
}
