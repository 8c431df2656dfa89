/*
 * The trace folder and its checked, record-buffered files.
 */
#include "trace/trace_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* Buffer of each file: records are added whole and written in big runs. */
#define	OUT_BUF_SIZE	(64u * 1024u)

struct trace_dir {
	char		*path;
	int		 dirfd;
	uint64_t	 max_bytes;	/* 0: no cap */
	uint64_t	 bytes;		/* accepted into any file so far */
	unsigned	 max_files;
	GPtrArray	*files;		/* struct out_file *, open ones */
	char		*error;		/* first error, NULL if none */
	void		(*stop)(void *);
	void		*stop_ctx;
};

struct out_file {
	struct trace_dir *td;		/* NULL: stand-alone */
	guint		 slot;		/* index in td->files */
	char		*path;		/* for messages */
	int		 fd;		/* -1 once closed */
	uint8_t		*buf;
	size_t		 len, cap;
	size_t		*ends;		/* where each record ends */
	size_t		 nends, ends_cap;
	uint64_t	 committed;	/* bytes known to be in the file */
	int		 err;		/* first errno, 0 if none */
	char		*msg;		/* first error, for the GError */
};

G_DEFINE_QUARK(trace-error-quark, trace_error)

static const char *
errno_name(int e)
{
	const char *n = strerrorname_np(e);

	return (n != NULL ? n : "?");
}

uint64_t
trace_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return (1024);
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit want = { rl.rlim_max, rl.rlim_max };

		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl.rlim_cur = rl.rlim_max;
	}
	return ((uint64_t)rl.rlim_cur);
}

unsigned
trace_files_max(void)
{
	struct rlimit rl;
	rlim_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return (1024 - TRACE_FD_RESERVE);
	n = rl.rlim_cur;
	if (n == RLIM_INFINITY || n > (rlim_t)1 << 30)
		n = (rlim_t)1 << 30;
	return (n > TRACE_FD_RESERVE ? (unsigned)(n - TRACE_FD_RESERVE) : 0);
}

/* Record a file's first error and the folder's, and stop the run. */
static void
out_fail(struct out_file *f, int e, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
out_fail(struct out_file *f, int e, const char *fmt, ...)
{
	struct trace_dir *td = f->td;
	va_list ap;
	char *why;

	if (f->err != 0)
		return;
	f->err = e;
	va_start(ap, fmt);
	why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	f->msg = g_strdup_printf("%s: %s", f->path, why);
	g_free(why);
	if (td != NULL && td->error == NULL) {
		td->error = g_strdup(f->msg);
		if (td->stop != NULL)
			td->stop(td->stop_ctx);
	}
}

static void
out_fail_errno(struct out_file *f, int e)
{
	out_fail(f, e, "%s (%s)", g_strerror(e), errno_name(e));
}

struct trace_dir *
trace_dir_open(const char *path, uint64_t max_bytes, GError **err)
{
	struct trace_dir *td;
	struct stat st;
	int fd;

	if (g_mkdir_with_parents(path, 0755) != 0) {
		int e = errno;

		g_set_error(err, TRACE_ERROR, e, "cannot create trace "
		    "directory %s: %s (%s)", path, g_strerror(e),
		    errno_name(e));
		return (NULL);
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;

		g_set_error(err, TRACE_ERROR, e, "cannot open trace "
		    "directory %s: %s (%s)", path, g_strerror(e),
		    errno_name(e));
		if (fd >= 0)
			close(fd);
		return (NULL);
	}
	/*
	 * Files are truncated in it: only in a folder of the user running
	 * divertsim, never in somebody else's (a shared /tmp, say).
	 */
	if (st.st_uid != geteuid()) {
		g_set_error(err, TRACE_ERROR, EPERM, "trace directory %s "
		    "belongs to another user (uid %u): choose another with "
		    "--trace-dir", path, (unsigned)st.st_uid);
		close(fd);
		return (NULL);
	}
	td = g_new0(struct trace_dir, 1);
	td->path = g_strdup(path);
	td->dirfd = fd;
	td->max_bytes = max_bytes;
	td->max_files = trace_files_max();
	td->files = g_ptr_array_new();
	return (td);
}

void
trace_dir_set_stop(struct trace_dir *td, void (*fn)(void *), void *ctx)
{
	td->stop = fn;
	td->stop_ctx = ctx;
}

const char *
trace_dir_error(const struct trace_dir *td)
{
	return (td->error);
}

static struct out_file *
out_new(struct trace_dir *td, char *path, int fd)
{
	struct out_file *f = g_new0(struct out_file, 1);

	f->td = td;
	f->path = path;
	f->fd = fd;
	f->cap = OUT_BUF_SIZE;
	f->buf = g_malloc(f->cap);
	return (f);
}

/*
 * open(2) flags of every output: no symlink followed (ELOOP), no blocking
 * on a FIFO planted in its place (ENXIO without a reader).
 */
#define	OUT_OPEN_FLAGS	(O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | \
			 O_NONBLOCK | O_CLOEXEC)

/*
 * Create name (relative to dirfd, or AT_FDCWD): a regular file, blocking
 * again once open.  -1 and errno otherwise (EINVAL: not a regular file).
 */
static int
out_openat(int dirfd, const char *name)
{
	struct stat st;
	int fd, fl, e;

	fd = openat(dirfd, name, OUT_OPEN_FLAGS, 0644);
	if (fd < 0)
		return (-1);
	if (fstat(fd, &st) != 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
		goto fail;
	return (fd);
fail:
	e = errno;
	close(fd);
	errno = e;
	return (-1);
}

static void
open_error(GError **err, const char *path, int e)
{
	if (e == ELOOP)
		g_set_error(err, TRACE_ERROR, e, "%s: is a symbolic link, "
		    "not followed (%s)", path, errno_name(e));
	else if (e == EINVAL || e == ENXIO)
		g_set_error(err, TRACE_ERROR, e, "%s: not a regular file",
		    path);
	else
		g_set_error(err, TRACE_ERROR, e, "cannot write %s: %s (%s)",
		    path, g_strerror(e), errno_name(e));
}

struct out_file *
trace_dir_create(struct trace_dir *td, const char *name, GError **err)
{
	char *path = g_build_filename(td->path, name, NULL);
	GError *e = NULL;
	int fd;

	if (td->files->len >= td->max_files) {
		g_set_error(&e, TRACE_ERROR, EMFILE, "%s: more than %u trace "
		    "files open at once (the file descriptor limit, ulimit "
		    "-n, less %u); raise the hard limit or use --no-traces",
		    path, td->max_files, TRACE_FD_RESERVE);
	} else {
		fd = out_openat(td->dirfd, name);
		if (fd < 0)
			open_error(&e, path, errno);
		else {
			struct out_file *f = out_new(td, path, fd);

			f->slot = td->files->len;
			g_ptr_array_add(td->files, f);
			return (f);
		}
	}
	if (td->error == NULL) {
		td->error = g_strdup(e->message);
		if (td->stop != NULL)
			td->stop(td->stop_ctx);
	}
	g_propagate_error(err, e);
	g_free(path);
	return (NULL);
}

struct out_file *
out_file_open(const char *path, GError **err)
{
	int fd = out_openat(AT_FDCWD, path);

	if (fd < 0) {
		open_error(err, path, errno);
		return (NULL);
	}
	return (out_new(NULL, g_strdup(path), fd));
}

/* write(2) until done; false with errno set on failure, *done the bytes
 * that did reach the file. */
static bool
write_all(int fd, const uint8_t *p, size_t n, size_t *done)
{
	*done = 0;
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return (false);
		}
		if (k == 0) {
			errno = ENOSPC;
			return (false);
		}
		p += k;
		n -= (size_t)k;
		*done += (size_t)k;
	}
	return (true);
}

/*
 * Write p, records ending at the offsets ends[0..nends), at the end of the
 * file; on failure cut the file back to the last record that reached it
 * whole, so that readers never meet half a record.
 */
static bool
out_put(struct out_file *f, const uint8_t *p, size_t n, const size_t *ends,
    size_t nends)
{
	size_t done, keep = 0;

	if (n == 0)
		return (true);
	if (!write_all(f->fd, p, n, &done)) {
		int e = errno;

		for (size_t k = 0; k < nends && ends[k] <= done; k++)
			keep = ends[k];
		(void)ftruncate(f->fd, (off_t)(f->committed + keep));
		f->committed += keep;
		out_fail_errno(f, e);
		return (false);
	}
	f->committed += n;
	return (true);
}

bool
out_file_flush(struct out_file *f)
{
	bool ok;

	if (f->err != 0 || f->fd < 0)
		return (f->err == 0);
	ok = out_put(f, f->buf, f->len, f->ends, f->nends);
	f->len = 0;
	f->nends = 0;
	return (ok);
}

bool
out_file_fits(const struct out_file *f, size_t len)
{
	const struct trace_dir *td = f->td;

	return (f->err == 0 && f->fd >= 0 && (td == NULL ||
	    td->max_bytes == 0 || td->bytes + len <= td->max_bytes));
}

bool
out_file_reserve(struct out_file *f, size_t len)
{
	struct trace_dir *td = f->td;

	if (f->err != 0 || f->fd < 0)
		return (false);
	if (!out_file_fits(f, len)) {
		/* What the file accepted before stays in it. */
		(void)out_file_flush(f);
		out_fail(f, EFBIG, "trace size limit of %" PRIu64 " bytes "
		    "reached (--max-trace-bytes)", td->max_bytes);
		return (false);
	}
	if (td != NULL)
		td->bytes += len;
	return (true);
}

bool
out_file_take(struct out_file *f, size_t len)
{
	if (!out_file_fits(f, len))
		return (false);
	if (f->td != NULL)
		f->td->bytes += len;
	return (true);
}

/* Append a record of two pieces already counted against the budget. */
static bool
out_file_append2(struct out_file *f, const void *a, size_t alen,
    const void *b, size_t blen)
{
	size_t len = alen + blen;

	if (f->err != 0 || f->fd < 0)
		return (false);
	if (f->len + len > f->cap && !out_file_flush(f))
		return (false);
	if (len > f->cap) {
		uint8_t *whole = g_malloc(len);
		bool ok;

		memcpy(whole, a, alen);
		if (blen > 0)
			memcpy(whole + alen, b, blen);
		ok = out_put(f, whole, len, &len, 1);
		g_free(whole);
		return (ok);
	}
	/* A pcap record header is 16 bytes: copied inline. */
	if (alen == 16)
		memcpy(f->buf + f->len, a, 16);
	else
		memcpy(f->buf + f->len, a, alen);
	if (blen > 0)
		memcpy(f->buf + f->len + alen, b, blen);
	f->len += len;
	/* A plain array: this runs for every pcap record and JSON line. */
	if (f->nends == f->ends_cap) {
		f->ends_cap = f->ends_cap != 0 ? 2 * f->ends_cap : 64;
		f->ends = g_renew(size_t, f->ends, f->ends_cap);
	}
	f->ends[f->nends++] = f->len;
	return (true);
}

bool
out_file_write2(struct out_file *f, const void *a, size_t alen,
    const void *b, size_t blen)
{
	return (out_file_reserve(f, alen + blen) &&
	    out_file_append2(f, a, alen, b, blen));
}

bool
out_file_write(struct out_file *f, const void *bytes, size_t len)
{
	return (out_file_write2(f, bytes, len, NULL, 0));
}

bool
out_file_write_reserved(struct out_file *f, const void *bytes, size_t len)
{
	return (out_file_append2(f, bytes, len, NULL, 0));
}

bool
out_file_write_reserved_n(struct out_file *f, const void *bytes, size_t len,
    const size_t *ends, size_t nends)
{
	/* Straight to the file, after what the buffer holds. */
	if (f->err != 0 || f->fd < 0 || !out_file_flush(f))
		return (false);
	return (out_put(f, bytes, len, ends, nends));
}

void
out_file_fail(struct out_file *f, int e, const char *msg)
{
	out_fail(f, e != 0 ? e : EIO, "%s", msg);
}

int
out_file_errno(const struct out_file *f)
{
	return (f->err);
}

/* Flush and close the descriptor (checked); the file stays allocated. */
static void
out_finish(struct out_file *f)
{
	if (f->fd < 0)
		return;
	(void)out_file_flush(f);
	if (close(f->fd) != 0)
		out_fail_errno(f, errno);
	f->fd = -1;
}

bool
out_file_close(struct out_file *f, GError **err)
{
	bool ok;

	if (f == NULL)
		return (true);
	out_finish(f);
	ok = f->err == 0;
	if (!ok)
		g_set_error_literal(err, TRACE_ERROR, f->err, f->msg);
	/*
	 * By its index, not by a search: a world closes its link pcaps in
	 * the order they were made, which searching would make quadratic in
	 * the number of files (a hub's pcaps).
	 */
	if (f->td != NULL) {
		GPtrArray *fs = f->td->files;

		g_ptr_array_remove_index_fast(fs, f->slot);
		if (f->slot < fs->len)
			((struct out_file *)g_ptr_array_index(fs, f->slot))->slot =
			    f->slot;
	}
	g_free(f->msg);
	g_free(f->ends);
	g_free(f->buf);
	g_free(f->path);
	g_free(f);
	return (ok);
}

bool
trace_dir_finish(struct trace_dir *td)
{
	for (guint i = 0; i < td->files->len; i++)
		out_finish(g_ptr_array_index(td->files, i));
	return (td->error == NULL);
}

void
trace_dir_free(struct trace_dir *td)
{
	if (td == NULL)
		return;
	trace_dir_finish(td);
	while (td->files->len > 0)
		(void)out_file_close(g_ptr_array_index(td->files, 0), NULL);
	g_ptr_array_free(td->files, TRUE);
	close(td->dirfd);
	g_free(td->error);
	g_free(td->path);
	g_free(td);
}
