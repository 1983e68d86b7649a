/*
** fork_child_lock.c: the parent takes a then b; after fork (holding nothing)
** the child takes b then a.
**
** The child inherits the parent's memory, and with it the dependency a -> b
** recorded before fork: a child is the same program and runs the same code
** paths. Its b -> a closes the cycle, reported from the child: circular.
** (A real deadlock needs both orders in one process; the parent's a -> b path
** exists in the child too, so any other child thread could take it.)
** The parent exits with the child's status, so the run's status is the
** child's: 66 once the child has reported.
*/
// EXPECT: circular
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	int status;
	pid_t pid;

	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_lock(&b), 0);
	MUST(pthread_mutex_unlock(&b), 0);
	MUST(pthread_mutex_unlock(&a), 0);

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		MUST(pthread_mutex_lock(&b), 0);
		MUST(pthread_mutex_lock(&a), 0);
		MUST(pthread_mutex_unlock(&a), 0);
		MUST(pthread_mutex_unlock(&b), 0);
		exit(0);		/* exit(), not _exit(): run exit handlers */
	}
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
