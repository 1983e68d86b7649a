/*
** wrapper3.c: ABBA between two locks hidden behind a three-level lock API.
**
** The program wraps pthreads: my_mutex_init -> init_impl -> do_init ->
** pthread_mutex_init, and my_lock -> lock_impl -> do_lock ->
** pthread_mutex_lock. The two account locks are initialised through two
** different callers of my_mutex_init (checking_init, savings_init). With
** init_frames=4 the class key covers do_init, init_impl, my_mutex_init and
** that caller, so the two locks are two classes. transfer_forward takes
** checking then savings; after it has been joined, transfer_backward takes
** savings then checking: circular. The report's stacks must reach past the
** wrappers to the functions that made the dependencies.
*/
// EXPECT: circular
// OPTIONS: init_frames=4
// CHECK: transfer_forward
// CHECK: transfer_backward
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

/* A program's own lock API, three calls deep over pthreads. */
typedef struct my_mutex {
	pthread_mutex_t m;
} my_mutex_t;

__attribute__((noinline)) void do_init(my_mutex_t *x)
{
	MUST(pthread_mutex_init(&x->m, NULL), 0);
}

__attribute__((noinline)) void init_impl(my_mutex_t *x)
{
	do_init(x);
}

__attribute__((noinline)) void my_mutex_init(my_mutex_t *x)
{
	init_impl(x);
}

__attribute__((noinline)) void do_lock(my_mutex_t *x)
{
	MUST(pthread_mutex_lock(&x->m), 0);
}

__attribute__((noinline)) void lock_impl(my_mutex_t *x)
{
	do_lock(x);
}

__attribute__((noinline)) void my_lock(my_mutex_t *x)
{
	lock_impl(x);
}

__attribute__((noinline)) void my_unlock(my_mutex_t *x)
{
	MUST(pthread_mutex_unlock(&x->m), 0);
}

/* Two kinds of object, each initialising its lock at its own call site. */
struct account {
	my_mutex_t lock;
	long balance;
};

static struct account checking, savings;

__attribute__((noinline)) void checking_init(struct account *acc)
{
	my_mutex_init(&acc->lock);
	acc->balance = 100;
}

__attribute__((noinline)) void savings_init(struct account *acc)
{
	my_mutex_init(&acc->lock);
	acc->balance = 100;
}

__attribute__((noinline)) void transfer_forward(long amount)
{
	my_lock(&checking.lock);
	my_lock(&savings.lock);
	checking.balance -= amount;
	savings.balance += amount;
	my_unlock(&savings.lock);
	my_unlock(&checking.lock);
}

__attribute__((noinline)) void transfer_backward(long amount)
{
	my_lock(&savings.lock);
	my_lock(&checking.lock);
	savings.balance -= amount;
	checking.balance += amount;
	my_unlock(&checking.lock);
	my_unlock(&savings.lock);
}

static void *forward_thread(void *arg)
{
	(void)arg;
	transfer_forward(10);
	return NULL;
}

static void *backward_thread(void *arg)
{
	(void)arg;
	transfer_backward(10);
	return NULL;
}

int main(void)
{
	pthread_t t;

	checking_init(&checking);
	savings_init(&savings);
	MUST(pthread_create(&t, NULL, forward_thread, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, backward_thread, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	return checking.balance + savings.balance == 200 ? 0 : 1;
}
