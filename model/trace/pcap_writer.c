/*
 * pcap files of raw IPv4 datagrams, written through libpcap's dumper so the
 * file format is libpcap's own.  Timestamps are the simulated time given by
 * the caller, never a clock, so identical runs give identical files.
 */
#include "trace/pcap_writer.h"

#include <sys/time.h>

#include <pcap/pcap.h>

struct pcap_writer {
	pcap_t		*dead;		/* format carrier: link type, precision */
	pcap_dumper_t	*dumper;
};

G_DEFINE_QUARK(pcap-writer-error-quark, pcap_writer_error)

struct pcap_writer *
pcap_writer_open(const char *path, GError **err)
{
	struct pcap_writer *w;

	w = g_new0(struct pcap_writer, 1);
	/*
	 * The file header libpcap writes from this handle, field by field:
	 * - magic 0xa1b23c4d: the nanosecond variant, chosen by
	 *   PCAP_TSTAMP_PRECISION_NANO, because simulated time is kept in
	 *   nanoseconds and microseconds would merge events 1 ns apart;
	 * - version 2.4: the only version libpcap writes;
	 * - thiszone 0 and sigfigs 0: timestamps are simulated time, not a
	 *   local clock, and the format wants zeros there anyway;
	 * - snaplen PCAP_WRITER_SNAPLEN: no IPv4 datagram is longer, so
	 *   nothing is ever cut;
	 * - linktype DLT_RAW, which libpcap writes as LINKTYPE_RAW (101):
	 *   the records begin at the IPv4 header, as divert(4) sockets see
	 *   packets, with no link header.
	 */
	w->dead = pcap_open_dead_with_tstamp_precision(DLT_RAW,
	    (int)PCAP_WRITER_SNAPLEN, PCAP_TSTAMP_PRECISION_NANO);
	if (w->dead == NULL) {
		g_set_error(err, PCAP_WRITER_ERROR, PCAP_WRITER_ERROR_OPEN,
		    "%s: cannot set up a pcap handle", path);
		g_free(w);
		return (NULL);
	}
	w->dumper = pcap_dump_open(w->dead, path);
	if (w->dumper == NULL) {
		g_set_error(err, PCAP_WRITER_ERROR, PCAP_WRITER_ERROR_OPEN,
		    "%s", pcap_geterr(w->dead));
		pcap_close(w->dead);
		g_free(w);
		return (NULL);
	}
	return (w);
}

void
pcap_writer_write(struct pcap_writer *w, uint64_t t_ns, const uint8_t *bytes,
    size_t len)
{
	struct pcap_pkthdr h;

	/*
	 * Record header: seconds, then the fraction in nanoseconds (libpcap
	 * stores tv_usec unchanged, and the handle's nanosecond precision
	 * says what it counts); caplen is what the file keeps, len what the
	 * datagram really measured.
	 */
	h.ts.tv_sec = (time_t)(t_ns / 1000000000u);
	h.ts.tv_usec = (suseconds_t)(t_ns % 1000000000u);
	h.caplen = (bpf_u_int32)(len < PCAP_WRITER_SNAPLEN ? len :
	    PCAP_WRITER_SNAPLEN);
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)w->dumper, &h, bytes);
}

void
pcap_writer_flush(struct pcap_writer *w)
{

	(void)pcap_dump_flush(w->dumper);
}

void
pcap_writer_close(struct pcap_writer *w)
{

	if (w == NULL)
		return;
	pcap_dump_close(w->dumper);
	pcap_close(w->dead);
	g_free(w);
}
