/*
** map_wait.c: a pseudo-lock for a wait that is not a lock. A job runs inside
** the map "job_done" and takes `state`; flush() waits for the job
** (ulockdep_map_wait) while holding `state`: the job could never finish.
** Both run in one thread here, one after the other, so nothing blocks.
*/
// EXPECT: circular
// CHECK: (job_done)
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <ulockdep.h>

#include "scenario.h"

static pthread_mutex_t state = PTHREAD_MUTEX_INITIALIZER;
static ulockdep_map_t job_map = ULOCKDEP_MAP_INIT("job_done", NULL);

static void run_job(void)
{
	ulockdep_map_acquire(&job_map);
	MUST(pthread_mutex_lock(&state), 0);
	MUST(pthread_mutex_unlock(&state), 0);
	ulockdep_map_release(&job_map);
}

static void flush(void)
{
	ulockdep_map_wait(&job_map);
}

int main(void)
{
	run_job();
	MUST(pthread_mutex_lock(&state), 0);
	flush();
	MUST(pthread_mutex_unlock(&state), 0);
	return 0;
}
