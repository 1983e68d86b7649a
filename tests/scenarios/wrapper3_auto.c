/*
** wrapper3_auto.c: wrapper3.c with automatic class keys (init_frames=0, the
** default, given explicitly).
**
** The account locks are made through the three-level helper my_mutex_init ->
** init_impl -> do_init -> pthread_mutex_init, by two callers (checking_init,
** then savings_init). The innermost level, do_init, is not named for a lock,
** so by the name rule it is a constructor, and its site is the class of
** both accounts (a `wrapper:do_init` line in the suppressions file would
** make the keys run on to my_mutex_init's callers: tests/cli/class_user_rule.sh
** checks that line). Two instances of one class, nested in both orders: the
** instance order makes the ABBA circular all the same.
*/
// EXPECT: circular
// OPTIONS: init_frames=0
// CHECK: (do_init@wrapper3.c:
// CHECK: transfer_forward
// CHECK: transfer_backward
/* The program itself is wrapper3.c's; only the options differ. */
#include "wrapper3.c"
