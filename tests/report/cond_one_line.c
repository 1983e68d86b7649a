/*
** cond_one_line: two condition waits written on one line, on two
** conditions, so two call sites with one function and line. Each waits
** 1 ms and times out. (tests/cli/lock_stat_cond_line.sh)
*/
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static pthread_cond_t d = PTHREAD_COND_INITIALIZER;

static void wait_once(int which)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&m);
	/* clang-format off */
	if (which) pthread_cond_timedwait(&c, &m, &ts); else pthread_cond_timedwait(&d, &m, &ts);
	/* clang-format on */
	pthread_mutex_unlock(&m);
}

int main(void)
{
	wait_once(0);
	wait_once(1);
	wait_once(1);
	puts("done");
	return 0;
}
