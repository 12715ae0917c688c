/*
 * fileio.c - opening inputs without blocking, replacing outputs atomically (see fileio.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/err.h"
#include "trustack.h"

/* a chain of symbolic links longer than this is a loop (the kernel's own limit) */
#define MAX_LINK_HOPS 40

const char *ts_file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	case S_IFLNK: return "a symbolic link";
	default: return "not a regular file";
	}
}

int ts_open_input(const char *path, struct stat *st, char *err, size_t errlen)
{
	struct stat local;
	if (!st)
		st = &local;
	/* O_NONBLOCK: open() of a FIFO would otherwise wait for a writer; O_NOCTTY: a terminal
	 * named by mistake must not become ours */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		/* a socket cannot be opened at all (ENXIO): say what it is rather than why open failed */
		if (!stat(path, st) && !S_ISREG(st->st_mode))
			return ts_fail(err, errlen, TRUSTACK_E_IO, "not a regular file (%s)", ts_file_kind(st->st_mode));
		return ts_fail(err, errlen, e == ENOENT ? TRUSTACK_E_NOTFOUND : TRUSTACK_E_IO, "cannot open: %s",
			    strerror(e));
	}
	if (fstat(fd, st)) {
		int e = errno;
		close(fd);
		return ts_fail(err, errlen, TRUSTACK_E_IO, "cannot stat: %s", strerror(e));
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return ts_fail(err, errlen, TRUSTACK_E_IO, "not a regular file (%s)", ts_file_kind(st->st_mode));
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

/* The file that writing to path replaces: path itself, or where its symbolic links end (which
 * need not exist yet). *exists and *st say whether it exists and what it is. */
static int resolve(const char *path, char **out, bool *exists, struct stat *st, char *err, size_t errlen)
{
	char *cur = strdup(path);
	if (!cur)
		return -TRUSTACK_E_NOMEM;
	for (int hops = 0;; hops++) {
		if (lstat(cur, st)) {
			int e = errno;
			if (e == ENOENT) {
				*exists = false;
				*out = cur;
				return 0;
			}
			free(cur);
			return ts_fail(err, errlen, TRUSTACK_E_IO, "%s: %s", path, strerror(e));
		}
		if (!S_ISLNK(st->st_mode)) {
			*exists = true;
			*out = cur;
			return 0;
		}
		if (hops == MAX_LINK_HOPS) {
			free(cur);
			return ts_fail(err, errlen, TRUSTACK_E_IO, "%s: %s", path, strerror(ELOOP));
		}
		char link[PATH_MAX];
		ssize_t l = readlink(cur, link, sizeof(link) - 1);
		if (l < 0) {
			int e = errno;
			free(cur);
			return ts_fail(err, errlen, TRUSTACK_E_IO, "%s: %s", path, strerror(e));
		}
		link[l] = 0;
		/* a relative link is relative to the directory holding the link */
		const char *slash = strrchr(cur, '/');
		char *next;
		int w = link[0] == '/' || !slash ? asprintf(&next, "%s", link)
						 : asprintf(&next, "%.*s/%s", (int)(slash - cur), cur, link);
		free(cur);
		if (w < 0)
			return -TRUSTACK_E_NOMEM;
		cur = next;
	}
}

/* DIR/.BASE.tmp-XXXXXX beside target, BASE cut so that the name fits NAME_MAX */
static char *temp_name(const char *target)
{
	static const char suffix[] = ".tmp-XXXXXX";
	const char *slash = strrchr(target, '/');
	const char *base = slash ? slash + 1 : target;
	int dirlen = slash ? (int)(base - target) : 0;
	size_t keep = strlen(base), room = NAME_MAX - 1 - (sizeof(suffix) - 1);
	if (keep > room)
		keep = room;
	char *tmp;
	if (asprintf(&tmp, "%.*s.%.*s%s", dirlen, target, (int)keep, base, suffix) < 0)
		return NULL;
	return tmp;
}

int ts_outfile_open(struct ts_outfile *o, const char *path, const struct stat *input, char *err, size_t errlen)
{
	if (o) {
		o->target = o->tmp = NULL;
		o->fd = -1;
	}
	if (!path || !*path)
		return ts_fail(err, errlen, TRUSTACK_E_ARG, "no output path");
	char *target;
	bool exists;
	struct stat st;
	int rc = resolve(path, &target, &exists, &st, err, errlen);
	if (rc)
		return rc;
	if (exists && !S_ISREG(st.st_mode))
		rc = ts_fail(err, errlen, TRUSTACK_E_ARG, "%s is %s, not a regular file: not replaced", path,
			  ts_file_kind(st.st_mode));
	else if (exists && input && st.st_dev == input->st_dev && st.st_ino == input->st_ino)
		rc = ts_fail(err, errlen, TRUSTACK_E_ARG, "%s is the input file: it is never overwritten", path);
	if (rc || !o) {
		free(target);
		return rc;
	}
	char *tmp = temp_name(target);
	if (!tmp) {
		free(target);
		return -TRUSTACK_E_NOMEM;
	}
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = ts_fail(err, errlen, TRUSTACK_E_IO, "cannot create a file beside %s: %s", target, strerror(errno));
		free(tmp);
		free(target);
		return rc;
	}
	o->target = target;
	o->tmp = tmp;
	o->fd = fd;
	return 0;
}

int ts_outfile_write(struct ts_outfile *o, const void *buf, size_t n, char *err, size_t errlen)
{
	const char *p = buf;
	for (size_t done = 0; done < n;) {
		ssize_t w = write(o->fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ts_fail(err, errlen, TRUSTACK_E_IO, "cannot write %s: %s", o->tmp,
				    w < 0 ? strerror(errno) : "no space written");
		done += (size_t)w;
	}
	return 0;
}

void ts_outfile_abort(struct ts_outfile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->target);
	o->tmp = o->target = NULL;
	o->fd = -1;
}

int ts_outfile_commit(struct ts_outfile *o, mode_t mode, char *err, size_t errlen)
{
	int rc = 0;
	if (fchmod(o->fd, mode & 07777))
		rc = ts_fail(err, errlen, TRUSTACK_E_IO, "cannot set the mode of %s: %s", o->tmp, strerror(errno));
	int closed = close(o->fd);
	o->fd = -1;
	if (closed && !rc)
		rc = ts_fail(err, errlen, TRUSTACK_E_IO, "cannot write %s: %s", o->tmp, strerror(errno));
	if (!rc && rename(o->tmp, o->target))
		rc = ts_fail(err, errlen, TRUSTACK_E_IO, "cannot rename to %s: %s", o->target, strerror(errno));
	if (!rc) {
		free(o->tmp);
		o->tmp = NULL;
	}
	ts_outfile_abort(o); /* removes the temporary file if it is still there */
	return rc;
}

int ts_replace_file(const char *path, const void *buf, size_t n, mode_t mode, const struct stat *input, char *err,
		    size_t errlen)
{
	struct ts_outfile o;
	int rc = ts_outfile_open(&o, path, input, err, errlen);
	if (rc)
		return rc;
	if ((rc = ts_outfile_write(&o, buf, n, err, errlen))) {
		ts_outfile_abort(&o);
		return rc;
	}
	return ts_outfile_commit(&o, mode, err, errlen);
}

int ts_make_parents(const char *path)
{
	char *p = strdup(path);
	if (!p)
		return -1;
	int rc = 0;
	for (char *s = strchr(*p ? p + 1 : p, '/'); s && !rc; s = strchr(s + 1, '/')) {
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	int e = errno;
	free(p);
	errno = e;
	return rc;
}
