/*
** wrapper3_callsite.c: wrapper3.c with the kernel's class keys.
**
** With init_frames=1 the class of a lock initialised at run time is its
** pthread_mutex_init call site, here the single line in do_init: the two
** account locks are one class. The ABBA between the two instances must still
** be reported: within one class the validator checks the order in which
** instances are nested, and checking -> savings followed later by savings ->
** checking is an inversion of two instances: circular. The stacks must still
** name the functions that made the dependencies.
*/
// EXPECT: circular
// OPTIONS: init_frames=1
// CHECK: transfer_forward
// CHECK: transfer_backward
/* The program itself is wrapper3.c's; only the options differ. */
#include "wrapper3.c"
