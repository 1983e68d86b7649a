/*
** hint_set_class.c: a mutex whose class changes after its hint was written.
**
** The hint the runtime keeps in a mutex names the mutex's class
** (docs/design.md, "The hint in a mutex"). Here a -> b is taken, so b's hint
** names b's first class, and b alone is taken too, so that both chains
** are known; then b gets a class of its own by annotation, and b -> a, then
** a -> b are taken.
**
** Expected: one circular report, between a and the new class, found at the
** last a -> b. Were b's old hint believed after the change, b -> a would
** close a cycle with b's first class and be reported, naming "b".
*/
// EXPECT: circular
// CHECK: (b_renamed){+...}
// CHECK-NOT: (b){
#include <pthread.h>

#include <ulockdep.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static int renamed_key;

int main(void)
{
	LOCK_UNLOCK_2(a, b);
	LOCK_UNLOCK(b);
	/* Through the fast path now, from the hint: a -> b, and b alone. */
	LOCK_UNLOCK_2(a, b);
	LOCK_UNLOCK(b);
	ulockdep_set_class(&b, &renamed_key, "b_renamed");
	LOCK_UNLOCK_2(b, a);
	LOCK_UNLOCK_2(a, b);
	return 0;
}
