/*
** cxx_cache.cpp: the two std::mutex members of a Cache taken in opposite
** orders: put() through std::lock_guard then std::unique_lock, evict()
** through std::scoped_lock then std::lock_guard. First on a heap object,
** whose classes are named after their first acquisition site, then on a
** static one, whose classes are named after its members. Each order runs in
** a std::thread of its own, one after the other, so nothing hangs.
** tests/cli/report_cxx.sh builds it at -O0 and -O2; the MARK comments name
** the lines it looks for.
*/
#include <mutex>
#include <thread>

struct Cache {
	std::mutex mu_;
	std::mutex lru_;
	int n = 0;
	void put();
	void evict();
};

void Cache::put()
{
	std::lock_guard<std::mutex> g(mu_); /* MARK:put_mu */
	std::unique_lock<std::mutex> l(lru_); /* MARK:put_lru */
	n++;
}

void Cache::evict()
{
	std::scoped_lock l(lru_); /* MARK:evict_lru */
	std::lock_guard<std::mutex> g(mu_); /* MARK:evict_mu */
	n--;
}

static Cache cache;

int main()
{
	Cache *heap = new Cache;
	std::thread([heap] { heap->put(); }).join();
	std::thread([heap] { heap->evict(); }).join();
	std::thread([] { cache.put(); }).join();
	std::thread([] { cache.evict(); }).join();
	delete heap;
	return 0;
}
