/*
** c11_call_once.c: once_deadlock.c with C11's call_once, which glibc runs
** as its internal pthread_once, out of an interposer's sight: it needs an
** interceptor of its own. The init routine takes `a`; a later call, already
** done, is made holding `a`.
*/
// EXPECT: circular
// CHECK: (once:init_tables)
#include <threads.h>

#include "scenario.h"

static mtx_t a;
static once_flag tables_once = ONCE_FLAG_INIT;
static int tables;

static void init_tables(void)
{
	MUST(mtx_lock(&a), thrd_success);
	tables++;
	MUST(mtx_unlock(&a), thrd_success);
}

int main(void)
{
	MUST(mtx_init(&a, mtx_plain), thrd_success);
	call_once(&tables_once, init_tables);
	MUST(mtx_lock(&a), thrd_success);
	call_once(&tables_once, init_tables);
	MUST(mtx_unlock(&a), thrd_success);
	return tables == 1 ? 0 : 1;
}
