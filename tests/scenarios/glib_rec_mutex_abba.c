/*
** glib_rec_mutex_abba.c: a GRecMutex r taken recursively, with GMutex m
** inside it; later m then r.
**
** Recursion is fine, the inversion is not: circular, with r's class named
** after its variable (a static GRecMutex, never initialised).
*/
// EXPECT: circular
// CHECK: (r){
#include <glib.h>

static GRecMutex r;
static GMutex m;

int main(void)
{
	g_rec_mutex_lock(&r);
	g_rec_mutex_lock(&r);
	g_mutex_lock(&m);
	g_mutex_unlock(&m);
	g_rec_mutex_unlock(&r);
	g_rec_mutex_unlock(&r);

	g_mutex_lock(&m);
	g_rec_mutex_lock(&r);
	g_rec_mutex_unlock(&r);
	g_mutex_unlock(&m);
	return 0;
}
