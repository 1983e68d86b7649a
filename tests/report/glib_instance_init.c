/*
** glib_instance_init.c: GObject types whose base type's instance_init makes
** each object's lock (tests/cli/glib_instance_init.sh), as GstObject's does
** for every pad, element and task.
**
** base_obj_init(), called by GObject's type system for every object of a
** type derived from BaseObj, initialises the object's GMutex. A cache and a
** queue, two unrelated types derived from it, are made by make_cache() and
** make_queue(). One path holds the cache's lock and takes `stats`, another
** holds `stats` and takes the queue's lock: no lock is taken both ways
** round. Keyed by base_obj_init's site alone, every object's lock would be
** one class and this a cycle; the key runs past GObject's frames to the code
** that made the object, so the two are two classes and nothing is reported.
**
** With the argument "same", both objects are caches made at one site (a
** loop calling make_cache()): one class, and the same two paths are an
** inversion, which is reported.
*/
#include <glib-object.h>
#include <string.h>

typedef struct { GObject parent; GMutex lock; int n; } BaseObj;
typedef struct { GObjectClass parent; } BaseObjClass;
G_DEFINE_TYPE(BaseObj, base_obj, G_TYPE_OBJECT)

static void base_obj_init(BaseObj *self)
{
	g_mutex_init(&self->lock);
	self->n = 0;
}

static void base_obj_finalize(GObject *o)
{
	g_mutex_clear(&((BaseObj *)o)->lock);
	G_OBJECT_CLASS(base_obj_parent_class)->finalize(o);
}

static void base_obj_class_init(BaseObjClass *k)
{
	G_OBJECT_CLASS(k)->finalize = base_obj_finalize;
}

typedef struct { BaseObj parent; } Cache;
typedef struct { BaseObjClass parent; } CacheClass;
G_DEFINE_TYPE(Cache, cache, base_obj_get_type())
static void cache_init(Cache *self) { (void)self; }
static void cache_class_init(CacheClass *k) { (void)k; }

typedef struct { BaseObj parent; } Queue;
typedef struct { BaseObjClass parent; } QueueClass;
G_DEFINE_TYPE(Queue, queue, base_obj_get_type())
static void queue_init(Queue *self) { (void)self; }
static void queue_class_init(QueueClass *k) { (void)k; }

static GMutex stats;
static int total;

__attribute__((noinline)) BaseObj *make_cache(void)
{
	return g_object_new(cache_get_type(), NULL);
}

__attribute__((noinline)) BaseObj *make_queue(void)
{
	return g_object_new(queue_get_type(), NULL);
}

/* The object's lock, then the statistics. */
__attribute__((noinline)) void count(BaseObj *o)
{
	g_mutex_lock(&o->lock);
	g_mutex_lock(&stats);
	total++;
	g_mutex_unlock(&stats);
	o->n++;
	g_mutex_unlock(&o->lock);
}

/* The statistics, then the object's lock. */
__attribute__((noinline)) void drain(BaseObj *o)
{
	g_mutex_lock(&stats);
	g_mutex_lock(&o->lock);
	total -= o->n;
	g_mutex_unlock(&o->lock);
	g_mutex_unlock(&stats);
}

int main(int argc, char **argv)
{
	BaseObj *o[2];
	if (argc == 2 && strcmp(argv[1], "same") == 0) {
		for (int i = 0; i < 2; i++)
			o[i] = make_cache();
	} else {
		o[0] = make_cache();
		o[1] = make_queue();
	}
	count(o[0]);
	drain(o[1]);
	g_object_unref(o[0]);
	g_object_unref(o[1]);
	return total == 1 ? 0 : 1;
}
