/* store.c: the SQLite store (store.h; the schema is in docs/suite.md). */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct ud_store {
	sqlite3 *db;
	char *path;
	bool write;
	long long version;	/* of the store as opened (a reader's may be 1) */
};

/* A minute: long enough for another run's check and write. */
#define BUSY_MS 60000

static const char schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE run(id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,"
	" time REAL, command TEXT);"
	"CREATE TABLE process(id INTEGER PRIMARY KEY,"
	" run INTEGER NOT NULL REFERENCES run(id), pid INTEGER, ppid INTEGER,"
	" program TEXT, command TEXT, state TEXT, status INTEGER, time REAL,"
	" chains INTEGER, max_chain INTEGER, max_depth INTEGER, reports INTEGER,"
	" UNIQUE(run, pid, time, program));"
	"CREATE TABLE class(id INTEGER PRIMARY KEY, identity TEXT NOT NULL UNIQUE,"
	" stable INTEGER, name TEXT, type TEXT, usage TEXT);"
	"CREATE TABLE dep(id INTEGER PRIMARY KEY,"
	" src INTEGER NOT NULL REFERENCES class(id),"
	" dst INTEGER NOT NULL REFERENCES class(id),"
	" read INTEGER, held_read INTEGER, stack TEXT, UNIQUE(src, dst));"
	"CREATE TABLE dep_process(dep INTEGER NOT NULL REFERENCES dep(id),"
	" process INTEGER NOT NULL REFERENCES process(id),"
	" PRIMARY KEY(dep, process)) WITHOUT ROWID;"
	"CREATE TABLE report(id INTEGER PRIMARY KEY,"
	" process INTEGER NOT NULL REFERENCES process(id), kind TEXT,"
	" signature TEXT, json TEXT);"
	"CREATE TABLE cycle(key TEXT PRIMARY KEY, signature TEXT,"
	" run INTEGER REFERENCES run(id), time REAL);"
	"INSERT INTO meta VALUES('format', 'ulockdep store'), ('version', '1');"
	"PRAGMA application_id = 1970037872;"	/* UD_STORE_APP_ID */
	"PRAGMA user_version = 1;";

/* Version 2: lock statistics (option lock_stat), per process and class,
** summed when read. Also what a version 1 store gets from its first writer. */
static const char schema_v2[] =
	"CREATE TABLE lock_stat(process INTEGER NOT NULL REFERENCES process(id),"
	" class INTEGER NOT NULL REFERENCES class(id), acquired INTEGER,"
	" acquired_read INTEGER, contended INTEGER, owner_changes INTEGER,"
	" wait_total INTEGER, wait_max INTEGER, hold_total INTEGER,"
	" hold_max INTEGER, contention_points TEXT, contending_points TEXT,"
	" PRIMARY KEY(process, class)) WITHOUT ROWID;"
	"CREATE TABLE cond_stat(process INTEGER NOT NULL REFERENCES process(id),"
	" identity TEXT NOT NULL, name TEXT, waits INTEGER, timed_out INTEGER,"
	" signals INTEGER, broadcasts INTEGER, wait_total INTEGER,"
	" wait_max INTEGER, PRIMARY KEY(process, identity)) WITHOUT ROWID;"
	"UPDATE meta SET value = '2' WHERE key = 'version';"
	"PRAGMA user_version = 2;";

static int errf(char *err, size_t es, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int errf(char *err, size_t es, const char *fmt, ...)
{
	if (es) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, es, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int dberr(ud_store_t *st, char *err, size_t es, const char *what)
{
	int code = sqlite3_extended_errcode(st->db);
	const char *hint = "";
	if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
		hint = " (the store is damaged: restore it or start a new one)";
	else if ((code & 0xff) == SQLITE_BUSY)
		hint = " (another ulockdep held the store too long)";
	return errf(err, es, "store %s: %s: %s%s", st->path, what,
		    sqlite3_errmsg(st->db), hint);
}

bool ud_store_is_db(const char *path)
{
	char head[16];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, head, sizeof head);
	close(fd);
	return n == (ssize_t)sizeof head && !memcmp(head, "SQLite format 3", 16);
}

static long long pragma(ud_store_t *st, const char *sql, bool *ok)
{
	sqlite3_stmt *q = NULL;
	long long v = -1;
	*ok = false;
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW) {
		v = sqlite3_column_int64(q, 0);
		*ok = true;
	}
	sqlite3_finalize(q);
	return v;
}

static void close_db(ud_store_t *st)
{
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

ud_store_t *ud_store_open(const char *path, bool write, bool create, char *err,
			  size_t es)
{
	struct stat sb;
	bool exists = stat(path, &sb) == 0;
	if (!exists && !create) {
		errf(err, es, "store %s: %s", path, strerror(errno));
		return NULL;
	}
	if (exists && !S_ISREG(sb.st_mode)) {
		errf(err, es, "store %s: not a regular file", path);
		return NULL;
	}
	if (exists && sb.st_size > 0 && !ud_store_is_db(path)) {
		errf(err, es, "store %s: not a ulockdep store (not an SQLite "
		     "database)", path);
		return NULL;
	}
	if (exists && sb.st_size == 0 && !create) {
		errf(err, es, "store %s: empty file, not a ulockdep store", path);
		return NULL;
	}
	ud_store_t *st = calloc(1, sizeof *st);
	if (!st || !(st->path = strdup(path))) {
		free(st);
		errf(err, es, "out of memory");
		return NULL;
	}
	st->write = write;
	/* Read-write even to read: a reader may have to roll back what a
	** killed writer left half done (a hot journal). */
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(path, &st->db, flags, NULL);
	if (rc != SQLITE_OK && !write) {
		sqlite3_close(st->db);
		st->db = NULL;
		rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY, NULL);
	}
	if (rc != SQLITE_OK) {
		dberr(st, err, es, "cannot open");
		close_db(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, BUSY_MS);
	sqlite3_extended_result_codes(st->db, 1);
	/* The rollback journal, synced: a killed writer changes nothing. */
	sqlite3_exec(st->db, "PRAGMA journal_mode = DELETE; "
		     "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	if (sqlite3_exec(st->db, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL,
			 NULL) != SQLITE_OK) {
		dberr(st, err, es, "cannot begin a transaction");
		close_db(st);
		return NULL;
	}
	bool ok;
	long long tables = pragma(st, "SELECT count(*) FROM sqlite_master", &ok);
	if (!ok) {
		dberr(st, err, es, "cannot read");
		close_db(st);
		return NULL;
	}
	if (tables == 0) {
		if (!write || !create) {
			errf(err, es, "store %s: an empty database, not a ulockdep "
			     "store", path);
			close_db(st);
			return NULL;
		}
		if (sqlite3_exec(st->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(st->db, schema_v2, NULL, NULL, NULL) != SQLITE_OK) {
			dberr(st, err, es, "cannot create the tables");
			close_db(st);
			return NULL;
		}
	}
	long long app = pragma(st, "PRAGMA application_id", &ok);
	long long ver = ok ? pragma(st, "PRAGMA user_version", &ok) : -1;
	if (!ok) {
		dberr(st, err, es, "cannot read");
		close_db(st);
		return NULL;
	}
	if (app != UD_STORE_APP_ID) {
		errf(err, es, "store %s: an SQLite database, but not a ulockdep "
		     "store", path);
		close_db(st);
		return NULL;
	}
	if (ver > UD_STORE_VERSION) {
		errf(err, es, "store %s: format version %lld is newer than this "
		     "ulockdep reads (%d): use a newer ulockdep", path, ver,
		     UD_STORE_VERSION);
		close_db(st);
		return NULL;
	}
	if (ver < 1) {
		errf(err, es, "store %s: no format version: damaged", path);
		close_db(st);
		return NULL;
	}
	/* A version 1 store gains the tables of version 2 from its first
	** writer, in the writer's transaction; readers read it as it is. */
	if (ver == 1 && write) {
		if (sqlite3_exec(st->db, schema_v2, NULL, NULL, NULL) != SQLITE_OK) {
			dberr(st, err, es, "cannot add the tables of version 2");
			close_db(st);
			return NULL;
		}
		ver = 2;
	}
	st->version = ver;
	return st;
}

static const char *col_text(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return t ? (const char *)t : "";
}

/* Index of store id among ids[0..n) (sorted ascending), or -1. */
static long find_id(const long long *ids, size_t n, long long id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ids[lo] == id ? (long)lo : -1;
}

typedef struct idmap {
	long long *ids;		/* store ids, ascending (rows read by id) */
	size_t *idx;		/* suite index of each */
	size_t n;
} idmap_t;

static void idmap_add(idmap_t *m, long long id, size_t idx)
{
	if ((m->n & (m->n - 1)) == 0) {
		size_t cap = m->n ? m->n * 2 : 16;
		long long *ids = realloc(m->ids, cap * sizeof *ids);
		size_t *ix = ids ? realloc(m->idx, cap * sizeof *ix) : NULL;
		if (!ids || !ix) {
			fputs("ulockdep: out of memory\n", stderr);
			exit(70);
		}
		m->ids = ids;
		m->idx = ix;
	}
	m->ids[m->n] = id;
	m->idx[m->n++] = idx;
}

static long idmap_get(const idmap_t *m, long long id)
{
	long i = find_id(m->ids, m->n, id);
	return i < 0 ? -1 : (long)m->idx[i];
}

static void idmap_free(idmap_t *m)
{
	free(m->ids);
	free(m->idx);
}

/* A points column (JSON text) into st; false if it is not valid. */
static bool load_points(ud_lstat_t *st, int kind, const char *text)
{
	char e[128];
	uj_t *a = text[0] ? uj_parse(text, strlen(text), e, sizeof e) : NULL;
	bool ok = !text[0] || (a && ud_lstat_parse_points(st, kind, a, e,
							  sizeof e) == 0);
	uj_free(a);
	return ok;
}

static int load_stats(ud_store_t *st, ud_suite_t *s, const idmap_t *procs,
		      const idmap_t *classes, char *err, size_t es)
{
	sqlite3_stmt *q = NULL;
	int rc;
	if (sqlite3_prepare_v2(st->db, "SELECT process, class, acquired,"
			       " acquired_read, contended, owner_changes,"
			       " wait_total, wait_max, hold_total, hold_max,"
			       " contention_points, contending_points"
			       " FROM lock_stat ORDER BY process, class", -1, &q,
			       NULL) != SQLITE_OK)
		return dberr(st, err, es, "cannot read");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long p = idmap_get(procs, sqlite3_column_int64(q, 0));
		long c = idmap_get(classes, sqlite3_column_int64(q, 1));
		ud_lstat_t x = {
			.acquired = sqlite3_column_int64(q, 2),
			.acquired_read = sqlite3_column_int64(q, 3),
			.contended = sqlite3_column_int64(q, 4),
			.owner_changes = sqlite3_column_int64(q, 5),
			.wait_total = sqlite3_column_int64(q, 6),
			.wait_max = sqlite3_column_int64(q, 7),
			.hold_total = sqlite3_column_int64(q, 8),
			.hold_max = sqlite3_column_int64(q, 9),
		};
		if (p < 0 || c < 0 ||
		    !load_points(&x, UD_LS_CONTENTION, col_text(q, 10)) ||
		    !load_points(&x, UD_LS_CONTENDING, col_text(q, 11))) {
			ud_lstat_free(&x);
			sqlite3_finalize(q);
			return errf(err, es, "store %s: damaged: lock statistics "
				    "of an unknown process or class, or with "
				    "unreadable points", st->path);
		}
		ud_suite_add_stat(s, (size_t)p, (size_t)c, &x);
		s->stats[s->nstats - 1].stored = true;
		ud_lstat_free(&x);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return dberr(st, err, es, "cannot read");
	if (sqlite3_prepare_v2(st->db, "SELECT process, identity, name, waits,"
			       " timed_out, signals, broadcasts, wait_total,"
			       " wait_max FROM cond_stat ORDER BY process,"
			       " identity", -1, &q, NULL) != SQLITE_OK)
		return dberr(st, err, es, "cannot read");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long p = idmap_get(procs, sqlite3_column_int64(q, 0));
		if (p < 0) {
			sqlite3_finalize(q);
			return errf(err, es, "store %s: damaged: condition "
				    "statistics of an unknown process", st->path);
		}
		ud_condstat_t c = {
			.id = (char *)col_text(q, 1),
			.name = (char *)col_text(q, 2),
			.waits = sqlite3_column_int64(q, 3),
			.timed_out = sqlite3_column_int64(q, 4),
			.signals = sqlite3_column_int64(q, 5),
			.broadcasts = sqlite3_column_int64(q, 6),
			.wait_total = sqlite3_column_int64(q, 7),
			.wait_max = sqlite3_column_int64(q, 8),
		};
		ud_suite_add_cond(s, (size_t)p, &c);
		s->conds[s->nconds - 1].stored = true;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : dberr(st, err, es, "cannot read");
}

int ud_store_load(ud_store_t *st, ud_suite_t *s, char *err, size_t es)
{
	sqlite3_stmt *q = NULL;
	idmap_t runs = { 0 }, procs = { 0 }, classes = { 0 }, deps = { 0 };
	typedef struct { long src, dst; bool read, held_read; char *stack; } drow_t;
	drow_t *drows = NULL;
	int rc = -1;

#define PREP(sql) \
	do { \
		sqlite3_finalize(q); \
		q = NULL; \
		if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK) { \
			dberr(st, err, es, "cannot read"); \
			goto out; \
		} \
	} while (0)
#define BAD(what) \
	do { \
		errf(err, es, "store %s: damaged: %s", st->path, what); \
		goto out; \
	} while (0)

	PREP("SELECT id, uuid, time, command FROM run ORDER BY id");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		size_t r = ud_suite_add_run(s, col_text(q, 1),
					    sqlite3_column_double(q, 2),
					    col_text(q, 3));
		s->runs[r].store_id = sqlite3_column_int64(q, 0);
		idmap_add(&runs, s->runs[r].store_id, r);
	}
	if (rc != SQLITE_DONE)
		goto step_fail;

	PREP("SELECT id, run, pid, ppid, program, command, state, status, time,"
	     " chains, max_chain, max_depth, reports FROM process ORDER BY id");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long run = idmap_get(&runs, sqlite3_column_int64(q, 1));
		if (run < 0)
			BAD("a process of no run");
		ud_sproc_t p = {
			.run = (size_t)run,
			.pid = sqlite3_column_int64(q, 2),
			.ppid = sqlite3_column_int64(q, 3),
			.program = (char *)col_text(q, 4),
			.cmdline = (char *)col_text(q, 5),
			.state = (char *)col_text(q, 6),
			.status = sqlite3_column_int64(q, 7),
			.time = sqlite3_column_double(q, 8),
			.chains = sqlite3_column_int64(q, 9),
			.max_chain = sqlite3_column_int64(q, 10),
			.max_depth = sqlite3_column_int64(q, 11),
			.nreports = sqlite3_column_int64(q, 12),
			.store_id = sqlite3_column_int64(q, 0),
		};
		idmap_add(&procs, p.store_id, ud_suite_add_proc(s, &p));
	}
	if (rc != SQLITE_DONE)
		goto step_fail;

	PREP("SELECT id, identity, stable, name, type, usage FROM class ORDER BY id");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		size_t c = ud_suite_add_class(s, col_text(q, 1), col_text(q, 3),
					      col_text(q, 4), col_text(q, 5),
					      sqlite3_column_int(q, 2) != 0);
		s->classes[c].store_id = sqlite3_column_int64(q, 0);
		idmap_add(&classes, s->classes[c].store_id, c);
	}
	if (rc != SQLITE_DONE)
		goto step_fail;

	PREP("SELECT id, src, dst, read, held_read, stack FROM dep ORDER BY id");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long src = idmap_get(&classes, sqlite3_column_int64(q, 1));
		long dst = idmap_get(&classes, sqlite3_column_int64(q, 2));
		if (src < 0 || dst < 0)
			BAD("a dependency on a class it does not hold");
		if ((deps.n & (deps.n - 1)) == 0) {
			drow_t *d = realloc(drows, (deps.n ? deps.n * 2 : 16) *
						   sizeof *d);
			if (!d)
				BAD("out of memory");
			drows = d;
		}
		drows[deps.n] = (drow_t){ src, dst, sqlite3_column_int(q, 3) != 0,
					  sqlite3_column_int(q, 4) != 0,
					  strdup(col_text(q, 5)) };
		idmap_add(&deps, sqlite3_column_int64(q, 0), deps.n);
	}
	if (rc != SQLITE_DONE)
		goto step_fail;

	PREP("SELECT dep, process FROM dep_process ORDER BY dep, process");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long d = idmap_get(&deps, sqlite3_column_int64(q, 0));
		long p = idmap_get(&procs, sqlite3_column_int64(q, 1));
		if (d < 0 || p < 0)
			BAD("a dependency of an unknown process");
		drow_t *r = &drows[d];
		size_t i = ud_suite_add_dep(s, (size_t)r->src, (size_t)r->dst,
					    r->read, r->held_read, r->stack,
					    (size_t)p);
		s->deps[i].store_id = deps.ids[d];
	}
	if (rc != SQLITE_DONE)
		goto step_fail;

	PREP("SELECT process, kind, signature, json FROM report ORDER BY id");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long p = idmap_get(&procs, sqlite3_column_int64(q, 0));
		if (p < 0)
			BAD("a report of an unknown process");
		ud_suite_add_report(s, (size_t)p, col_text(q, 3), col_text(q, 1),
				    col_text(q, 2));
		s->reports[s->nreports - 1].stored = true;
	}
	if (rc != SQLITE_DONE)
		goto step_fail;

	if (st->version >= 2 && load_stats(st, s, &procs, &classes, err, es) < 0) {
		rc = -1;
		goto out;
	}

	PREP("SELECT key FROM cycle");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		ud_suite_add_known(s, col_text(q, 0));
	if (rc != SQLITE_DONE)
		goto step_fail;
	rc = 0;
	goto out;
step_fail:
	dberr(st, err, es, "cannot read");
	rc = -1;
out:
	sqlite3_finalize(q);
	for (size_t i = 0; drows && i < deps.n; i++)
		free(drows[i].stack);
	free(drows);
	idmap_free(&runs);
	idmap_free(&procs);
	idmap_free(&classes);
	idmap_free(&deps);
	return rc == 0 ? 0 : -1;
#undef PREP
#undef BAD
}

/* Run one prepared statement to its end, then reset it. */
static int step(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static long long lookup(sqlite3_stmt *q)
{
	long long id = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return id;
}

enum {
	RUN_INS, RUN_GET, PROC_INS, PROC_GET, CLASS_INS, CLASS_GET, DEP_INS,
	DEP_UPD, DP_INS, REP_INS, CYC_INS, LS_INS, CS_INS, NSTMT
};

static const char *const sqls[NSTMT] = {
	"INSERT OR IGNORE INTO run(uuid, time, command) VALUES(?, ?, ?)",
	"SELECT id FROM run WHERE uuid = ?",
	"INSERT OR IGNORE INTO process(run, pid, ppid, program, command, state,"
	" status, time, chains, max_chain, max_depth, reports)"
	" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	"SELECT id FROM process WHERE run = ? AND pid = ? AND time = ? AND program = ?",
	"INSERT OR IGNORE INTO class(identity, stable, name, type, usage)"
	" VALUES(?, ?, ?, ?, ?)",
	"SELECT id FROM class WHERE identity = ?",
	"INSERT INTO dep(src, dst, read, held_read, stack) VALUES(?, ?, ?, ?, ?)",
	"UPDATE dep SET read = ?, held_read = ? WHERE id = ?",
	"INSERT OR IGNORE INTO dep_process(dep, process) VALUES(?, ?)",
	"INSERT INTO report(process, kind, signature, json) VALUES(?, ?, ?, ?)",
	"INSERT OR IGNORE INTO cycle(key, signature, run, time) VALUES(?, ?, ?, ?)",
	"INSERT OR IGNORE INTO lock_stat(process, class, acquired, acquired_read,"
	" contended, owner_changes, wait_total, wait_max, hold_total, hold_max,"
	" contention_points, contending_points)"
	" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	"INSERT OR IGNORE INTO cond_stat(process, identity, name, waits,"
	" timed_out, signals, broadcasts, wait_total, wait_max)"
	" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

int ud_store_save(ud_store_t *st, ud_suite_t *s, const ud_cycle_t *cycles,
		  size_t ncycles, char *err, size_t es)
{
	sqlite3_stmt *q[NSTMT] = { 0 };
	bool *fresh = calloc(s->nprocs ? s->nprocs : 1, sizeof *fresh);
	int rc = -1;
	if (!fresh)
		return errf(err, es, "out of memory");
	for (int i = 0; i < NSTMT; i++)
		if (sqlite3_prepare_v2(st->db, sqls[i], -1, &q[i], NULL) != SQLITE_OK)
			goto fail;
#define T(stmt, i, s) sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC)
	for (size_t i = 0; i < s->nruns; i++) {
		ud_srun_t *r = &s->runs[i];
		if (r->store_id)
			continue;
		T(q[RUN_INS], 1, r->uuid);
		sqlite3_bind_double(q[RUN_INS], 2, r->time);
		T(q[RUN_INS], 3, r->command);
		if (step(q[RUN_INS]) < 0)
			goto fail;
		T(q[RUN_GET], 1, r->uuid);
		if (!(r->store_id = lookup(q[RUN_GET])))
			goto fail;
	}
	for (size_t i = 0; i < s->nprocs; i++) {
		ud_sproc_t *p = &s->procs[i];
		if (p->store_id)
			continue;
		sqlite3_stmt *x = q[PROC_INS];
		sqlite3_bind_int64(x, 1, s->runs[p->run].store_id);
		sqlite3_bind_int64(x, 2, p->pid);
		sqlite3_bind_int64(x, 3, p->ppid);
		T(x, 4, p->program);
		T(x, 5, p->cmdline);
		T(x, 6, p->state);
		sqlite3_bind_int64(x, 7, p->status);
		sqlite3_bind_double(x, 8, p->time);
		sqlite3_bind_int64(x, 9, p->chains);
		sqlite3_bind_int64(x, 10, p->max_chain);
		sqlite3_bind_int64(x, 11, p->max_depth);
		sqlite3_bind_int64(x, 12, p->nreports);
		if (step(x) < 0)
			goto fail;
		/* Already there (the same store merged twice): not again. */
		fresh[i] = sqlite3_changes(st->db) > 0;
		x = q[PROC_GET];
		sqlite3_bind_int64(x, 1, s->runs[p->run].store_id);
		sqlite3_bind_int64(x, 2, p->pid);
		sqlite3_bind_double(x, 3, p->time);
		T(x, 4, p->program);
		if (!(p->store_id = lookup(x)))
			goto fail;
	}
	for (size_t i = 0; i < s->nclasses; i++) {
		ud_sclass_t *c = &s->classes[i];
		if (c->store_id)
			continue;
		sqlite3_stmt *x = q[CLASS_INS];
		T(x, 1, c->id);
		sqlite3_bind_int(x, 2, c->stable);
		T(x, 3, c->name);
		T(x, 4, c->type);
		T(x, 5, c->usage);
		if (step(x) < 0)
			goto fail;
		T(q[CLASS_GET], 1, c->id);
		if (!(c->store_id = lookup(q[CLASS_GET])))
			goto fail;
	}
	for (size_t i = 0; i < s->ndeps; i++) {
		ud_sdep_t *d = &s->deps[i];
		bool any = false;
		for (size_t j = 0; j < d->nprocs && !any; j++)
			any = fresh[d->procs[j]];
		if (!any)
			continue;
		if (!d->store_id) {
			sqlite3_stmt *x = q[DEP_INS];
			sqlite3_bind_int64(x, 1, s->classes[d->from].store_id);
			sqlite3_bind_int64(x, 2, s->classes[d->to].store_id);
			sqlite3_bind_int(x, 3, d->read);
			sqlite3_bind_int(x, 4, d->from_read);
			T(x, 5, d->stack);
			if (step(x) < 0)
				goto fail;
			d->store_id = sqlite3_last_insert_rowid(st->db);
		} else {
			sqlite3_stmt *x = q[DEP_UPD];
			sqlite3_bind_int(x, 1, d->read);
			sqlite3_bind_int(x, 2, d->from_read);
			sqlite3_bind_int64(x, 3, d->store_id);
			if (step(x) < 0)
				goto fail;
		}
		for (size_t j = 0; j < d->nprocs; j++) {
			if (!fresh[d->procs[j]])
				continue;
			sqlite3_bind_int64(q[DP_INS], 1, d->store_id);
			sqlite3_bind_int64(q[DP_INS], 2, s->procs[d->procs[j]].store_id);
			if (step(q[DP_INS]) < 0)
				goto fail;
		}
	}
	for (size_t i = 0; i < s->nreports; i++) {
		ud_sreport_t *r = &s->reports[i];
		if (r->stored || !fresh[r->proc])
			continue;
		sqlite3_stmt *x = q[REP_INS];
		sqlite3_bind_int64(x, 1, s->procs[r->proc].store_id);
		T(x, 2, r->kind);
		T(x, 3, r->signature);
		T(x, 4, r->json);
		if (step(x) < 0)
			goto fail;
		r->stored = true;
	}
	for (size_t i = 0; i < s->nstats; i++) {
		ud_sstat_t *x = &s->stats[i];
		if (x->stored || !fresh[x->proc])
			continue;
		sqlite3_stmt *y = q[LS_INS];
		const long long v[] = {
			s->procs[x->proc].store_id, s->classes[x->cls].store_id,
			x->st.acquired, x->st.acquired_read, x->st.contended,
			x->st.owner_changes, x->st.wait_total, x->st.wait_max,
			x->st.hold_total, x->st.hold_max,
		};
		for (int k = 0; k < 10; k++)
			sqlite3_bind_int64(y, k + 1, v[k]);
		ud_buf_t b[2] = { { 0 }, { 0 } };
		for (int k = 0; k < 2; k++) {
			ud_lstat_put_points(&b[k], &x->st, k);
			sqlite3_bind_text(y, 11 + k, b[k].data, -1,
					  SQLITE_TRANSIENT);
		}
		ud_buf_free(&b[0]);
		ud_buf_free(&b[1]);
		if (step(y) < 0)
			goto fail;
		x->stored = true;
	}
	for (size_t i = 0; i < s->nconds; i++) {
		ud_scond_t *x = &s->conds[i];
		if (x->stored || !fresh[x->proc])
			continue;
		sqlite3_stmt *y = q[CS_INS];
		sqlite3_bind_int64(y, 1, s->procs[x->proc].store_id);
		T(y, 2, x->c.id);
		T(y, 3, x->c.name);
		const long long v[] = { x->c.waits, x->c.timed_out, x->c.signals,
					x->c.broadcasts, x->c.wait_total,
					x->c.wait_max };
		for (int k = 0; k < 6; k++)
			sqlite3_bind_int64(y, 4 + k, v[k]);
		if (step(y) < 0)
			goto fail;
		x->stored = true;
	}
	/* Cycles reported in the stores merged in stay reported. */
	for (size_t i = 0; i < s->nknown; i++) {
		T(q[CYC_INS], 1, s->known[i]);
		if (step(q[CYC_INS]) < 0)
			goto fail;
	}
	long long run = s->nruns ? s->runs[s->nruns - 1].store_id : 0;
	for (size_t i = 0; i < ncycles; i++) {
		if (cycles[i].known)
			continue;
		sqlite3_stmt *x = q[CYC_INS];
		T(x, 1, cycles[i].key);
		T(x, 2, cycles[i].signature);
		if (run)
			sqlite3_bind_int64(x, 3, run);
		sqlite3_bind_double(x, 4, (double)time(NULL));
		if (step(x) < 0)
			goto fail;
	}
#undef T
	rc = 0;
	goto out;
fail:
	dberr(st, err, es, "cannot write");
out:
	for (int i = 0; i < NSTMT; i++)
		sqlite3_finalize(q[i]);
	free(fresh);
	return rc;
}

int ud_store_close(ud_store_t *st, bool commit, char *err, size_t es)
{
	int rc = 0;
	if (commit && st->write &&
	    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = dberr(st, err, es, "cannot commit");
	else if (!commit || !st->write)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	close_db(st);
	return rc;
}
