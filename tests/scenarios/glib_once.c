/*
** glib_once.c: g_once's routine takes GMutex a; main calls g_once while
** holding a, after a thread has run the routine.
**
** The GOnce is a pseudo-lock held while the routine runs, and every g_once
** call waits on it: once:init_tables -> a (the routine) and a -> once (the
** call under a). Had the thread still been in the routine, main would wait
** for it holding a, and the routine for a: circular, named after the routine.
*/
// EXPECT: circular
// CHECK: (once:init_tables)
#include <glib.h>

static GMutex a;
static GOnce once = G_ONCE_INIT;

static gpointer init_tables(gpointer arg)
{
	(void)arg;
	g_mutex_lock(&a);
	g_mutex_unlock(&a);
	return GINT_TO_POINTER(1);
}

static gpointer first(gpointer arg)
{
	(void)arg;
	return g_once(&once, init_tables, NULL);
}

int main(void)
{
	g_thread_join(g_thread_new("first", first, NULL));
	g_mutex_lock(&a);
	/* g_once's inline test skips the call once done: call it as GLib does
	** while the routine may still run. */
	g_once_impl(&once, init_tables, NULL);
	g_mutex_unlock(&a);
	return 0;
}
