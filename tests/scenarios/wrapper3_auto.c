/*
** wrapper3_auto.c: wrapper3.c with automatic class keys (init_frames=0).
**
** The account locks are made through the three-level helper my_mutex_init ->
** init_impl -> do_init -> pthread_mutex_init, by two callers (checking_init,
** then savings_init). The first lock gets the one-frame key of the do_init
** site; when the second arrives through another caller, the runtime learns
** that the helper chain is shared code and keys it by the first frame outside
** it, savings_init. So the report names the class after savings_init, and the
** ABBA between the two accounts is circular.
*/
// EXPECT: circular
// OPTIONS: init_frames=0
// CHECK: (savings_init@wrapper3_auto.c:
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
