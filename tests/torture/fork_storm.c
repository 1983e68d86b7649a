/*
** fork_storm.c: threads lock and unlock while the main thread forks children
** that lock and exit.
**
** A, B and C are taken in that order everywhere. pthread_atfork takes all
** three before fork and releases them on both sides after it, the usual way
** to fork a threaded program: the child's copies are then free, so the child
** can take them. Each child also starts a thread, takes a mutex of its own
** around A, and exits through exit(), running the runtime's exit path.
** A child that fails exits non-zero and the parent fails the run.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#include "torture.h"

#define THREADS 4
#define IN_FLIGHT 4

static pthread_mutex_t A = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t B = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t C = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool stop;
static atomic_ulong rounds;

static void lock_all(void)
{
	MUST(pthread_mutex_lock(&A));
	MUST(pthread_mutex_lock(&B));
	MUST(pthread_mutex_lock(&C));
}

static void unlock_all(void)
{
	MUST(pthread_mutex_unlock(&C));
	MUST(pthread_mutex_unlock(&B));
	MUST(pthread_mutex_unlock(&A));
}

static void *locker(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		pthread_mutex_t own;
		MUST(pthread_mutex_init(&own, NULL));
		lock_all();
		MUST(pthread_mutex_lock(&own));
		MUST(pthread_mutex_unlock(&own));
		unlock_all();
		MUST(pthread_mutex_lock(&B));
		MUST(pthread_mutex_unlock(&B));
		MUST(pthread_mutex_destroy(&own));
		atomic_fetch_add(&rounds, 1);
	}
	return NULL;
}

static void *child_thread(void *arg)
{
	(void)arg;
	lock_all();
	unlock_all();
	return NULL;
}

static int child(void)
{
	pthread_mutex_t mine;
	pthread_t t;
	lock_all();
	unlock_all();
	MUST(pthread_create(&t, NULL, child_thread, NULL));
	MUST(pthread_mutex_init(&mine, NULL));
	MUST(pthread_mutex_lock(&mine));
	MUST(pthread_mutex_lock(&A));
	MUST(pthread_mutex_unlock(&A));
	MUST(pthread_mutex_unlock(&mine));
	MUST(pthread_mutex_destroy(&mine));
	MUST(pthread_join(t, NULL));
	return 0;
}

/* Wait for one child; 0 if it exited 0. */
static int reap(void)
{
	int st;
	pid_t p = waitpid(-1, &st, 0);
	if (p < 0) {
		perror("waitpid");
		return 1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		fprintf(stderr, "fork_storm: child %d exited %d\n", (int)p,
			WEXITSTATUS(st));
	else
		fprintf(stderr, "fork_storm: child %d killed by signal %d\n",
			(int)p, WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	return 1;
}

int main(int argc, char **argv)
{
	double deadline = now_s() + run_seconds(argc, argv);
	MUST(pthread_atfork(lock_all, unlock_all, unlock_all));

	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		MUST(pthread_create(&t[i], NULL, locker, NULL));

	unsigned long forks = 0;
	int running = 0, bad = 0;
	while (now_s() < deadline) {
		if (running == IN_FLIGHT) {
			bad += reap();
			running--;
		}
		fflush(NULL);	/* nothing buffered is written twice */
		pid_t p = fork();
		if (p < 0) {
			perror("fork");
			bad++;
			break;
		}
		if (p == 0)
			exit(child());
		running++;
		forks++;
	}
	while (running-- > 0)
		bad += reap();

	atomic_store(&stop, true);
	for (int i = 0; i < THREADS; i++)
		MUST(pthread_join(t[i], NULL));
	printf("fork_storm: %lu children, %d failed; %lu rounds in the threads\n",
	       forks, bad, (unsigned long)rounds);
	return bad ? 1 : 0;
}
