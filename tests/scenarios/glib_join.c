/*
** glib_join.c: main joins a g_thread_new thread while holding a GMutex the
** thread takes.
**
** The worker takes a and signals before it ends; main then locks a and
** joins it. Here the worker no longer needs a; had main taken a first, the
** worker would wait for a and main for the worker. The thread's lifetime is
** a pseudo-lock named after its GThreadFunc (not GLib's thread proxy):
** a -> thread:worker (the join, at main's g_thread_join call) closes
** thread:worker -> a.
*/
// EXPECT: circular
// CHECK: (thread:worker)
// CHECK: lock(thread:worker);
// CHECK: at: main+
#include <glib.h>

static GMutex a;
static gint done;

static gpointer worker(gpointer arg)
{
	(void)arg;
	g_mutex_lock(&a);
	g_mutex_unlock(&a);
	g_atomic_int_set(&done, 1);
	return NULL;
}

int main(void)
{
	GThread *t = g_thread_new("worker", worker, NULL);
	while (!g_atomic_int_get(&done))
		g_thread_yield();
	g_mutex_lock(&a);
	g_thread_join(t);
	g_mutex_unlock(&a);
	return 0;
}
