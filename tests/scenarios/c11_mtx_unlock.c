/*
** c11_mtx_unlock.c: mtx_unlock of C11 mutexes that were never locked.
**
** inited is initialised as usual; inited_quietly between ulockdep_off() and
** ulockdep_on(), so the runtime never sees it before the unlock. An mtx_t is
** a pthread mutex in glibc, which records no owner for either: two bad unlock
** balances (glibc lets plain mutexes through and returns thrd_success).
*/
// EXPECT: unlock_balance
// CHECK: is trying to release lock (main@c11_mtx_unlock.c:
// CHECK: is trying to release lock (inited_quietly) at:
#include <stdio.h>
#include <stdlib.h>
#include <threads.h>

#include <ulockdep.h>

#include "scenario.h"

static mtx_t inited, inited_quietly;

int main(void)
{
	MUST(mtx_init(&inited, mtx_plain), thrd_success);
	ulockdep_off();
	MUST(mtx_init(&inited_quietly, mtx_plain), thrd_success);
	ulockdep_on();
	MUST(mtx_unlock(&inited), thrd_success);
	MUST(mtx_unlock(&inited_quietly), thrd_success);
	mtx_destroy(&inited);
	mtx_destroy(&inited_quietly);
	return 0;
}
