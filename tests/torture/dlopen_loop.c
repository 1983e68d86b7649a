/*
** dlopen_loop.c SECONDS LIB: two threads load LIB (lib/torture_dl.c), take
** its locks in their fixed order through torture_dl_work, and unload it,
** over and over. One thread holds a lock of its own, M, around the call, so
** M comes before the library's locks; the other takes them alone.
**
** When both threads have closed it the library is unmapped, and the next
** dlopen maps it again, often at the same addresses: its static locks are
** then new locks at old addresses, and D is initialised again by the
** constructor at the address where it was destroyed.
*/
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>

#include "torture.h"

static pthread_mutex_t M = PTHREAD_MUTEX_INITIALIZER;
static const char *lib;
static double deadline;
static atomic_ulong loads;

static void *loader(void *arg)
{
	bool outer = arg != NULL;
	while (now_s() < deadline) {
		void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			fprintf(stderr, "dlopen_loop: %s\n", dlerror());
			exit(1);
		}
		int (*work)(int) = (int (*)(int))dlsym(h, "torture_dl_work");
		if (!work) {
			fprintf(stderr, "dlopen_loop: %s\n", dlerror());
			exit(1);
		}
		if (outer)
			MUST(pthread_mutex_lock(&M));
		int r = work(20);
		if (outer)
			MUST(pthread_mutex_unlock(&M));
		if (r < 20) {
			fprintf(stderr, "dlopen_loop: the library counted %d "
				"calls, fewer than this thread made\n", r);
			exit(1);
		}
		if (dlclose(h) != 0) {
			fprintf(stderr, "dlopen_loop: %s\n", dlerror());
			exit(1);
		}
		atomic_fetch_add(&loads, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: dlopen_loop SECONDS LIB\n");
		return 2;
	}
	deadline = now_s() + run_seconds(argc, argv);
	lib = argv[2];

	pthread_t t[2];
	MUST(pthread_create(&t[0], NULL, loader, &M));
	MUST(pthread_create(&t[1], NULL, loader, NULL));
	MUST(pthread_join(t[0], NULL));
	MUST(pthread_join(t[1], NULL));
	printf("dlopen_loop: %lu loads\n", (unsigned long)loads);
	return 0;
}
