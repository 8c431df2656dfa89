/*
 * Traffic applications for the scenario builder: ping(8), `listen udp`
 * and `send udp`.  Each opens its socket at once (so a taken port is
 * reported to the caller) and sends its first packet as a new event at the
 * current simulated time, the rest every interval_ns.  The sockets belong
 * to the host and are freed by host_free().
 *
 * Counters: HOST.ping.sent, HOST.ping.received (distinct replies, as
 * ping(8) counts them), HOST.ping.duplicates, shared by every ping of the
 * host; HOST.udp.received counts datagrams read by any UDP socket of the
 * host (listeners and senders alike).
 */
#ifndef DIVERTSIM_APP_TRAFFIC_H
#define DIVERTSIM_APP_TRAFFIC_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct host;

/* ping(8)'s defaults. */
#define	APP_PING_DEFAULT_SIZE		56u
#define	APP_UDP_DEFAULT_SIZE		64u
/* The largest payload of one datagram: 65535 - 20 - 8. */
#define	APP_MAX_PAYLOAD			65507u

/*
 * ping [-c count] [-i interval] [-s size] [-D] [-m ttl] dst.
 * count 0 pings until the run ends, as ping(8) without -c.  The ICMP id is
 * derived from the host's name and the number of pings started on it
 * (deterministic); sequence numbers start at 0.  The first 8 payload bytes
 * carry the send time (seconds truncated to 32 bits, nanoseconds,
 * big-endian) when size >= 8, the rest byte i = i & 0xff, as ping(8) fills
 * them; a reply with 16 data bytes or more is timed.
 * Returns 0, or EMSGSIZE (size too big), EINVAL (interval 0 with count
 * other than 1).
 */
int	app_ping_start(struct host *h, uint32_t dst, uint32_t count,
	    uint64_t interval_ns, uint32_t size, bool df, uint8_t ttl);

/*
 * listen udp PORT [echo]: a socket bound to port on INADDR_ANY; with echo
 * every datagram goes back to its sender from port (TTL 64, no DF).
 * Returns 0 or EADDRINUSE.
 */
int	app_udp_listen(struct host *h, uint16_t port, bool echo);

/*
 * send udp DST:DPORT [-c count] [-i interval] [-s size] [-D] [-m ttl]
 * [-p sport]: count datagrams of size payload bytes (byte i = i & 0xff)
 * from sport, or from the lowest free port from 49152 when sport is 0.
 * The socket stays open and counts the datagrams it receives (echoes).
 * count 0 sends until the run ends.  Returns 0, or EADDRINUSE (sport
 * taken or no ephemeral port left), EMSGSIZE, EINVAL (as ping).
 */
int	app_udp_send_start(struct host *h, uint32_t dst, uint16_t dport,
	    uint16_t sport, uint32_t count, uint64_t interval_ns,
	    uint32_t size, bool df, uint8_t ttl);

/* What a TCP server does with what it reads. */
enum app_tcp_mode {
	APP_TCP_DISCARD,	/* read and drop; close when the peer does */
	APP_TCP_ECHO,		/* write it back; close when the peer does */
	APP_TCP_SINK,		/* read and drop; never close */
};

/*
 * listen tcp PORT [echo|discard|sink] [-r]: a listening socket on
 * INADDR_ANY:port.  A connection is closed (FIN, or RST with rst) when
 * the peer's FIN arrives, after the echoed bytes in echo mode; a sink
 * never closes.  Returns 0 or EADDRINUSE.
 */
int	app_tcp_listen(struct host *h, uint16_t port, enum app_tcp_mode mode,
	    bool rst);

/*
 * connect tcp DST:DPORT [-b bytes] [-n count] [-i interval] [-r]: count
 * connections, the first now and one every interval_ns after; each
 * writes bytes (byte i = i & 0xff) and closes once all are acknowledged:
 * FIN (shutdown), or RST with rst (close with SO_LINGER 0).  Returns 0,
 * or EINVAL (count 0; interval 0 with count other than 1) or the first
 * connect()'s errno (EHOSTUNREACH).
 */
int	app_tcp_connect_start(struct host *h, uint32_t dst, uint16_t dport,
	    uint64_t bytes, uint32_t count, uint64_t interval_ns, bool rst);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_APP_TRAFFIC_H */
