/*
** suite_input.c: what `merge`, `check`, `graph` and `stats` read: stores,
** record files and directories of records, told apart by their content.
*/
#include "store.h"
#include "suite.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void ud_suite_new_uuid(char out[33])
{
	unsigned char r[16] = { 0 };
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, r, sizeof r) : -1;
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof r) {
		/* No urandom: the time and pid are unique enough on one host. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf((char *)r, sizeof r, "%lx%x", (long)ts.tv_nsec,
			 (unsigned)getpid());
	}
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_rec(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && n > 4 && !strcmp(name + n - 4, ".rec");
}

static int load_dir(ud_suite_t *s, const char *path, bool current, char *err,
		    size_t es)
{
	DIR *d = opendir(path);
	if (!d) {
		snprintf(err, es, "%s: %s", path, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!is_rec(e->d_name))
			continue;
		char **nn = realloc(names, (n + 1) * sizeof *names);
		if (!nn)
			break;
		names = nn;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_name);
	char uuid[33];
	ud_suite_new_uuid(uuid);
	size_t run = ud_suite_add_run(s, uuid, (double)time(NULL), path);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char *p = malloc(strlen(path) + strlen(names[i]) + 2);
		ud_record_t r;
		if (!p)
			rc = -1;
		else if (rc == 0) {
			sprintf(p, "%s/%s", path, names[i]);
			if (ud_record_load(&r, p, err, es) < 0) {
				rc = -1;
			} else {
				ud_suite_add_record(s, run, &r, current);
				ud_record_free(&r);
			}
		}
		free(p);
		free(names[i]);
	}
	free(names);
	return rc;
}

int ud_suite_load_input(ud_suite_t *s, const char *path, bool current,
			char *err, size_t es)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		snprintf(err, es, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return load_dir(s, path, current, err, es);
	if (ud_store_is_db(path)) {
		ud_store_t *db = ud_store_open(path, false, false, err, es);
		if (!db)
			return -1;
		ud_suite_t in = { 0 };
		int rc = ud_store_load(db, &in, err, es);
		ud_store_close(db, false, NULL, 0);
		if (rc == 0) {
			for (size_t i = 0; i < in.nprocs; i++)
				in.procs[i].current = current;
			for (size_t i = 0; i < in.nclasses; i++)
				in.classes[i].current = current;
			ud_suite_merge(s, &in);
		}
		ud_suite_free(&in);
		return rc;
	}
	char c = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 0;
		close(fd);
	}
	if (c != '{') {
		snprintf(err, es, "%s: neither a ulockdep store nor a process "
			 "record", path);
		return -1;
	}
	ud_record_t r;
	if (ud_record_load(&r, path, err, es) < 0)
		return -1;
	char uuid[33];
	ud_suite_new_uuid(uuid);
	ud_suite_add_record(s, ud_suite_add_run(s, uuid, (double)time(NULL), path),
			    &r, current);
	ud_record_free(&r);
	return 0;
}
