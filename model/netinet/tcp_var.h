/*
 * TCP (FreeBSD's netinet/tcp_var.h, tcp_fsm.h, tcp_seq.h and tcp_timer.h
 * in one): the connection block, the host's statistics, the socket calls
 * of the applications above, and what tcp_input.c, tcp_output.c,
 * tcp_timer.c and tcp_subr.c share.
 *
 * A compact FreeBSD-shaped TCP: the RFC 9293 state machine, RFC 6298
 * retransmission timer, NewReno (RFC 6582), delayed ACK, MSS from the
 * route's MTU, path MTU discovery (DF on every segment, ICMP needfrag
 * lowers t_maxseg), TIME_WAIT for 2*MSL, initial sequence numbers drawn
 * from the scenario seed.  SYNs carry MSS, NOP and window scale, what
 * FreeBSD sends with net.inet.tcp.rfc1323=2 (window scaling only) and
 * net.inet.tcp.sack.enable=0: no timestamps, no SACK.  Applications read
 * at once, so the receive window never closes and no persist timer is
 * needed; there is no syncache (a SYN makes a connection in SYN_RECEIVED
 * at once), no keepalive, no urgent data.
 */
#ifndef DIVERTSIM_TCP_VAR_H
#define DIVERTSIM_TCP_VAR_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "wire/wire_tcp.h"

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct pkt;
struct tcpcb;

/* tcp_fsm.h */
enum tcp_state {
	TCPS_CLOSED, TCPS_LISTEN, TCPS_SYN_SENT, TCPS_SYN_RECEIVED,
	TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_FIN_WAIT_1, TCPS_CLOSING,
	TCPS_LAST_ACK, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT,
};
#define	TCPS_HAVERCVDSYN(s)	((s) >= TCPS_SYN_RECEIVED)
#define	TCPS_HAVEESTABLISHED(s)	((s) >= TCPS_ESTABLISHED)
#define	TCPS_HAVERCVDFIN(s)	((s) == TCPS_CLOSE_WAIT || \
	(s) == TCPS_CLOSING || (s) == TCPS_LAST_ACK || (s) == TCPS_TIME_WAIT)
const char	*tcp_state_name(enum tcp_state s);

/* tcp_seq.h: modular comparisons. */
#define	SEQ_LT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define	SEQ_LEQ(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define	SEQ_GT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define	SEQ_GEQ(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

/* The header is wire/wire_tcp.h's view; the options beyond MSS: */
#define	TCP_MAXOLEN		40
#define	TCPOPT_WINDOW		3	/* RFC 7323 window scale */
#define	TCPOLEN_WINDOW		3

/* Constants of FreeBSD 14 (tcp_timer.h, tcp.h, sysctl defaults). */
#define	TCP_MSS_DEFAULT		536u	/* net.inet.tcp.mssdflt */
#define	TCP_MINMSS		216u	/* net.inet.tcp.minmss */
#define	TCP_MAXWIN		65535u
#define	TCP_MAX_WINSHIFT	14
#define	TCP_RCVSPACE		65536u	/* net.inet.tcp.recvspace */
#define	TCP_REQ_WSCALE		6	/* what FreeBSD asks for by sb_max */
#define	TCPTV_MSL_NS		(30ull * 1000000000ull)	/* net.inet.tcp.msl */
#define	TCPTV_RTOBASE_NS	(1000ull * 1000000ull)	/* RFC 6298 initial */
#define	TCPTV_MIN_NS		(30ull * 1000000ull)	/* rexmit_min 30 ms */
#define	TCPTV_SLOP_NS		(200ull * 1000000ull)	/* rexmit_slop */
#define	TCPTV_REXMTMAX_NS	(64ull * 1000000000ull)
#define	TCPTV_DELACK_NS		(40ull * 1000000ull)	/* delacktime */
#define	TCP_MAXRXTSHIFT		12
#define	TCP_SYN_MAXRXTSHIFT	6	/* divertsim: 6 SYN retries, 1 s doubled;
					 * FreeBSD retries longer with its own
					 * SYN backoff table (not modelled) */

/* netstat -s -p tcp: HOST.tcp.NAME, FreeBSD's tcps_NAME. */
struct tcpstat {
	uint64_t	 connattempt, accepts, connects, drops, conndrops,
			 closed, timeoutdrop, rexmttimeo, delack,
			 sndtotal, sndpack, sndbyte, sndrexmitpack,
			 sndrexmitbyte, sndacks, sndctrl, sndrst,
			 rcvtotal, rcvpack, rcvbyte, rcvduppack, rcvdupbyte,
			 rcvpartduppack, rcvoopack, rcvoobyte, rcvdupack,
			 rcvackpack, rcvackbyte, badsum,
			 rcvbadoff, rcvshort, noport, mturesent,
			 fastrexmit;
};

/*
 * What the application above a connection hears (a socket's upcalls).
 * Every member may be NULL.  closed() is the last call: the connection
 * block is freed after it returns (error 0: orderly, else ECONNRESET,
 * ETIMEDOUT, ECONNREFUSED).
 */
struct tcp_usrreqs {
	void	(*connected)(void *ctx, struct tcpcb *tp);
	void	(*rcvd)(void *ctx, struct tcpcb *tp, const uint8_t *data,
		    uint32_t len);
	void	(*peer_fin)(void *ctx, struct tcpcb *tp);
	/* sowwakeup(): acknowledged bytes left the send buffer. */
	void	(*sowakeup)(void *ctx, struct tcpcb *tp);
	void	(*closed)(void *ctx, struct tcpcb *tp, int error);
	/* The host goes with the connection still open: free ctx. */
	void	(*detach)(void *ctx);
};

/* A listening socket: accept() hands each new connection to accepted(),
 * which sets the connection's upcalls with tcp_set_usrreqs(). */
struct tcp_listen {
	struct host	*h;
	uint16_t	 lport;
	void		(*accepted)(void *ctx, struct tcpcb *tp);
	void		*ctx;
	void		(*detach)(void *ctx);
};

/* The connection block (struct tcpcb with its inpcb). */
struct tcpcb {
	struct host	*h;
	enum tcp_state	 t_state;
	uint32_t	 laddr, faddr;		/* host order */
	uint16_t	 lport, fport;
	unsigned	 t_id;			/* HOST.tcp.conn.ID */
	unsigned	 t_flags;
#define	TF_ACKNOW	0x01
#define	TF_DELACK	0x02
#define	TF_NEEDFIN	0x04	/* shutdown(): FIN after the buffer */
#define	TF_SENTFIN	0x08
#define	TF_INRECOVERY	0x10
#define	TF_RCVD_SCALE	0x20
#define	TF_PASSIVE	0x40
	/* send sequence space */
	uint32_t	 iss, snd_una, snd_nxt, snd_max, snd_wl1, snd_wl2;
	uint32_t	 snd_wnd, snd_cwnd, snd_ssthresh, snd_recover;
	uint8_t		 snd_scale, rcv_scale;
	/* receive sequence space */
	uint32_t	 irs, rcv_nxt, rcv_adv;
	uint32_t	 t_maxseg;		/* current MSS (PMTUD lowers it) */
	unsigned	 t_dupacks;
	uint32_t	 t_bytes_acked;		/* RFC 3465 in avoidance */
	/* RFC 6298 */
	uint64_t	 t_srtt_ns, t_rttvar_ns, t_rxtcur_ns;
	unsigned	 t_rxtshift;
	uint64_t	 t_rtttime;		/* 0: no segment timed */
	uint32_t	 t_rtseq;
	/* timers (event ids, 0 when off) */
	uint64_t	 tt_rexmt, tt_delack, tt_2msl;
	/* the send buffer: bytes from sequence number sb_seq on */
	GByteArray	*snd_buf;
	uint32_t	 sb_seq;
	/* out-of-order segments (struct tcp_qent *, g_free), by seq */
	GList		*t_segq;
	unsigned	 t_delack_segs;		/* full segments not yet acked */
	/* per-connection figures: HOST.tcp.conn.ID.NAME (registry slots,
	 * kept after the connection goes) */
	uint64_t	*c_sndbyte, *c_rcvbyte, *c_rexmit, *c_time_us, *c_estab;
	uint64_t	 t_start_ns;
	const struct tcp_usrreqs *t_usr;
	void		*t_ctx;
	bool		 t_closing;		/* in tcp_close() */
};

/* ---- the socket calls (tcp_usrreq.c's role) ---- */

/* listen(): EADDRINUSE when the port already listens. */
int		 tcp_usr_listen(struct host *h, uint16_t lport,
		    void (*accepted)(void *ctx, struct tcpcb *tp), void *ctx,
		    void (*detach)(void *ctx), struct tcp_listen **out);
/*
 * connect(): from an ephemeral port, source address by route.  Returns 0
 * (SYN on its way, *out the connection) or EHOSTUNREACH / EADDRINUSE.
 */
int		 tcp_usr_connect(struct host *h, uint32_t faddr,
		    uint16_t fport, const struct tcp_usrreqs *usr, void *ctx,
		    struct tcpcb **out);
void		 tcp_set_usrreqs(struct tcpcb *tp,
		    const struct tcp_usrreqs *usr, void *ctx);
/* send(): appends to the send buffer (EPIPE after shutdown). */
int		 tcp_usr_send(struct tcpcb *tp, const uint8_t *data,
		    uint32_t len);
/* shutdown(SHUT_WR): FIN after what is buffered. */
void		 tcp_usr_shutdown(struct tcpcb *tp);
/* close() with SO_LINGER 0: RST now, the connection is dropped (and
 * freed: never from inside an upcall of the same connection). */
void		 tcp_usr_abort(struct tcpcb *tp);
/* Bytes buffered and not yet acknowledged. */
uint32_t	 tcp_sndbuf_len(const struct tcpcb *tp);

/* ---- the stack (ip_protox, ICMP errors) ---- */
void		 tcp_input(struct host *h, struct pkt *m);
/* tcp_ctlinput(): an ICMP unreachable quoting one of our segments. */
void		 tcp_ctlinput(struct host *h, int type, int code, uint32_t mtu,
		    const uint8_t *quoted, uint32_t qlen);

/* ---- shared by the TCP files ---- */
struct tcp_host {
	struct tcpstat	 stat;
	GPtrArray	*pcbs;			/* struct tcpcb * */
	GPtrArray	*listens;		/* struct tcp_listen * */
	unsigned	 next_id;
	uint64_t	 isn_seq;		/* ISNs drawn so far */
};
struct tcp_host	*tcp_host_get(struct host *h);
struct tcpcb	*tcp_newtcpcb(struct host *h, uint32_t laddr, uint16_t lport,
		    uint32_t faddr, uint16_t fport);
struct tcpcb	*tcp_lookup(struct host *h, uint32_t laddr, uint16_t lport,
		    uint32_t faddr, uint16_t fport);
struct tcp_listen *tcp_lookup_listen(struct host *h, uint16_t lport);
uint32_t	 tcp_new_isn(struct host *h, const struct tcpcb *tp);
uint32_t	 tcp_mss_for(struct host *h, uint32_t faddr);
void		 tcp_state_change(struct tcpcb *tp, enum tcp_state s);
void		 tcp_usrclosed(struct tcpcb *tp);
/* tcp_close(): counts, tells the application, frees tp. */
void		 tcp_close(struct tcpcb *tp, int error);
/* tcp_drop(): RST to the peer when synchronized, then tcp_close(). */
void		 tcp_drop(struct tcpcb *tp, int error);
/* tcp_respond(): a bare segment (RST or ACK) without a connection. */
void		 tcp_respond(struct host *h, uint32_t laddr, uint16_t lport,
		    uint32_t faddr, uint16_t fport, uint32_t seq, uint32_t ack,
		    uint8_t flags);
void		 tcp_event(struct tcpcb *tp, const char *what, int error);
int		 tcp_output(struct tcpcb *tp);
void		 tcp_xmit_timer(struct tcpcb *tp, uint64_t rtt_ns);
void		 tcp_timer_rexmt_arm(struct tcpcb *tp);
void		 tcp_timer_rexmt_stop(struct tcpcb *tp);
void		 tcp_timer_delack_arm(struct tcpcb *tp);
void		 tcp_timer_2msl_arm(struct tcpcb *tp);
void		 tcp_timers_stop(struct tcpcb *tp);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_TCP_VAR_H */
