/*
** glib_mutex_pthread.c: GMutex g then pthread mutex p in main; p then g in a
** g_thread_new thread.
**
** A GMutex and a pthread mutex are locks of one graph: the dependency goes
** both ways, circular.
*/
// EXPECT: circular
// CHECK: (g){
// CHECK: (p){
#include <glib.h>
#include <pthread.h>

static GMutex g;
static pthread_mutex_t p = PTHREAD_MUTEX_INITIALIZER;

static gpointer p_then_g(gpointer arg)
{
	(void)arg;
	pthread_mutex_lock(&p);
	g_mutex_lock(&g);
	g_mutex_unlock(&g);
	pthread_mutex_unlock(&p);
	return NULL;
}

int main(void)
{
	g_mutex_lock(&g);
	pthread_mutex_lock(&p);
	pthread_mutex_unlock(&p);
	g_mutex_unlock(&g);
	g_thread_join(g_thread_new("p-then-g", p_then_g, NULL));
	return 0;
}
