#!/bin/bash
# curl: --parallel downloads of three URLs from a python3 http.server on
# localhost (the name goes through curl's threaded resolver; libcurl loads
# OpenSSL), natively and under ulockdep. The server runs natively.
. "$(dirname "$0")/lib.sh"
need curl python3 sha256sum
curl --version | head -1
d=$W/curl-www
mkdir -p "$d"
for f in a b c; do
	head -c $((4 << 20)) /dev/urandom >"$d/$f"
done
port=$((20000 + $$ % 20000))
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$d" \
	>"$W/curl-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$port/" && break
	sleep 0.2
done

# fetch MODE [PREFIX...]: curl, under PREFIX, into W/curl-MODE; its files'
# checksums against the served ones go to W/curl.MODE.out.
fetch() {
	local mode=$1 o=$W/curl-$1 rc
	shift
	rm -rf "$o" && mkdir "$o"
	timeout -k 10 "$T" "$@" curl -sS --parallel --parallel-max 3 \
		-o "$o/a" "http://localhost:$port/a" \
		-o "$o/b" "http://localhost:$port/b" \
		-o "$o/c" "http://localhost:$port/c" 2>"$W/curl.$mode.err"
	rc=$?
	(cd "$o" && sha256sum a b c >"$W/curl.$mode.sums")
	(cd "$d" && cat "$W/curl.$mode.sums" && sha256sum -c "$W/curl.$mode.sums") \
		>"$W/curl.$mode.out" 2>&1
	return $rc
}
rm -f "$W/logs/curl".*
fetch native
rn=$?
# shellcheck disable=SC2046
fetch ud $(ud_cmd curl)
ru=$?
real_compare curl $rn $ru
real_reports curl
