/*
** wrapper3_auto.c: wrapper3.c with automatic class keys (init_frames=0, the
** default, given explicitly).
**
** The account locks are made through the three-level helper my_mutex_init ->
** init_impl -> do_init -> pthread_mutex_init, by two callers (checking_init,
** then savings_init). The first lock gets the one-frame key of the do_init
** site; when the second arrives through another caller, the runtime learns
** that the helper chain is shared code and keys it by the first frame outside
** it, savings_init. So the report names the class after savings_init, and the
** ABBA between the two accounts is circular.
*/
// EXPECT: circular
// OPTIONS: init_frames=0
// CHECK: (savings_init@wrapper3.c:
// CHECK: transfer_forward
// CHECK: transfer_backward
/* The program itself is wrapper3.c's; only the options differ. */
#include "wrapper3.c"
