/*
** glib_once_init.c: g_once_init_enter/leave around code that takes GMutex a,
** in a thread; main calls g_once_init_enter on the same location holding a.
**
** The location is a pseudo-lock held from g_once_init_enter returning TRUE to
** g_once_init_leave; g_once_init_enter waits on it. The thread's
** initialisation takes a under it, and main waits on it under a: circular,
** named after the location's variable.
*/
// EXPECT: circular
// CHECK: (once:table)
#include <glib.h>

static GMutex a;
static gsize table;

static gpointer init(gpointer arg)
{
	(void)arg;
	if (g_once_init_enter(&table)) {
		g_mutex_lock(&a);
		g_mutex_unlock(&a);
		g_once_init_leave(&table, 42);
	}
	return NULL;
}

int main(void)
{
	g_thread_join(g_thread_new("init", init, NULL));
	g_mutex_lock(&a);
	/* The header's macro tests the location inline first: call the function,
	** as it does while the initialisation may still run. */
	if ((g_once_init_enter)(&table))
		return 1;
	g_mutex_unlock(&a);
	return 0;
}
