/*
 * The trace folder of one run and every file written into it (pcaps,
 * events.jsonl), so that outputs are never half-written:
 * - the folder is created if missing and must be owned by the user running
 *   divertsim; files are opened relative to it with O_NOFOLLOW, so a
 *   symlink planted in it is refused, never followed;
 * - each file is written through a buffer holding whole records only, and
 *   every write, flush and close is checked; a failed write is cut back to
 *   the last whole record;
 * - the first error (file name and errno), the byte budget and the number
 *   of files open at once are kept here; an error calls the stop function
 *   so that the run ends at the current event.
 */
#ifndef DIVERTSIM_TRACE_DIR_H
#define DIVERTSIM_TRACE_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

struct trace_dir;
struct out_file;

#define	TRACE_ERROR		(trace_error_quark())
GQuark	 trace_error_quark(void);

/* File descriptors kept back for everything but trace files. */
#define	TRACE_FD_RESERVE	64

/*
 * Create (if needed) and open the folder path.  max_bytes caps the bytes
 * written to all its files together (0: no cap).  NULL and *err on failure.
 */
struct trace_dir *trace_dir_open(const char *path, uint64_t max_bytes,
		    GError **err);
/* Called once, at the first error, to stop the run (may be NULL). */
void		 trace_dir_set_stop(struct trace_dir *td, void (*fn)(void *),
		    void *ctx);
/*
 * The first output error as "PATH: strerror (ENAME)", or NULL while
 * there was none.
 */
const char	*trace_dir_error(const struct trace_dir *td);
/*
 * Flush and close every file still open (each checked); true when no
 * error happened during the whole run.  Files stay allocated until
 * out_file_close()/trace_dir_free().
 */
bool		 trace_dir_finish(struct trace_dir *td);
/* trace_dir_finish(), then free everything.  NULL is allowed. */
void		 trace_dir_free(struct trace_dir *td);

/*
 * Create (truncate) name inside the folder.  NULL and *err on failure (a
 * symlink, not a regular file, too many files open); the error is also
 * the folder's first error.
 */
struct out_file	*trace_dir_create(struct trace_dir *td, const char *name,
		    GError **err);
/*
 * A file outside any folder (tests, stand-alone writers), opened with
 * O_NOFOLLOW as well.
 */
struct out_file	*out_file_open(const char *path, GError **err);
/*
 * Append one whole record (a pcap record, a JSON line): it reaches the
 * file whole or not at all.  False once the file has failed.
 */
bool		 out_file_write(struct out_file *f, const void *bytes,
		    size_t len);
/* One record from two pieces, a then b (a header and what follows it). */
bool		 out_file_write2(struct out_file *f, const void *a, size_t alen,
		    const void *b, size_t blen);
/*
 * The same in two steps, for a producer that knows a record's size before
 * it has its bytes: out_file_reserve() counts len bytes against the
 * folder's budget (false, the file's and the folder's error, when they do
 * not fit; the records accepted before stay in the file), and
 * out_file_write_reserved() appends the record later, without counting
 * it again.  out_file_fits() asks without counting.
 */
bool		 out_file_fits(const struct out_file *f, size_t len);
/* out_file_reserve() when len fits; false, and nothing done, when not. */
bool		 out_file_take(struct out_file *f, size_t len);
bool		 out_file_reserve(struct out_file *f, size_t len);
bool		 out_file_write_reserved(struct out_file *f, const void *bytes,
		    size_t len);
/*
 * Records already counted, len bytes back to back, the k-th ending at
 * ends[k] (the last at len), appended in one call; a failed write keeps
 * the whole ones.
 */
bool		 out_file_write_reserved_n(struct out_file *f,
		    const void *bytes, size_t len, const size_t *ends,
		    size_t nends);
/* Write out the buffer; false on error. */
bool		 out_file_flush(struct out_file *f);
/*
 * Record an error of the file's producer (not of its writes): the file's
 * first error, the folder's if first, and the run stops.  msg is "what
 * went wrong" without the path.
 */
void		 out_file_fail(struct out_file *f, int e, const char *msg);
/* The errno of the file's first error, 0 if none. */
int		 out_file_errno(const struct out_file *f);
/*
 * Flush, close and free (a file of a folder leaves it).  False, with *err
 * set if err is not NULL, when the file failed at any point.  NULL is
 * allowed.
 */
bool		 out_file_close(struct out_file *f, GError **err);

/* Raise RLIMIT_NOFILE's soft limit to the hard limit; returns the limit. */
uint64_t	 trace_raise_nofile(void);
/*
 * How many trace files may be open at once: RLIMIT_NOFILE's soft limit
 * less TRACE_FD_RESERVE.  A run that needs more is refused up front.
 */
unsigned	 trace_files_max(void);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_TRACE_DIR_H */
