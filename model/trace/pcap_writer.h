/*
 * Raw-IPv4 pcap files of the model's own packets (one per divert socket,
 * per interface where the model traces above the link), written through
 * libpcap's dumper with nanosecond timestamps taken from simulated time.
 */
#ifndef DIVERTSIM_PCAP_WRITER_H
#define DIVERTSIM_PCAP_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pcap_writer;

#define	PCAP_WRITER_ERROR	(pcap_writer_error_quark())
GQuark	 pcap_writer_error_quark(void);

enum pcap_writer_error_code {
	PCAP_WRITER_ERROR_OPEN,		/* the file could not be created */
};

/* Bytes of a packet kept in the file (the pcap snapshot length). */
#define	PCAP_WRITER_SNAPLEN	65535u

/*
 * Create (truncate) path and write the file header.  Returns NULL and sets
 * *err on failure.
 */
struct pcap_writer	*pcap_writer_open(const char *path, GError **err);
/*
 * Append one record: bytes is an IPv4 datagram of len bytes (no link
 * header), t_ns the simulated time in nanoseconds.  Datagrams longer than
 * PCAP_WRITER_SNAPLEN are truncated in the file, with the original length
 * recorded.
 */
void	 pcap_writer_write(struct pcap_writer *w, uint64_t t_ns,
	    const uint8_t *bytes, size_t len);
/* Push buffered records to the file. */
void	 pcap_writer_flush(struct pcap_writer *w);
/* Flush, close and free.  NULL is allowed. */
void	 pcap_writer_close(struct pcap_writer *w);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_PCAP_WRITER_H */
