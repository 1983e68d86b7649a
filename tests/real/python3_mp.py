"""The python3 multiprocessing workload of docs/real-programs.md: a Pool
under each start method (fork, spawn, forkserver)."""
import multiprocessing as mp


def square(x):
    return x * x


if __name__ == "__main__":
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        with ctx.Pool(2) as pool:
            print(method, sum(pool.map(square, range(2000))))
        q = ctx.Queue()
        p = ctx.Process(target=q.put, args=(method + " child",))
        p.start()
        print(q.get())
        p.join()
        print(method, "child exit", p.exitcode)
