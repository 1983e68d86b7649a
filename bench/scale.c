/*
** scale.c: how a lock checker copes with big programs. A plain pthread
** program (run it natively, then under the checker, and compare): it makes
** 100,000 lock classes, 1,000,000 dependencies between them and 1,000,000
** live lock instances, and prints the time per item and the resident memory
** after each phase.
**
** Usage: scale [SECONDS]   stop a phase at this total run time (default 50)
**                          and say how far it got.
**
** Classes: a static mutex never initialised at run time is its own class, so
** a static array of 100,000 gives 100,000 classes. Dependencies: cls[i] held
** while cls[j] is taken, always i < j, so the graph has no cycle. Sources are
** visited in increasing order, so when i -> j is added, j has no outgoing
** edge yet and the cycle search ends at once: that phase measures the cost of
** recording a dependency. A second, small phase adds dependencies whose
** search must walk most of the graph. Instances: heap mutexes initialised at
** one call site (one class), each locked once and kept alive.
*/
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define N_CLASSES 100000
#define FANOUT 10			/* dependencies per class */
#define N_DEEP 100			/* dependencies with a whole-graph search */
#define N_INSTANCES 1000000

static pthread_mutex_t cls[N_CLASSES] = {
	[0 ... N_CLASSES - 1] = PTHREAD_MUTEX_INITIALIZER
};

static double deadline;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static double rss_mb(void)
{
	long pages = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (double)sysconf(_SC_PAGESIZE) / (1 << 20);
}

/* Prints one phase: items done out of planned, time each, RSS growth. */
static void phase(const char *what, long done, long planned, double t0,
		  double rss0)
{
	double dt = now() - t0;
	printf("%-13s %8ld  %9.3f s  %9.0f ns each  rss %+8.1f MB%s\n", what,
	       done, dt, done ? dt * 1e9 / done : 0.0, rss_mb() - rss0,
	       done < planned ? "  (stopped at the time limit)" : "");
	fflush(stdout);
}

static void lock2(pthread_mutex_t *a, pthread_mutex_t *b)
{
	pthread_mutex_lock(a);
	pthread_mutex_lock(b);
	pthread_mutex_unlock(b);
	pthread_mutex_unlock(a);
}

static int late(long i)
{
	return (i & 1023) == 0 && now() > deadline;
}

int main(int argc, char **argv)
{
	double limit = argc > 1 ? atof(argv[1]) : 50;
	if (limit <= 0) {
		fprintf(stderr, "Usage: scale [SECONDS]\n");
		return 1;
	}
	deadline = now() + limit;
	printf("%-13s %8s  %11s  %17s  %s\n", "phase", "items", "time",
	       "per item", "memory");

	/* Classes: each static mutex seen once. */
	double r = rss_mb(), t = now();
	long n = 0;
	for (; n < N_CLASSES && !late(n); n++) {
		pthread_mutex_lock(&cls[n]);
		pthread_mutex_unlock(&cls[n]);
	}
	phase("classes", n, N_CLASSES, t, r);

	/* Dependencies i -> i+k and i -> i+N-k (k = 1..FANOUT): N*FANOUT
	 * distinct pairs, all from a lower to a higher index. */
	r = rss_mb(), t = now();
	n = 0;
	for (long i = 0; i < N_CLASSES && !late(n); i++) {
		pthread_mutex_lock(&cls[i]);
		for (long k = 1; k <= FANOUT; k++) {
			long j = i + k < N_CLASSES ? i + k : -1;
			long w = i < k ? i + N_CLASSES - k : -1;
			if (j >= 0) {
				pthread_mutex_lock(&cls[j]);
				pthread_mutex_unlock(&cls[j]);
				n++;
			}
			if (w >= 0) {
				pthread_mutex_lock(&cls[w]);
				pthread_mutex_unlock(&cls[w]);
				n++;
			}
		}
		pthread_mutex_unlock(&cls[i]);
	}
	phase("dependencies", n, (long)N_CLASSES * FANOUT, t, r);

	/* New pairs a -> a+20: everything above a+20 is reachable from it, so
	 * the search for a path back to a walks most of the graph. */
	r = rss_mb(), t = now();
	n = 0;
	for (; n < N_DEEP && now() < deadline; n++)
		lock2(&cls[n], &cls[n + 20]);
	phase("deep-search", n, N_DEEP, t, r);

	/* Instances: one init site, each locked once, all kept alive. */
	r = rss_mb(), t = now();
	pthread_mutex_t *m = malloc(N_INSTANCES * sizeof(*m));
	if (!m) {
		perror("scale: malloc");
		return 1;
	}
	n = 0;
	for (; n < N_INSTANCES && !late(n); n++) {
		pthread_mutex_init(&m[n], NULL);
		pthread_mutex_lock(&m[n]);
		pthread_mutex_unlock(&m[n]);
	}
	phase("instances", n, N_INSTANCES, t, r);

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS %.1f MB (of which the program's own mutexes: %.1f MB)\n",
	       ru.ru_maxrss / 1024.0,
	       (sizeof(cls) + N_INSTANCES * sizeof(*m)) / 1048576.0);
	return 0;
}
