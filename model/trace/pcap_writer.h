/*
 * pcap files with nanosecond timestamps taken from simulated time: raw
 * IPv4 for divert sockets, PPP frames for links.  Written by the project's
 * own checked writer (trace_dir.h), never by a library that could abort.
 */
#ifndef DIVERTSIM_PCAP_WRITER_H
#define DIVERTSIM_PCAP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pcap_writer;
struct trace_dir;

/* Link types (pcap-linktype(7)). */
#define	PCAP_LINKTYPE_NULL	0u	/* BSD loop-back: the family, host order */
#define	PCAP_LINKTYPE_PPP	9u	/* PPP header, then the datagram */
#define	PCAP_LINKTYPE_RAW	101u	/* the IPv4 header first */

#define	PCAP_WRITER_ERROR	(pcap_writer_error_quark())
GQuark	 pcap_writer_error_quark(void);

enum pcap_writer_error_code {
	PCAP_WRITER_ERROR_OPEN,		/* the file could not be created */
};

/* Bytes of a packet kept in the file (the pcap snapshot length). */
#define	PCAP_WRITER_SNAPLEN	65535u

/*
 * Create (truncate) path, not following a symlink, and write the header of
 * a raw IPv4 capture.  Returns NULL and sets *err on failure.
 */
struct pcap_writer	*pcap_writer_open(const char *path, GError **err);
/* The same with another link type. */
struct pcap_writer	*pcap_writer_open_type(const char *path,
			    uint32_t linktype, GError **err);
/*
 * Create name in the trace folder with the given link type.  NULL on
 * failure, which is then the folder's error (trace_dir_error()).
 */
struct pcap_writer	*pcap_writer_create(struct trace_dir *td,
			    const char *name, uint32_t linktype);
/*
 * Append one record: bytes is a frame of len bytes of the file's link
 * type, t_ns the simulated time in nanoseconds.  Frames longer than
 * PCAP_WRITER_SNAPLEN are truncated in the file, with the original length
 * recorded.  False once the file has failed (the error is kept).
 */
bool	 pcap_writer_write(struct pcap_writer *w, uint64_t t_ns,
	    const uint8_t *bytes, size_t len);
/* Push buffered records to the file; false on error. */
bool	 pcap_writer_flush(struct pcap_writer *w);
/* Flush, close and free; false if the file failed at any point.  NULL is
 * allowed. */
bool	 pcap_writer_close(struct pcap_writer *w);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_PCAP_WRITER_H */
