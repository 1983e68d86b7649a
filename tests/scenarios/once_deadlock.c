/*
** once_deadlock.c: pthread_once called while holding a lock the init routine
** takes. The first call runs the init routine (which takes `a`) with nothing
** held; a later call, already done, is made holding `a`. Had that call come
** first in another thread while this one ran the init routine, each would wait
** for the other. The once-control is a pseudo-lock, "once:init_tables".
*/
// EXPECT: circular
// CHECK: (once:init_tables)
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
static int tables;

static void init_tables(void)
{
	MUST(pthread_mutex_lock(&a), 0);
	tables = 1;
	MUST(pthread_mutex_unlock(&a), 0);
}

static void use_tables(void)
{
	MUST(pthread_once(&tables_once, init_tables), 0);
}

int main(void)
{
	use_tables();
	MUST(pthread_mutex_lock(&a), 0);
	use_tables();
	MUST(pthread_mutex_unlock(&a), 0);
	return tables == 1 ? 0 : 1;
}
