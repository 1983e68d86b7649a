/*
** intercept_exit.c: how the process ends, for its record (record.c).
**
** A record says with which status the process exited. exit() and a return
** from main (main is called through a wrapper, installed by
** __libc_start_main) give the status to the exit handler, which writes the
** record (init.c); _exit and _Exit skip the exit handlers, so they write it
** themselves before ending the process.
*/
#include "rt.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef int (*main_fn)(int, char **, char **);
typedef int (*start_main_fn)(main_fn, int, char **, void (*)(void), void (*)(void),
			     void (*)(void), void *);

static main_fn program_main;

static int main_wrapper(int argc, char **argv, char **envp)
{
	int rc = program_main(argc, argv, envp);
	ud_rt_record_set_status(rc);
	return rc;
}

UD_INTERCEPTOR(int, __libc_start_main, main_fn main, int argc, char **argv,
	       void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
	       void *stack_end)
{
	start_main_fn real = (start_main_fn)dlsym(RTLD_NEXT, "__libc_start_main");
	if (!real)
		abort();
	/* Only where records are asked for: environ is not set yet, the
	** environment follows argv. */
	bool records = false;
	for (char **e = argv + argc + 1; *e; e++)
		if (!strncmp(*e, "ULOCKDEP_RECORD_DIR=", 20) && (*e)[20])
			records = true;
	if (!records)
		return real(main, argc, argv, init, fini, rtld_fini, stack_end);
	program_main = main;
	return real(main_wrapper, argc, argv, init, fini, rtld_fini, stack_end);
}

typedef void (*exit_fn)(int);

UD_INTERCEPTOR(void, exit, int status)
{
	static _Atomic(exit_fn) real;
	ud_rt_record_set_status(status);
	exit_fn f = atomic_load(&real);
	if (!f) {
		f = (exit_fn)dlsym(RTLD_NEXT, "exit");
		atomic_store(&real, f);
	}
	if (f)
		f(status);
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

static __attribute__((noreturn)) void exit_now(int status)
{
	/* From inside the runtime (its allocator out of memory): no record,
	** which would need the runtime again. */
	if (ud_rt_records_on() && !ud_tls.in_runtime)
		ud_rt_record_exit(status & 0xff);
	for (;;)
		syscall(SYS_exit_group, status);
}

UD_INTERCEPTOR(void, _exit, int status)
{
	exit_now(status);
}

UD_INTERCEPTOR(void, _Exit, int status)
{
	exit_now(status);
}
