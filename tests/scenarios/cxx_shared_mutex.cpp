/*
** cxx_shared_mutex.cpp: reader/writer inversion between std::shared_mutex and
** std::mutex.
**
** Thread 1 holds sm shared (std::shared_lock) and takes m; later thread 2
** holds m and takes sm exclusively (std::unique_lock). Overlapped, thread 1
** holds sm for reading and waits for m, thread 2 holds m and waits for the
** reader to leave: a real deadlock even though one side only reads (row 7 of
** the lockdep scenario table: read -> lock, lock -> write). circular.
** libstdc++'s std::shared_mutex is a pthread rwlock (PTHREAD_RWLOCK_INITIALIZER,
** reader-preferring), taken with pthread_rwlock_rdlock / _wrlock.
*/
// EXPECT: circular
#include <mutex>
#include <shared_mutex>
#include <thread>

static std::shared_mutex sm;
static std::mutex m;
static long table[4];

static void reader()
{
	std::shared_lock<std::shared_mutex> r(sm);
	long sum = table[0] + table[1];
	std::lock_guard<std::mutex> g(m);
	table[2] = sum;
}

static void writer()
{
	std::lock_guard<std::mutex> g(m);
	std::unique_lock<std::shared_mutex> w(sm);
	table[3]++;
}

int main()
{
	std::thread(reader).join();
	std::thread(writer).join();
	return 0;
}
