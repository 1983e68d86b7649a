/*
** glib_join_ok.c: main holds a GMutex the worker never takes while it joins
** the worker, and the worker takes another one.
**
** Nothing the worker waits for is held across the join: no report.
*/
// EXPECT: none
#include <glib.h>

static GMutex a, b;

static gpointer worker(gpointer arg)
{
	(void)arg;
	g_mutex_lock(&b);
	g_mutex_unlock(&b);
	return NULL;
}

int main(void)
{
	GThread *t = g_thread_new("worker", worker, NULL);
	g_mutex_lock(&a);
	g_thread_join(t);
	g_mutex_unlock(&a);
	return 0;
}
