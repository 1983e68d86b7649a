/*
** lock_stat.c MODE: known lock patterns for tests/cli/lock_stat.sh.
**   contention  two threads take lock_a 50 times each, holding it 1 ms, from
**               a common start; a third then takes lock_b alone 1000 times
**   sleep       sleeper holds lock_s for 50 ms; waiter asks for it meanwhile
**               and prints how long it waited
**   cond        a thread waits 100 ms on a condition under lock_m
**   handoff     lock_h taken in one thread, released 20 ms later in another
**   fork        lock_f held across fork(): the child releases it 20 ms later
**   read        lock_rw taken 3 times for reading, once for writing
*/
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_s = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_h = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_f = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t lock_rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int waiting;	/* the cond waiter holds lock_m, about to wait */
static pthread_barrier_t start;
static int ready;
static _Atomic int held;	/* a plain flag: a modelled wait would add an order */

static void ms(int n)
{
	struct timespec ts = { n / 1000, (long)(n % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static void *hammer(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start);
	for (int i = 0; i < 50; i++) {
		pthread_mutex_lock(&lock_a);
		ms(1);
		pthread_mutex_unlock(&lock_a);
	}
	return NULL;
}

static void *alone(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock_b);
		pthread_mutex_unlock(&lock_b);
	}
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock_s);
	held = 1;
	ms(50);
	pthread_mutex_unlock(&lock_s);
	return NULL;
}

static void *waiter(void *arg)
{
	(void)arg;
	while (!held)
		ms(1);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	pthread_mutex_lock(&lock_s);
	clock_gettime(CLOCK_MONOTONIC, &b);
	pthread_mutex_unlock(&lock_s);
	/* What the waiter saw, for the test to compare. */
	printf("waited %lld\n", (long long)(b.tv_sec - a.tv_sec) * 1000000000LL +
				    (b.tv_nsec - a.tv_nsec));
	return NULL;
}

static void *cond_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock_m);
	__atomic_store_n(&waiting, 1, __ATOMIC_RELEASE);
	while (!ready)
		pthread_cond_wait(&cond, &lock_m);
	pthread_mutex_unlock(&lock_m);
	return NULL;
}

static void *releaser(void *arg)
{
	(void)arg;
	ms(20);
	pthread_mutex_unlock(&lock_h);
	return NULL;
}

static void two(void *(*f)(void *), void *(*g)(void *))
{
	pthread_t a, b;
	pthread_create(&a, NULL, f, NULL);
	pthread_create(&b, NULL, g, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	pthread_barrier_init(&start, NULL, 2);
	if (!strcmp(mode, "contention")) {
		two(hammer, hammer);
		pthread_t t;
		pthread_create(&t, NULL, alone, NULL);
		pthread_join(t, NULL);
	} else if (!strcmp(mode, "sleep")) {
		two(sleeper, waiter);
	} else if (!strcmp(mode, "cond")) {
		pthread_t t;
		pthread_create(&t, NULL, cond_waiter, NULL);
		/* From the waiter's wait on (it holds lock_m till then), however
		** late it starts on a loaded machine. */
		while (!__atomic_load_n(&waiting, __ATOMIC_ACQUIRE))
			sched_yield();
		ms(100);
		pthread_mutex_lock(&lock_m);
		ready = 1;
		pthread_cond_signal(&cond);
		pthread_mutex_unlock(&lock_m);
		pthread_join(t, NULL);
	} else if (!strcmp(mode, "handoff")) {
		pthread_t t;
		pthread_mutex_lock(&lock_h);
		pthread_create(&t, NULL, releaser, NULL);
		pthread_join(t, NULL);
	} else if (!strcmp(mode, "fork")) {
		pthread_mutex_lock(&lock_f);
		pid_t pid = fork();
		if (pid == 0) {
			ms(20);
			pthread_mutex_unlock(&lock_f);
			return 0;
		}
		ms(5);
		pthread_mutex_unlock(&lock_f);
		waitpid(pid, NULL, 0);
	} else if (!strcmp(mode, "read")) {
		for (int i = 0; i < 3; i++) {
			pthread_rwlock_rdlock(&lock_rw);
			pthread_rwlock_unlock(&lock_rw);
		}
		pthread_rwlock_wrlock(&lock_rw);
		pthread_rwlock_unlock(&lock_rw);
	} else {
		fprintf(stderr, "usage: lock_stat contention|sleep|cond|handoff|fork|read\n");
		return 2;
	}
	return 0;
}
