/*
** find_runtime.c: locate libulockdep.so (and libulockdep_free.so) for
** `ulockdep run`.
**
** ULOCKDEP_LIB wins when set. Otherwise the library is looked up relative to
** the directory of this executable, which covers the build tree (both are
** written to the build directory) and the GNUInstallDirs layouts (bin/ next to
** lib/, lib/<multiarch>/ or lib64/). The result is made absolute, because
** LD_PRELOAD is also read by programs that have changed directory. The
** free() library (check_free=1) is taken from the runtime's directory.
*/
#include "cli.h"

#include "base/buf.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RT_NAME "libulockdep.so"
#define FREE_NAME "libulockdep_free.so"

/* Debian-style multiarch directory name of this build's target, if known. */
#if defined(__x86_64__) && defined(__ILP32__)
#define MULTIARCH "x86_64-linux-gnux32"
#elif defined(__x86_64__)
#define MULTIARCH "x86_64-linux-gnu"
#elif defined(__i386__)
#define MULTIARCH "i386-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH "aarch64-linux-gnu"
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
#define MULTIARCH "arm-linux-gnueabihf"
#elif defined(__arm__)
#define MULTIARCH "arm-linux-gnueabi"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MULTIARCH "powerpc64le-linux-gnu"
#elif defined(__s390x__)
#define MULTIARCH "s390x-linux-gnu"
#elif defined(__riscv) && __riscv_xlen == 64
#define MULTIARCH "riscv64-linux-gnu"
#endif

/* 0 if path is a readable regular file, else an errno. */
static int usable(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode))
		return EINVAL;
	if (access(path, R_OK) < 0)
		return errno;
	return 0;
}

/*
** LD_PRELOAD splits its list at spaces and colons: a path holding either
** would preload something else, so refuse it with the reason.
*/
static char *preloadable(const char *path)
{
	char *abs = realpath(path, NULL);
	if (!abs) {
		ud_cli_error("cannot resolve '%s': %s", path,
			strerror(errno));
		return NULL;
	}
	if (strpbrk(abs, " \t:")) {
		ud_cli_error("the runtime library path '%s' holds a "
			"space or ':', which LD_PRELOAD cannot express; copy or "
			"link it elsewhere and set ULOCKDEP_LIB", abs);
		free(abs);
		return NULL;
	}
	return abs;
}

/* Directory of the running executable (malloc'd), or NULL. */
static char *exe_dir(void)
{
	size_t cap = 256;
	for (;;) {
		char *buf = malloc(cap);
		if (!buf)
			return NULL;
		ssize_t n = readlink("/proc/self/exe", buf, cap);
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)n < cap) {
			buf[n] = 0;
			char *slash = strrchr(buf, '/');
			if (!slash) {
				free(buf);
				return NULL;
			}
			*(slash == buf ? slash + 1 : slash) = 0;
			return buf;
		}
		free(buf);
		cap *= 2;
	}
}

char *ud_cli_find_runtime(void)
{
	const char *env = getenv("ULOCKDEP_LIB");
	if (env && env[0]) {
		int e = usable(env);
		if (e) {
			ud_cli_error("ULOCKDEP_LIB: cannot use '%s': "
				"%s", env, strerror(e));
			return NULL;
		}
		return preloadable(env);
	}

	char *dir = exe_dir();
	if (!dir) {
		fprintf(stderr, "ulockdep: cannot find the runtime library "
			RT_NAME ": /proc/self/exe is unreadable; set "
			"ULOCKDEP_LIB to its path\n");
		return NULL;
	}
	static const char *const rel[] = {
		"/" RT_NAME,
#ifdef UD_INSTALL_LIBDIR	/* CMAKE_INSTALL_LIBDIR, if the build passes it */
		"/../" UD_INSTALL_LIBDIR "/" RT_NAME,
#endif
		"/../lib/" RT_NAME,
#ifdef MULTIARCH
		"/../lib/" MULTIARCH "/" RT_NAME,
#endif
		"/../lib64/" RT_NAME,
	};
	ud_buf_t tried = { 0 };
	char *found = NULL;
	for (size_t i = 0; i < sizeof rel / sizeof rel[0] && !found; i++) {
		char *cand = malloc(strlen(dir) + strlen(rel[i]) + 1);
		if (!cand)
			break;
		strcpy(cand, dir);
		strcat(cand, rel[i]);
		bool exists = usable(cand) == 0;
		if (exists)
			found = preloadable(cand);
		else
			ud_buf_printf(&tried, "  %s\n", cand);
		free(cand);
		if (exists && !found)
			goto out;	/* preloadable() said why */
	}
	if (!found)
		fprintf(stderr, "ulockdep: cannot find the runtime library "
			RT_NAME "; tried:\n%sSet ULOCKDEP_LIB to its path.\n",
			tried.data);
out:
	free(dir);
	ud_buf_free(&tried);
	return found;
}

char *ud_cli_find_free_lib(const char *rt, bool required)
{
	const char *slash = strrchr(rt, '/');
	size_t dir = slash ? (size_t)(slash - rt) + 1 : 0;
	char *cand = malloc(dir + sizeof FREE_NAME);
	if (!cand)
		return NULL;
	memcpy(cand, rt, dir);
	strcpy(cand + dir, FREE_NAME);
	int e = usable(cand);
	char *found = e ? NULL : preloadable(cand);
	if (e && required)
		ud_cli_error("check_free=1 needs %s next to the "
			"runtime library: %s", cand, strerror(e));
	else if (e && !strncmp(rt + dir, "libulockdep", 11))
		/* A runtime of another name (ULOCKDEP_LIB) comes alone. */
		fprintf(stderr, "ulockdep: warning: no %s next to the runtime "
			"library (%s): freed memory is not checked "
			"(check_free_held)\n", cand, strerror(e));
	free(cand);
	return found;
}
