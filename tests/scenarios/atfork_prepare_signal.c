/*
** atfork_prepare_signal.c: a fork prepare handler of the program's waits for
** a signal that another thread sends it.
**
** Natively the handler runs with the thread's own signal mask, so the signal
** arrives and the handler finishes. The runtime's own fork handlers take its
** locks, with every signal blocked; they must run after the program's
** prepare handlers (and before its parent handlers), never around them, or
** this handler waits for a signal that stays blocked. The program registers
** its handler before its first thread starts, the order that once put one
** of the runtime's handlers first.
*/
// EXPECT: none
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

static volatile sig_atomic_t got;
static volatile int started, in_prepare, got_in_prepare;

static void on_usr1(int sig)
{
	(void)sig;
	got = 1;
}

static void *sender(void *arg)
{
	pthread_t main_thread = *(pthread_t *)arg;
	started = 1;
	while (!in_prepare)
		sched_yield();
	MUST(pthread_kill(main_thread, SIGUSR1), 0);
	return NULL;
}

/* Waits at most 10 s for the signal. */
static void prepare(void)
{
	struct timespec tick = { 0, 1000000 };
	in_prepare = 1;
	for (int i = 0; i < 10000 && !got; i++)
		nanosleep(&tick, NULL);
	got_in_prepare = got;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	MUST(sigaction(SIGUSR1, &sa, NULL), 0);
	MUST(pthread_atfork(prepare, NULL, NULL), 0);

	pthread_t self = pthread_self(), t;
	MUST(pthread_create(&t, NULL, sender, &self), 0);
	while (!started)
		sched_yield();
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	MUST(pid > 0, 1);
	MUST(waitpid(pid, NULL, 0), pid);
	MUST(pthread_join(t, NULL), 0);
	if (!got_in_prepare) {
		fprintf(stderr, "the prepare handler never got its signal\n");
		return 1;
	}
	return 0;
}
