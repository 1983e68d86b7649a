/*
** glib_rec_mutex.c: a GRecMutex taken three times by its owner, nested with a
** GMutex in one order only.
**
** A GRecMutex nests for its owner (GLib builds it on a recursive pthread
** mutex, which the runtime does not see a second time): no report. The GMutex
** line checks that the lock is still followed.
*/
// EXPECT: none
#include <glib.h>

static GRecMutex r;
static GMutex m;

static void inner(int depth)
{
	g_rec_mutex_lock(&r);
	if (depth > 0)
		inner(depth - 1);
	else
		g_mutex_lock(&m), g_mutex_unlock(&m);
	g_rec_mutex_unlock(&r);
}

int main(void)
{
	inner(2);
	if (!g_rec_mutex_trylock(&r))
		return 1;
	inner(0);
	g_rec_mutex_unlock(&r);
	return 0;
}
