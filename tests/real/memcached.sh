#!/bin/bash
# memcached -t 4 with its LRU crawler and maintainer (and, with -o
# lru_crawler_sleep=0, a busy crawler; with hashpower=13 the hash table
# grows under load, which pauses the workers), natively and under ulockdep; only
# the server is under the runtime. Two shutdowns, the graceful ones of
# issue 15 (section 3):
#   - shutdown: -A, 4 clients of 3500 set/get each, memcslap, lru_crawler
#     crawl and metadump, then the "shutdown graceful" command;
#   - restart: -e (a memory file in W: a restartable cache), the same load,
#     SIGUSR1 (a graceful stop that saves the cache), then a second server
#     on the same file, whose items are counted, stopped the same way.
# The output compared is what the clients saw (counts) and each server's
# exit status.
. "$(dirname "$0")/lib.sh"
need memcached python3
memcached -V
SLAP=$(command -v memcslap || command -v memaslap || true)

# load PORT: 4 threads of 3500 set and get, a crawl, a metadump; prints counts.
load() {
	python3 - "$1" <<'EOF'
import socket, sys, threading, time
port = int(sys.argv[1])
def conn():
    s = socket.create_connection(("127.0.0.1", port))
    return s, s.makefile("rb")
def cmd(s, f, line, end=(b"END\r\n",)):
    s.sendall(line)
    out = []
    while True:
        l = f.readline()
        if not l:
            return out
        out.append(l)
        if l in end or l.startswith((b"STORED", b"OK", b"ERROR", b"CLIENT_ERROR", b"SERVER_ERROR", b"BUSY")):
            return out
hits = [0] * 4
def worker(t):
    s, f = conn()
    for i in range(3500):
        v = b"v%d-%d" % (t, i) * 8
        cmd(s, f, b"set k%d-%d 0 0 %d\r\n%s\r\n" % (t, i, len(v), v))
        r = cmd(s, f, b"get k%d-%d\r\n" % (t, i))
        hits[t] += len(r) == 3 and r[1].rstrip() == v
ts = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print("hits", sum(hits))
s, f = conn()
print("crawl", cmd(s, f, b"lru_crawler crawl all\r\n")[0].decode().strip())
# A metadump waits for the crawl (BUSY until it is done).
while True:
    r = cmd(s, f, b"lru_crawler metadump all\r\n")
    if not r or not r[0].startswith(b"BUSY"):
        break
    time.sleep(0.1)
keys = [l for l in r if l.startswith(b"key=")]
print("metadump keys with k prefix", sum(1 for l in keys if l.startswith(b"key=k")))
EOF
}

# count PORT: the items a restarted server holds.
count() {
	python3 - "$1" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"stats\r\n")
f = s.makefile("rb")
for l in f:
    if l.startswith(b"STAT curr_items "):
        print("restored items", l.split()[2].decode())
    if l == b"END\r\n":
        break
EOF
}

wait_port() {
	for _ in $(seq 150); do
		python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1))" \
			2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# server MODE PORT ARGS...: memcached in the background, under the runtime
# for MODE ud; its pid in SPID.
server() {
	local mode=$1 port=$2
	shift 2
	if [ "$mode" = ud ]; then
		# shellcheck disable=SC2046
		$(ud_cmd memcached) memcached -u root -t 4 -p "$port" -U 0 -l 127.0.0.1 \
			-o lru_crawler_sleep=0,hashpower=13 "$@" >>"$W/memcached.$mode.log" 2>&1 &
	else
		memcached -u root -t 4 -p "$port" -U 0 -l 127.0.0.1 \
			-o lru_crawler_sleep=0,hashpower=13 "$@" >>"$W/memcached.$mode.log" 2>&1 &
	fi
	SPID=$!
	wait_port "$port"
}

pass() {
	local mode=$1 port=$((21000 + ($$ + ${#1}) % 20000)) r1 r2 r3
	rm -f "$W/memcached.$mode.log" "$W/memcached.$mode.mem"
	{
		server "$mode" "$port" -A || return 2
		load "$port"
		if [ -n "$SLAP" ]; then
			timeout 300 "$SLAP" --servers="127.0.0.1:$port" --concurrency=4 \
				--execute-number=500 >/dev/null 2>&1
			echo "slap status $?"
		fi
		printf 'shutdown graceful\r\n' |
			python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$port)); s.sendall(sys.stdin.buffer.read()); s.recv(100)" 2>/dev/null
		wait "$SPID"
		r1=$?
		echo "shutdown graceful: status $r1"

		server "$mode" "$port" -e "$W/memcached.$mode.mem"
		load "$port"
		kill -USR1 "$SPID"
		wait "$SPID"
		r2=$?
		echo "SIGUSR1: status $r2"
		server "$mode" "$port" -e "$W/memcached.$mode.mem"
		count "$port"
		kill -USR1 "$SPID"
		wait "$SPID"
		r3=$?
		echo "SIGUSR1 after restart: status $r3"
	} >"$W/memcached.$mode.out"
	rm -f "$W/memcached.$mode.mem"
	return $((r1 | r2 | r3))
}
rm -f "$W/logs/memcached".*
pass native
rn=$?
pass ud
ru=$?
real_compare memcached $rn $ru
real_reports memcached
