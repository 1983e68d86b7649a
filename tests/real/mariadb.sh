#!/bin/bash
# MariaDB: a fresh data directory (mariadb-install-db), then mariadbd with
# 4 clients at once, each: an InnoDB table of 20,000 rows (inserts in 4
# batches, an update, counts), an Aria table made by CREATE TABLE ... AS
# SELECT, a join of the two; then mariadb-admin shutdown. Natively, then
# with the server under ulockdep (the clients and the install run natively).
# The output compared is the clients' results and the server's exit status.
. "$(dirname "$0")/lib.sh"
need mariadbd mariadb-install-db mariadb mariadb-admin
mariadbd --version

client() {
	local s=$1 i=$2
	mariadb --no-defaults -S "$s" -u root -N -B <<SQL
CREATE DATABASE IF NOT EXISTS workload;
USE workload;
CREATE TABLE t$i (id INT PRIMARY KEY, v INT, s VARCHAR(64)) ENGINE=InnoDB;
INSERT INTO t$i SELECT seq, seq % 97, MD5(seq) FROM seq_1_to_5000;
INSERT INTO t$i SELECT seq, seq % 97, MD5(seq) FROM seq_5001_to_10000;
INSERT INTO t$i SELECT seq, seq % 97, MD5(seq) FROM seq_10001_to_15000;
INSERT INTO t$i SELECT seq, seq % 97, MD5(seq) FROM seq_15001_to_20000;
UPDATE t$i SET v = v + 1 WHERE id % 3 = 0;
SELECT 'client $i innodb', COUNT(*), SUM(v) FROM t$i;
CREATE TABLE a$i ENGINE=Aria AS SELECT id, v, s FROM t$i;
CREATE TABLE b$i ENGINE=Aria AS SELECT id, v, s FROM a$i WHERE v < 50;
SELECT 'client $i aria', COUNT(*), SUM(v) FROM a$i;
SELECT 'client $i aria 2', COUNT(*), SUM(v) FROM b$i;
SELECT 'client $i join', COUNT(*), SUM(t.v + a.v)
  FROM t$i t JOIN b$i a ON a.id = t.id WHERE t.s = a.s;
SQL
}

pass() {
	local mode=$1 d=$W/mariadb-$1 pid rc i
	shift
	rm -rf "$d" && mkdir -p "$d"
	mariadb-install-db --no-defaults --datadir="$d/data" --user=root \
		>"$W/mariadb.$mode.install" 2>&1 || {
		echo "mariadb-install-db failed: $W/mariadb.$mode.install" >&2
		return 2
	}
	timeout -k 10 "$T" "$@" mariadbd --no-defaults --datadir="$d/data" \
		--socket="$d/s" --skip-networking --user=root \
		--log-error="$d/error.log" 2>"$W/mariadb.$mode.err" &
	pid=$!
	for _ in $(seq 300); do
		mariadb-admin --no-defaults -S "$d/s" -u root ping >/dev/null 2>&1 && break
		sleep 0.5
	done
	for i in 1 2 3 4; do
		client "$d/s" "$i" >"$d/client$i.out" 2>&1 &
	done
	wait $(jobs -p | grep -v "^$pid\$")
	cat "$d"/client?.out >"$W/mariadb.$mode.out"
	grep -q ERROR "$W/mariadb.$mode.out" &&
		echo "mariadb: CLIENT ERRORS ($mode): $W/mariadb.$mode.out"
	mariadb-admin --no-defaults -S "$d/s" -u root shutdown
	wait "$pid"
	rc=$?
	return $rc
}
rm -f "$W/logs/mariadb".*
pass native
rn=$?
# shellcheck disable=SC2046
pass ud $(ud_cmd mariadb)
ru=$?
real_compare mariadb $rn $ru
real_reports mariadb
