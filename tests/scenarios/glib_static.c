/*
** glib_static.c: GLib's deprecated static locks. A GStaticMutex m then a
** GStaticRecMutex r (taken twice), later r then m.
**
** g_static_mutex_lock is g_mutex_lock on a GMutex that GLib allocates on
** first use; the class is named after the GStaticMutex's variable. The
** recursion on r is fine, the inversion is not: circular.
*/
// EXPECT: circular
// CHECK: (m){
// CHECK: (r){
#define GLIB_DISABLE_DEPRECATION_WARNINGS
#include <glib.h>

static GStaticMutex m = G_STATIC_MUTEX_INIT;
static GStaticRecMutex r = G_STATIC_REC_MUTEX_INIT;

int main(void)
{
	g_static_mutex_lock(&m);
	g_static_rec_mutex_lock(&r);
	g_static_rec_mutex_lock(&r);
	g_static_rec_mutex_unlock(&r);
	g_static_rec_mutex_unlock(&r);
	g_static_mutex_unlock(&m);

	g_static_rec_mutex_lock(&r);
	g_static_rec_mutex_lock(&r);
	guint depth = g_static_rec_mutex_unlock_full(&r);
	if (depth != 2)
		return 1;
	g_static_rec_mutex_lock_full(&r, depth);
	g_static_mutex_lock(&m);
	g_static_mutex_unlock(&m);
	g_static_rec_mutex_unlock(&r);
	g_static_rec_mutex_unlock(&r);
	return 0;
}
