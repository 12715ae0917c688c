/*
 * fileio.h - the one way trustack opens a file it reads and replaces a file it writes.
 *
 * Reading: a path named by a user may be a FIFO, a device or a directory. open() of a FIFO
 * without O_NONBLOCK waits for a writer (forever), so every input is opened with O_NONBLOCK and
 * refused unless fstat says it is a regular file, before a byte is read.
 *
 * Writing: the output is written to a temporary file in the directory of the file it replaces
 * and renamed over it, so a reader never sees half a file. Before that the destination is
 * resolved: symbolic links are followed (their target is replaced, the link stays), an existing
 * destination that is not a regular file (device, FIFO, directory, socket) is refused, and so is
 * the input itself (same device and inode, whatever the name). The temporary name is made to fit
 * NAME_MAX by shortening it, never the user's name.
 */
#ifndef TS_COMMON_FILEIO_H
#define TS_COMMON_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Open path for reading; O_NONBLOCK is cleared again once the file is known to be regular.
 * Returns the descriptor (O_CLOEXEC), st filled when not NULL; or -TRUSTACK_E_NOTFOUND (it does
 * not exist) / -TRUSTACK_E_IO with a message in err ("cannot open: ...", "not a regular file
 * (a FIFO)"). */
int ts_open_input(const char *path, struct stat *st, char *err, size_t errlen);

/* "a FIFO", "a directory", ... for messages. */
const char *ts_file_kind(mode_t mode);

/* A destination being written. */
struct ts_outfile {
	char *target; /* the file that will be replaced (path, or the end of its symbolic links) */
	char *tmp;    /* the temporary file beside it */
	int fd;       /* open on tmp, or -1 */
};

/* Resolve path (see above) and refuse it when it exists and is not a regular file, or is the
 * file `input` (NULL: no input to protect). Returns 0 or -TRUSTACK_E_* with err. With o NULL only
 * the checks are made (to fail before long work); otherwise the temporary file is created. */
int ts_outfile_open(struct ts_outfile *o, const char *path, const struct stat *input, char *err, size_t errlen);

/* Write all of buf to o's temporary file. */
int ts_outfile_write(struct ts_outfile *o, const void *buf, size_t n, char *err, size_t errlen);

/* Give the temporary file `mode`, close it and rename it over the target; on any failure the
 * temporary file is removed and the target is untouched. Frees o's names either way. */
int ts_outfile_commit(struct ts_outfile *o, mode_t mode, char *err, size_t errlen);

/* Remove the temporary file and free o's names (after a failure before commit). */
void ts_outfile_abort(struct ts_outfile *o);

/* All of the above for a buffer: buf replaces path with permissions mode. */
int ts_replace_file(const char *path, const void *buf, size_t n, mode_t mode, const struct stat *input, char *err,
		    size_t errlen);

/* mkdir -p of the directory part of path (the cache's build-id directories). 0 or -1 (errno). */
int ts_make_parents(const char *path);

#endif
