/*
** host_files.c MODE PATH: a program that makes one report (an AB-BA inversion
** in one thread) after doing MODE to its own files, for tests/cli/host_files.sh:
**   plain       nothing
**   symlink     PATH.<pid> is a symlink to PATH.victim (log_path=PATH)
**   fifo        PATH.<pid> is a FIFO (log_path=PATH)
**   dup2        the data file PATH is dup2()ed onto fd 200 to 209
**   closerange  fd 2 is closed, the data file PATH becomes fd 2, and every
**               descriptor from 3 up is closed
**   escape      the thread's name and a lock class's name hold terminal
**               escape sequences, a newline and invalid UTF-8
** It writes nothing to stderr itself and exits 0.
*/
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ulockdep.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void inversion(void)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	const char *mode = argv[1], *path = argv[2];
	char name[4096];
	snprintf(name, sizeof name, "%s.%d", path, (int)getpid());
	if (!strcmp(mode, "symlink")) {
		char victim[4096];
		snprintf(victim, sizeof victim, "%s.victim", path);
		if (symlink(victim, name) != 0)
			return 3;
	} else if (!strcmp(mode, "fifo")) {
		if (mkfifo(name, 0600) != 0)
			return 3;
	} else if (!strcmp(mode, "dup2")) {
		int fd = open(path, O_WRONLY | O_APPEND);
		if (fd < 0)
			return 3;
		for (int i = 200; i < 210; i++)
			if (dup2(fd, i) != i)
				return 3;
	} else if (!strcmp(mode, "closerange")) {
		close(2);
		if (open(path, O_WRONLY | O_APPEND) != 2)
			return 3;
		if (syscall(SYS_close_range, 3u, ~0u, 0) != 0)
			return 3;
	} else if (!strcmp(mode, "escape")) {
		static char key;
		pthread_setname_np(pthread_self(), "\033[2J\nFORGED\xff");
		ulockdep_set_class(&a, &key, "evil\033]0;title\007\nFORGED: line\x9b");
	} else if (strcmp(mode, "plain")) {
		return 2;
	}
	inversion();
	return 0;
}
