/*
** fork_held.c: fork with pthread_atfork handlers that hold every lock across
** fork, as allocators do.
**
** prepare takes the three locks in order, the parent handler releases them,
** and the child handler re-initialises them with pthread_mutex_init (the
** child's copies are held by the forking thread; re-init is how allocators
** reset them). The child then uses the locks in the usual order and exits 0;
** the parent waits and exits with the child's status.
** Nothing is wrong: the re-init of locks inherited as held across fork must
** not be "held lock freed", the child ends holding nothing, and all nestings
** follow one order. No report.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

static pthread_mutex_t arena_lock, bin_lock, huge_lock;

static void prepare(void)
{
	MUST(pthread_mutex_lock(&arena_lock), 0);
	MUST(pthread_mutex_lock(&bin_lock), 0);
	MUST(pthread_mutex_lock(&huge_lock), 0);
}

static void parent(void)
{
	MUST(pthread_mutex_unlock(&huge_lock), 0);
	MUST(pthread_mutex_unlock(&bin_lock), 0);
	MUST(pthread_mutex_unlock(&arena_lock), 0);
}

static void child(void)
{
	MUST(pthread_mutex_init(&arena_lock, NULL), 0);
	MUST(pthread_mutex_init(&bin_lock, NULL), 0);
	MUST(pthread_mutex_init(&huge_lock, NULL), 0);
}

static void use_all(void)
{
	MUST(pthread_mutex_lock(&arena_lock), 0);
	MUST(pthread_mutex_lock(&bin_lock), 0);
	MUST(pthread_mutex_unlock(&bin_lock), 0);
	MUST(pthread_mutex_lock(&huge_lock), 0);
	MUST(pthread_mutex_unlock(&huge_lock), 0);
	MUST(pthread_mutex_unlock(&arena_lock), 0);
}

int main(void)
{
	int status;
	pid_t pid;

	MUST(pthread_mutex_init(&arena_lock, NULL), 0);
	MUST(pthread_mutex_init(&bin_lock, NULL), 0);
	MUST(pthread_mutex_init(&huge_lock, NULL), 0);
	MUST(pthread_atfork(prepare, parent, child), 0);

	use_all();
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		use_all();
		exit(0);		/* exit(), not _exit(): run exit handlers */
	}
	use_all();
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "child killed by signal %d\n", WTERMSIG(status));
		abort();
	}
	return WEXITSTATUS(status);
}
