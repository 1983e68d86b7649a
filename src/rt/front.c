/*
** front.c: interceptors in front of the runtime's.
**
** A sanitizer runtime linked into the program (clang's default ASan) comes
** first in the lookup order, so the program's calls reach its interceptors,
** which call ours. Some are not tail calls (pthread_create, free): their
** frames would sit between the program's and ours, and captured stacks
** would start inside the sanitizer. At start-up each function that such an
** interceptor may wrap is looked up as the program sees it; a definition
** that is neither the runtime's nor libc's own is an interceptor in front,
** and its code range is given to the stack capture, which drops its frames
** and everything above them.
*/
#include "rt.h"

#include <dlfcn.h>
#include <link.h>

#include "../base/libc.h"
#include "../base/stack.h"

static const char *const names[] = {
	"pthread_create", "pthread_join", "pthread_exit", "pthread_setname_np",
	"pthread_mutex_lock", "pthread_mutex_unlock", "pthread_mutex_trylock",
	"pthread_cond_wait", "pthread_cond_timedwait", "pthread_once",
	"sigaction", "signal", "sigprocmask", "pthread_sigmask",
	"longjmp", "_longjmp", "siglongjmp", "__longjmp_chk", "dlclose",
	"free", "realloc", "munmap",
};

/* The load address of the object holding p, or NULL. */
static void *object_of(const void *p)
{
	Dl_info info;
	return p && dladdr(p, &info) ? info.dli_fbase : NULL;
}

void ud_rt_front_init(uintptr_t rt_lo, uintptr_t rt_hi)
{
	/* libulockdep_free.so's free, realloc and munmap are ours too. */
	void *free_lib = object_of(dlsym(RTLD_DEFAULT, "__ulockdep_free_lib"));
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		void *p = dlsym(RTLD_DEFAULT, names[i]);
		uintptr_t a = (uintptr_t)p;
		if (!p || (a >= rt_lo && a < rt_hi) || ud_libc_owns(p) ||
		    (free_lib && object_of(p) == free_lib))
			continue;
		Dl_info info;
		const ElfW(Sym) *sym = NULL;
		if (dladdr1(p, &info, (void **)&sym, RTLD_DL_SYMENT) && sym &&
		    sym->st_size)
			ud_stack_add_front_range(a, a + sym->st_size);
	}
}
