/*
** cxx_held.cpp: a report whose held locks were taken through each of the C++
** library's lock guards. fill() takes c_ then a_; scan() then holds d_
** (std::scoped_lock), a_ (std::lock_guard) and b_ (std::unique_lock) when
** it takes c_: circular, with three held locks. Each order runs in a
** std::thread of its own, one after the other, so nothing hangs.
** tests/cli/report_cxx_held.sh builds it at -O0 and -O2; the MARK comments
** name the lines it looks for.
*/
#include <mutex>
#include <thread>

struct Store {
	std::mutex a_, b_, c_, d_;
	int n = 0;
	void fill();
	void scan();
};

void Store::fill()
{
	std::lock_guard<std::mutex> c(c_);
	std::lock_guard<std::mutex> a(a_);
	n++;
}

void Store::scan()
{
	std::scoped_lock d(d_); /* MARK:scan_d */
	std::lock_guard<std::mutex> a(a_); /* MARK:scan_a */
	std::unique_lock<std::mutex> b(b_); /* MARK:scan_b */
	std::lock_guard<std::mutex> c(c_); /* MARK:scan_c */
	n--;
}

int main()
{
	Store *s = new Store;
	std::thread([s] { s->fill(); }).join();
	std::thread([s] { s->scan(); }).join();
	delete s;
	return 0;
}
