/*
** intercept_exec.c: the record of the image that calls exec (record.c).
**
** The new image keeps the pid and the start time; everything this image
** learnt would be lost with its memory, so its record is written first,
** with the state "exec". If exec fails, the process goes on and later
** records replace that one. The execl forms are turned into their execv
** counterparts here, as glibc's own do.
*/
#include "rt.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>

#define ARGS_MAX 4096	/* arguments of an execl form */

static void before_exec(void)
{
	if (ud_rt_records_on())
		ud_rt_record_exec();
}

static void *real_fn(_Atomic(void *) *slot, const char *name)
{
	void *f = atomic_load(slot);
	if (!f) {
		f = dlsym(RTLD_NEXT, name);
		atomic_store(slot, f);
	}
	return f;
}

typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*execv_fn)(const char *, char *const[]);
typedef int (*fexecve_fn)(int, char *const[], char *const[]);
typedef int (*execveat_fn)(int, const char *, char *const[], char *const[], int);

static _Atomic(void *) r_execve, r_execv, r_execvp, r_execvpe, r_fexecve, r_execveat;

static int do_execve(const char *path, char *const argv[], char *const envp[])
{
	execve_fn f = (execve_fn)real_fn(&r_execve, "execve");
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	before_exec();
	return f(path, argv, envp);
}

static int do_execvpe(const char *file, char *const argv[], char *const envp[])
{
	execve_fn f = (execve_fn)real_fn(&r_execvpe, "execvpe");
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	before_exec();
	return f(file, argv, envp);
}

static int do_execvp(const char *file, char *const argv[])
{
	execv_fn f = (execv_fn)real_fn(&r_execvp, "execvp");
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	before_exec();
	return f(file, argv);
}

UD_INTERCEPTOR(int, execve, const char *path, char *const argv[], char *const envp[])
{
	return do_execve(path, argv, envp);
}

UD_INTERCEPTOR(int, execv, const char *path, char *const argv[])
{
	execv_fn f = (execv_fn)real_fn(&r_execv, "execv");
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	before_exec();
	return f(path, argv);
}

UD_INTERCEPTOR(int, execvp, const char *file, char *const argv[])
{
	return do_execvp(file, argv);
}

UD_INTERCEPTOR(int, execvpe, const char *file, char *const argv[], char *const envp[])
{
	return do_execvpe(file, argv, envp);
}

UD_INTERCEPTOR(int, fexecve, int fd, char *const argv[], char *const envp[])
{
	fexecve_fn f = (fexecve_fn)real_fn(&r_fexecve, "fexecve");
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	before_exec();
	return f(fd, argv, envp);
}

UD_INTERCEPTOR(int, execveat, int dirfd, const char *path, char *const argv[],
	       char *const envp[], int flags)
{
	execveat_fn f = (execveat_fn)real_fn(&r_execveat, "execveat");
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	before_exec();
	return f(dirfd, path, argv, envp, flags);
}

/* The arguments of an execl form, up to the NULL, into argv (ARGS_MAX). */
static char **collect(const char *arg0, va_list ap, char **argv, char ***envp)
{
	unsigned n = 0;
	argv[n++] = (char *)arg0;
	while (arg0 && n < ARGS_MAX && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	if (n == ARGS_MAX) {
		errno = E2BIG;
		return NULL;
	}
	argv[n] = NULL;
	if (envp)
		*envp = va_arg(ap, char **);
	return argv;
}

extern char **environ;

UD_INTERCEPTOR(int, execl, const char *path, const char *arg, ...)
{
	char *argv[ARGS_MAX + 1];
	va_list ap;
	va_start(ap, arg);
	char **a = collect(arg, ap, argv, NULL);
	va_end(ap);
	return a ? do_execve(path, a, environ) : -1;
}

UD_INTERCEPTOR(int, execle, const char *path, const char *arg, ...)
{
	char *argv[ARGS_MAX + 1];
	char **envp = NULL;
	va_list ap;
	va_start(ap, arg);
	char **a = collect(arg, ap, argv, &envp);
	va_end(ap);
	return a ? do_execve(path, a, envp) : -1;
}

UD_INTERCEPTOR(int, execlp, const char *file, const char *arg, ...)
{
	char *argv[ARGS_MAX + 1];
	va_list ap;
	va_start(ap, arg);
	char **a = collect(arg, ap, argv, NULL);
	va_end(ap);
	return a ? do_execvp(file, a) : -1;
}
