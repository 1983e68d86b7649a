/*
** wrapper3_default.c: wrapper3.c with the default options.
**
** With init_frames=1 the class of a lock initialised at run time is its
** pthread_mutex_init call site, here the single line in do_init: the two
** account locks are one class. The ABBA between the two instances must still
** be reported: within one class the validator checks the order in which
** instances are nested, and checking -> savings followed later by savings ->
** checking is an inversion of two instances: circular. The stacks must still
** name the functions that made the dependencies.
*/
// EXPECT: circular
// CHECK: transfer_forward
// CHECK: transfer_backward
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define MUST(call, want)                                                     \
	do {                                                                 \
		int rc_ = (call);                                            \
		if (rc_ != (want)) {                                         \
			fprintf(stderr, "%s:%d: %s = %d, expected %d\n",     \
				__FILE__, __LINE__, #call, rc_, (want));     \
			abort();                                             \
		}                                                            \
	} while (0)

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
