"""The python3 threads workload of docs/real-programs.md: 4 threads under
one Lock with hashlib, then a ThreadPoolExecutor; the output is the same in
every run."""
import concurrent.futures
import hashlib
import threading

lock = threading.Lock()
total = {"n": 0, "h": hashlib.sha256()}


def worker(k):
    h = hashlib.sha256(b"seed%d" % k).digest()
    for i in range(20000):
        h = hashlib.sha256(h).digest()
        if i % 100 == 0:
            with lock:
                total["n"] += 1
    with lock:
        total[k] = h.hex()


threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("lock sections:", total["n"])
for k in range(4):
    print("thread", k, total[k])


def task(i):
    return hashlib.sha1(b"x" * (i * 1000)).hexdigest()


with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
    out = list(ex.map(task, range(64)))
print("pool:", hashlib.sha1("".join(out).encode()).hexdigest())
