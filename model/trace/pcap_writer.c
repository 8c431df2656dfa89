/*
 * pcap files written by the project's own code, in libpcap's savefile
 * format (pcap-savefile(5)) with nanosecond timestamps, through the
 * checked, record-buffered files of trace_dir.c.  Timestamps are the
 * simulated time given by the caller, never a clock, so identical runs give
 * identical files.
 */
#include "trace/pcap_writer.h"

#include <string.h>

#include "trace/trace_dir.h"

/* The nanosecond variant of the savefile magic. */
#define	PCAP_MAGIC_NSEC		0xa1b23c4du

struct pcap_writer {
	struct out_file	*f;
};

G_DEFINE_QUARK(pcap-writer-error-quark, pcap_writer_error)

static void
put32(uint8_t *p, uint32_t v)
{
	/* Host byte order, as libpcap writes: readers go by the magic. */
	memcpy(p, &v, 4);
}

static void
put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static struct pcap_writer *
pcap_writer_start(struct out_file *f, uint32_t linktype)
{
	struct pcap_writer *w;
	uint8_t h[24];

	/*
	 * The file header, field by field:
	 * - magic 0xa1b23c4d: nanosecond timestamps, because simulated time
	 *   is kept in nanoseconds and microseconds would merge events 1 ns
	 *   apart;
	 * - version 2.4, the only version libpcap writes;
	 * - thiszone 0 and sigfigs 0: timestamps are simulated time, not a
	 *   local clock;
	 * - snaplen PCAP_WRITER_SNAPLEN: no frame here is longer;
	 * - the link type: LINKTYPE_RAW (101) for divert sockets, whose
	 *   records begin at the IPv4 header, LINKTYPE_PPP (9) for links.
	 * Written at once, so that even a file that never gets a record is
	 * a valid capture.
	 */
	put32(h + 0, PCAP_MAGIC_NSEC);
	put16(h + 4, 2);
	put16(h + 6, 4);
	put32(h + 8, 0);
	put32(h + 12, 0);
	put32(h + 16, PCAP_WRITER_SNAPLEN);
	put32(h + 20, linktype);
	if (!out_file_write(f, h, sizeof(h)) || !out_file_flush(f)) {
		(void)out_file_close(f, NULL);
		return (NULL);
	}
	w = g_new0(struct pcap_writer, 1);
	w->f = f;
	return (w);
}

struct pcap_writer *
pcap_writer_open(const char *path, GError **err)
{
	return (pcap_writer_open_type(path, PCAP_LINKTYPE_RAW, err));
}

struct pcap_writer *
pcap_writer_open_type(const char *path, uint32_t linktype, GError **err)
{
	struct out_file *f;
	struct pcap_writer *w;
	GError *e = NULL;

	f = out_file_open(path, &e);
	if (f == NULL) {
		g_set_error_literal(err, PCAP_WRITER_ERROR,
		    PCAP_WRITER_ERROR_OPEN, e->message);
		g_error_free(e);
		return (NULL);
	}
	w = pcap_writer_start(f, linktype);
	if (w == NULL)
		g_set_error(err, PCAP_WRITER_ERROR, PCAP_WRITER_ERROR_OPEN,
		    "%s: cannot write the file header", path);
	return (w);
}

struct pcap_writer *
pcap_writer_create(struct trace_dir *td, const char *name,
    uint32_t linktype)
{
	struct out_file *f = trace_dir_create(td, name, NULL);

	/* An error is the folder's first error: reported with the run. */
	return (f == NULL ? NULL : pcap_writer_start(f, linktype));
}

bool
pcap_writer_write(struct pcap_writer *w, uint64_t t_ns, const uint8_t *bytes,
    size_t len)
{
	uint8_t rec[16];
	uint32_t caplen = (uint32_t)(len < PCAP_WRITER_SNAPLEN ? len :
	    PCAP_WRITER_SNAPLEN);

	/*
	 * Record header: seconds, nanoseconds, the bytes kept (caplen) and
	 * the length the frame really had; then the bytes, copied once,
	 * straight into the file's buffer, as one record: the file gets it
	 * entirely or not at all.
	 */
	put32(rec + 0, (uint32_t)(t_ns / 1000000000u));
	put32(rec + 4, (uint32_t)(t_ns % 1000000000u));
	put32(rec + 8, caplen);
	put32(rec + 12, (uint32_t)len);
	return (out_file_write2(w->f, rec, sizeof(rec), bytes, caplen));
}

bool
pcap_writer_flush(struct pcap_writer *w)
{
	return (out_file_flush(w->f));
}

bool
pcap_writer_close(struct pcap_writer *w)
{
	bool ok;

	if (w == NULL)
		return (true);
	ok = out_file_close(w->f, NULL);
	g_free(w);
	return (ok);
}
