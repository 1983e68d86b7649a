/*
** ends.c: one inversion (a -> b, then b -> a), then the process ends the way
** argv[1] says: return, exit, _exit, _Exit, exec, segv, abort, pause (wait
** to be killed), fork (a child learns c -> d and exits 7; the parent exits 0),
** forkexec (a child execs "sh -c 'exit 7'" at once; the parent exits 0),
** later (0.2 s after the report, learns c -> d and a -> c, prints "learnt",
** then waits to be killed).
** The status given is 5 for return, 4 for exit, 3 for _exit and _Exit.
*/
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER, d = PTHREAD_MUTEX_INITIALIZER;

static void pair(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x);
	pthread_mutex_lock(y);
	pthread_mutex_unlock(y);
	pthread_mutex_unlock(x);
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "return";
	pair(&a, &b);
	pair(&b, &a);
	if (!strcmp(how, "exit"))
		exit(4);
	if (!strcmp(how, "_exit"))
		_exit(3);
	if (!strcmp(how, "_Exit"))
		_Exit(3);
	if (!strcmp(how, "exec")) {
		execl("/bin/sh", "sh", "-c", "exit 2", (char *)0);
		return 1;
	}
	if (!strcmp(how, "segv"))
		raise(SIGSEGV);
	if (!strcmp(how, "abort"))
		abort();
	if (!strcmp(how, "later")) {
		/* Both learnt well within record_interval of the record written
		** after the report, and nothing after them: only the refresher
		** can write them before the process is killed. */
		usleep(200000);
		pair(&c, &d);
		pair(&a, &c);
		write(1, "learnt\n", 7);
	}
	if (!strcmp(how, "pause") || !strcmp(how, "later"))
		for (;;)
			pause();
	if (!strcmp(how, "fork") || !strcmp(how, "forkexec")) {
		pid_t pid = fork();
		if (pid == 0 && !strcmp(how, "forkexec")) {
			execl("/bin/sh", "sh", "-c", "exit 7", (char *)0);
			_exit(1);
		}
		if (pid == 0) {
			pair(&c, &d);
			exit(7);
		}
		int st = 0;
		waitpid(pid, &st, 0);
		return WIFEXITED(st) && WEXITSTATUS(st) == 7 ? 0 : 1;
	}
	return 5;
}
