/*
** glib_mutex_abba_thread.c: main takes GMutex a then b; a thread started by
** g_thread_new takes b then a, after main is done with both.
**
** The runs never overlap, so this run cannot deadlock, but the orders are
** inverted: circular. The GMutexes are initialised with g_mutex_init, so
** their classes are keyed by the init call sites. The report names the
** thread's code and its creator, the program's g_thread_new call.
*/
// EXPECT: circular
// CHECK: at: backward+
// CHECK: main+
// CHECK: was created at:
#include <glib.h>

static GMutex a, b;

static gpointer backward(gpointer arg)
{
	(void)arg;
	g_mutex_lock(&b);
	g_mutex_lock(&a);
	g_mutex_unlock(&a);
	g_mutex_unlock(&b);
	return NULL;
}

int main(void)
{
	g_mutex_init(&a);
	g_mutex_init(&b);

	g_mutex_lock(&a);
	g_mutex_lock(&b);
	g_mutex_unlock(&b);
	g_mutex_unlock(&a);

	GThread *t = g_thread_new("backward", backward, NULL);
	g_thread_join(t);

	g_mutex_clear(&a);
	g_mutex_clear(&b);
	return 0;
}
