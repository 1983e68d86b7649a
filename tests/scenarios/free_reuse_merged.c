/*
** free_reuse_merged.c: free_reuse.c without check_free (the default).
**
** Each round allocates two objects whose mutexes are set up by assignment of
** PTHREAD_MUTEX_INITIALIZER (no init call, so no destroy either), takes them
** in one order and frees both. The next round gets the same two blocks back
** from malloc, in swapped roles, and takes them in the same role order.
** Each lock is a new lock, but without check_free nothing tells the runtime
** the memory was freed: a lock keeps the identity (and class) of the lock
** first seen at its address, and the second round looks like the inverse
** order of the first: a false circular dependency. This pins down the
** default; free_reuse.c shows check_free=1 removing it.
*/
// EXPECT: circular
/* The program itself is free_reuse.c's; only the options differ. */
#include "free_reuse.c"
