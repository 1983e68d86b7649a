/*
** glib_mutex_abba.c: one thread takes the static GMutexes a then b, later b
** then a.
**
** Since GLib 2.46 a GMutex is a futex word, not a pthread mutex: only the
** g_mutex_* interceptors see it. Never initialised, each is keyed by its
** address and named after its variable, as a static pthread mutex is. Had
** two threads run the two orders at once, each could wait for the other:
** circular, with the program's lines as the sites.
*/
// EXPECT: circular
// CHECK: (a){
// CHECK: (b){
// CHECK: at: main+
// CHECK-NOT: intercept_glib
#include <glib.h>

static GMutex a, b;

int main(void)
{
	g_mutex_lock(&a);
	g_mutex_lock(&b);
	g_mutex_unlock(&b);
	g_mutex_unlock(&a);

	g_mutex_lock(&b);
	g_mutex_lock(&a);
	g_mutex_unlock(&a);
	g_mutex_unlock(&b);
	return 0;
}
