/*
** class_user_rule.c: the suppressions file's wrapper: and constructor:
** lines (tests/cli/class_user_rule.sh).
**
** guard: make_guard() initialises the mutex it is handed, and the program
** makes its locks through it; its name does not say it is a lock wrapper, so
** by default it is taken for a constructor and every lock made through it is
** one class. The inbox's lock then `route`, and `route` then the outbox's
** lock, is a false cycle of that class. `wrapper:make_guard` keys each lock
** by the site that called make_guard: no report.
**
** box: mutex_box_new() allocates a box and its lock; its name says "mutex",
** so by default it is taken for a lock wrapper, and boxes made at two sites
** are two classes. `constructor:mutex_box_new` makes them one class, and a
** box from each site taken each way round with `route` is reported.
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t route = PTHREAD_MUTEX_INITIALIZER;

/* ---- guard ---- */

struct mailbox {
	pthread_mutex_t lock;
	int n;
};

static struct mailbox inbox, outbox;

__attribute__((noinline)) void make_guard(pthread_mutex_t *m)
{
	pthread_mutex_init(m, NULL);
}

__attribute__((noinline)) void inbox_setup(void)
{
	make_guard(&inbox.lock);
}

__attribute__((noinline)) void outbox_setup(void)
{
	make_guard(&outbox.lock);
}

static void guard(void)
{
	inbox_setup();
	outbox_setup();
	pthread_mutex_lock(&inbox.lock);
	pthread_mutex_lock(&route);
	inbox.n++;
	pthread_mutex_unlock(&route);
	pthread_mutex_unlock(&inbox.lock);

	pthread_mutex_lock(&route);
	pthread_mutex_lock(&outbox.lock);
	outbox.n++;
	pthread_mutex_unlock(&outbox.lock);
	pthread_mutex_unlock(&route);
}

/* ---- box ---- */

struct box {
	pthread_mutex_t lock;
	int items;
};

__attribute__((noinline)) struct box *mutex_box_new(void)
{
	struct box *b = calloc(1, sizeof *b);
	if (!b)
		abort();
	pthread_mutex_init(&b->lock, NULL);
	return b;
}

__attribute__((noinline)) struct box *small_box(void)
{
	return mutex_box_new();
}

__attribute__((noinline)) struct box *large_box(void)
{
	return mutex_box_new();
}

static void box(void)
{
	struct box *s = small_box(), *l = large_box();
	pthread_mutex_lock(&s->lock);
	pthread_mutex_lock(&route);
	s->items++;
	pthread_mutex_unlock(&route);
	pthread_mutex_unlock(&s->lock);

	pthread_mutex_lock(&route);
	pthread_mutex_lock(&l->lock);
	l->items++;
	pthread_mutex_unlock(&l->lock);
	pthread_mutex_unlock(&route);
	free(s);
	free(l);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "guard") == 0)
		guard();
	else if (argc == 2 && strcmp(argv[1], "box") == 0)
		box();
	else
		return 2;
	return 0;
}
