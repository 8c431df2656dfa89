/*
 * TCP's common routines, as FreeBSD's tcp_subr.c and tcp_usrreq.c: the
 * host's TCP state and counters, connection blocks, initial sequence
 * numbers, tcp_respond(), tcp_close()/tcp_drop(), tcp_ctlinput() (PMTUD)
 * and the socket calls of the applications.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "net/host.h"
#include "net/if.h"
#include "net/route.h"
#include "netinet/ip_var.h"
#include "netinet/tcp_var.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_names.h"
#include "sim/sim_rng.h"
#include "sim/sim_sched.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"

#define	IPPORT_EPHEMERALFIRST	49152u
#define	IPPORT_EPHEMERALLAST	65535u
#define	IP_TCP_HDRLEN		40u	/* sizeof(struct tcpiphdr) */

const char *
tcp_state_name(enum tcp_state s)
{
	static const char *const names[] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED",
		"CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK",
		"FIN_WAIT_2", "TIME_WAIT",
	};

	return ((unsigned)s < G_N_ELEMENTS(names) ? names[s] : "?");
}

static void
tcp_host_free(void *arg)
{
	struct host *h = arg;
	struct tcp_host *th = h->tcp;
	guint i;

	/* The run is over: connections go without a word to anyone. */
	for (i = 0; i < th->pcbs->len; i++) {
		struct tcpcb *tp = g_ptr_array_index(th->pcbs, i);

		tcp_timers_stop(tp);
		if (tp->t_usr != NULL && tp->t_usr->detach != NULL)
			tp->t_usr->detach(tp->t_ctx);
		g_byte_array_free(tp->snd_buf, TRUE);
		g_list_free_full(tp->t_segq, g_free);
		g_free(tp);
	}
	for (i = 0; i < th->listens->len; i++) {
		struct tcp_listen *l = g_ptr_array_index(th->listens, i);

		if (l->detach != NULL)
			l->detach(l->ctx);
		g_free(l);
	}
	g_ptr_array_free(th->pcbs, TRUE);
	g_ptr_array_free(th->listens, TRUE);
	g_free(th);
	h->tcp = NULL;
}

/*
 * The host's TCP, made on first use so that a host that never meets TCP
 * shows no tcp.* counters.
 */
struct tcp_host *
tcp_host_get(struct host *h)
{
	static const struct {
		const char *name;
		size_t off;
	} tc[] = {
#define	TC(f)	{ #f, offsetof(struct tcpstat, f) }
		TC(connattempt), TC(accepts), TC(connects), TC(drops),
		TC(conndrops), TC(closed), TC(timeoutdrop), TC(rexmttimeo),
		TC(delack), TC(sndtotal), TC(sndpack), TC(sndbyte),
		TC(sndrexmitpack), TC(sndrexmitbyte), TC(sndacks),
		TC(sndctrl), TC(sndrst), TC(rcvtotal), TC(rcvpack),
		TC(rcvbyte), TC(rcvduppack), TC(rcvdupbyte),
		TC(rcvpartduppack), TC(rcvoopack), TC(rcvoobyte),
		TC(rcvdupack), TC(rcvackpack), TC(rcvackbyte),
		TC(badsum), TC(rcvbadoff), TC(rcvshort), TC(noport),
		TC(mturesent), TC(fastrexmit),
#undef TC
	};
	struct tcp_host *th;
	size_t i;

	if (h->tcp != NULL)
		return (h->tcp);
	th = g_new0(struct tcp_host, 1);
	th->pcbs = g_ptr_array_new();
	th->listens = g_ptr_array_new();
	h->tcp = th;
	for (i = 0; i < G_N_ELEMENTS(tc); i++) {
		char buf[128];

		snprintf(buf, sizeof(buf), "%s.tcp.%s", h->name, tc[i].name);
		counters_register(h->sim->counters, buf,
		    (uint64_t *)((char *)&th->stat + tc[i].off));
	}
	host_sysuninit_add(h, tcp_host_free, h);
	return (th);
}

struct tcpcb *
tcp_lookup(struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr,
    uint16_t fport)
{
	struct tcp_host *th = tcp_host_get(h);
	guint i;

	for (i = 0; i < th->pcbs->len; i++) {
		struct tcpcb *tp = g_ptr_array_index(th->pcbs, i);

		if (tp->lport == lport && tp->fport == fport &&
		    tp->faddr == faddr && tp->laddr == laddr)
			return (tp);
	}
	return (NULL);
}

struct tcp_listen *
tcp_lookup_listen(struct host *h, uint16_t lport)
{
	struct tcp_host *th = tcp_host_get(h);
	guint i;

	for (i = 0; i < th->listens->len; i++) {
		struct tcp_listen *l = g_ptr_array_index(th->listens, i);

		if (l->lport == lport)
			return (l);
	}
	return (NULL);
}

/* One splitmix64 step from x: a 64-bit mix of x. */
static uint64_t
isn_mix(uint64_t x)
{

	return (sim_splitmix64(&x));
}

/*
 * tcp_new_isn(): FreeBSD hashes the 4-tuple with a secret (RFC 6528); the
 * secret here is the scenario seed with the host's name, and the draw
 * count stands in for the clock, so runs repeat exactly.
 */
uint32_t
tcp_new_isn(struct host *h, const struct tcpcb *tp)
{
	struct tcp_host *th = tcp_host_get(h);
	uint64_t x;

	x = sim_rng_stream_seed(h->sim->seed, h->name);
	x = isn_mix(x ^ ((uint64_t)tp->laddr << 32 | tp->faddr));
	x = isn_mix(x ^ ((uint64_t)tp->lport << 16 | tp->fport) ^
	    (++th->isn_seq << 40));
	return ((uint32_t)x);
}

/* tcp_maxmtu(): the MTU of the route's interface, less the headers. */
uint32_t
tcp_mss_for(struct host *h, uint32_t faddr)
{
	const struct rtentry *rt = rt_lookup(h, faddr);
	uint32_t mtu;

	if (rt == NULL || rt->rt_ifp == NULL)
		return (TCP_MSS_DEFAULT);
	mtu = rt->rt_ifp->if_mtu;
	if (mtu <= IP_TCP_HDRLEN + TCP_MINMSS)
		return (TCP_MINMSS);
	return (mtu - IP_TCP_HDRLEN);
}

struct tcpcb *
tcp_newtcpcb(struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr,
    uint16_t fport)
{
	struct tcp_host *th = tcp_host_get(h);
	struct tcpcb *tp;
	char pfx[96];

	tp = g_new0(struct tcpcb, 1);
	tp->h = h;
	tp->laddr = laddr;
	tp->lport = lport;
	tp->faddr = faddr;
	tp->fport = fport;
	tp->t_id = ++th->next_id;
	tp->snd_buf = g_byte_array_new();
	tp->t_maxseg = tcp_mss_for(h, faddr);
	tp->t_rxtcur_ns = TCPTV_RTOBASE_NS;
	tp->snd_ssthresh = UINT32_MAX;
	tp->t_start_ns = sim_now();
	tp->rcv_scale = TCP_REQ_WSCALE;
	snprintf(pfx, sizeof(pfx), "%s.tcp.conn.%u", h->name, tp->t_id);
	tp->c_sndbyte = counters_slotf(h->sim->counters, "%s.sndbyte", pfx);
	tp->c_rcvbyte = counters_slotf(h->sim->counters, "%s.rcvbyte", pfx);
	tp->c_rexmit = counters_slotf(h->sim->counters, "%s.rexmit", pfx);
	tp->c_time_us = counters_slotf(h->sim->counters, "%s.time_us", pfx);
	tp->c_estab = counters_slotf(h->sim->counters, "%s.established",
	    pfx);
	g_ptr_array_add(th->pcbs, tp);
	return (tp);
}

void
tcp_state_change(struct tcpcb *tp, enum tcp_state s)
{

	tp->t_state = s;
	/* A connection's time ends when it closes or enters TIME_WAIT. */
	if ((s == TCPS_TIME_WAIT || s == TCPS_CLOSED) && *tp->c_time_us == 0)
		*tp->c_time_us = (sim_now() - tp->t_start_ns) / 1000u;
}

void
tcp_event(struct tcpcb *tp, const char *what, int error)
{
	struct ev *e = ev_begin(tp->h->sim->log, tp->h->name, "tcp");
	char la[INET_ADDRSTRLEN], fa[INET_ADDRSTRLEN];

	if (e == NULL)
		return;
	ev_str(e, "event", what);
	ev_int(e, "conn", tp->t_id);
	ev_addr(e, "laddr", tp->laddr);
	ev_int(e, "lport", tp->lport);
	ev_addr(e, "faddr", tp->faddr);
	ev_int(e, "fport", tp->fport);
	ev_str(e, "state", tcp_state_name(tp->t_state));
	ev_int(e, "sndbyte", (int64_t)*tp->c_sndbyte);
	ev_int(e, "rcvbyte", (int64_t)*tp->c_rcvbyte);
	ev_int(e, "rexmit", (int64_t)*tp->c_rexmit);
	ev_int(e, "maxseg", tp->t_maxseg);
	if (error != 0)
		ev_str(e, "error", g_strerror(error));
	if (ev_wants_text(e)) {
		inet_addr_str(tp->laddr, la);
		inet_addr_str(tp->faddr, fa);
		ev_textf(e, "tcp %s conn %u %s:%u > %s:%u %s sent %llu "
		    "received %llu rexmit %llu%s%s", what, tp->t_id, la,
		    tp->lport, fa, tp->fport, tcp_state_name(tp->t_state),
		    (unsigned long long)*tp->c_sndbyte,
		    (unsigned long long)*tp->c_rcvbyte,
		    (unsigned long long)*tp->c_rexmit,
		    error != 0 ? " error " : "",
		    error != 0 ? g_strerror(error) : "");
	}
	ev_end(e);
}

/* tcp_close(): the connection block goes; its counters stay. */
void
tcp_close(struct tcpcb *tp, int error)
{
	struct host *h = tp->h;
	struct tcp_host *th = tcp_host_get(h);
	const struct tcp_usrreqs *usr = tp->t_usr;
	if (tp->t_closing)
		return;
	tp->t_closing = true;
	th->stat.closed++;
	tcp_timers_stop(tp);
	tcp_state_change(tp, TCPS_CLOSED);
	tcp_event(tp, "closed", error);
	if (usr != NULL && usr->closed != NULL)
		usr->closed(tp->t_ctx, tp, error);
	g_ptr_array_remove(th->pcbs, tp);
	g_byte_array_free(tp->snd_buf, TRUE);
	g_list_free_full(tp->t_segq, g_free);
	g_free(tp);
}

void
tcp_drop(struct tcpcb *tp, int error)
{
	struct tcp_host *th = tcp_host_get(tp->h);

	if (TCPS_HAVERCVDSYN(tp->t_state)) {
		/* tcp_drop(): RST (tcp_outflags[CLOSED]), tcps_drops. */
		tcp_respond(tp->h, tp->laddr, tp->lport, tp->faddr, tp->fport,
		    tp->snd_max, tp->rcv_nxt, TH_RST | TH_ACK);
		th->stat.drops++;
	} else
		th->stat.conndrops++;
	tcp_close(tp, error);
}

void
tcp_respond(struct host *h, uint32_t laddr, uint16_t lport, uint32_t faddr,
    uint16_t fport, uint32_t seq, uint32_t ack, uint8_t flags)
{
	struct tcp_host *th = tcp_host_get(h);
	uint8_t seg[TCP_HDR_MIN_BYTES];

	memset(seg, 0, sizeof(seg));
	tcp_set_sport(seg, lport);
	tcp_set_dport(seg, fport);
	tcp_set_seq(seg, seq);
	tcp_set_ack(seg, (flags & TH_ACK) ? ack : 0);
	tcp_set_off_bytes(seg, TCP_HDR_MIN_BYTES);
	tcp_set_flags(seg, flags);
	tcp_set_win(seg, (flags & TH_RST) ? 0 :
	    TCP_RCVSPACE >> TCP_REQ_WSCALE);
	tcp_sum_fill(seg, TCP_HDR_MIN_BYTES, laddr, faddr);
	th->stat.sndtotal++;
	if (flags & TH_RST) {
		th->stat.sndctrl++;
		th->stat.sndrst++;
	} else
		th->stat.sndacks++;
	(void)ip_send(h, laddr, faddr, IPPROTO_TCP, IPDEFTTL, 0, false, seg,
	    TCP_HDR_MIN_BYTES);
}

/*
 * tcp_ctlinput() for ICMP_UNREACH_NEEDFRAG, as tcp_mtudisc(): the quoted
 * header names our connection; a smaller next-hop MTU lowers t_maxseg and
 * everything outstanding goes again at the new size.
 */
void
tcp_ctlinput(struct host *h, int type, int code, uint32_t mtu,
    const uint8_t *quoted, uint32_t qlen)
{
	struct tcpcb *tp;
	unsigned hl;
	uint32_t seq, mss;

	if (type != ICMP_UNREACH || qlen < IP_HDR_MIN_BYTES)
		return;
	hl = ip_get_hlen_bytes(quoted);
	if (qlen < hl + 8)
		return;
	tp = tcp_lookup(h, ip_get_src(quoted), tcp_get_sport(quoted + hl),
	    ip_get_dst(quoted), tcp_get_dport(quoted + hl));
	if (tp == NULL)
		return;
	seq = tcp_get_seq(quoted + hl);
	/* tcp_ctlinput() ignores a quote outside the send window. */
	if (SEQ_LT(seq, tp->snd_una) || SEQ_GT(seq, tp->snd_max))
		return;
	if (code != ICMP_UNREACH_NEEDFRAG) {
		/* Soft errors: FreeBSD records them and goes on. */
		return;
	}
	if (mtu == 0 || mtu <= IP_TCP_HDRLEN)
		return;
	mss = mtu - IP_TCP_HDRLEN;
	if (mss < TCP_MINMSS)
		mss = TCP_MINMSS;
	if (mss >= tp->t_maxseg)
		return;
	tp->t_maxseg = mss;
	if (tp->snd_cwnd > 0 && tp->snd_cwnd < mss)
		tp->snd_cwnd = mss;
	tcp_event(tp, "pmtu", 0);
	tcp_host_get(h)->stat.mturesent++;
	tp->snd_nxt = tp->snd_una;
	tp->t_rtttime = 0;
	(void)tcp_output(tp);
}

/* ---- socket calls ---- */

int
tcp_usr_listen(struct host *h, uint16_t lport,
    void (*accepted)(void *ctx, struct tcpcb *tp), void *ctx,
    void (*detach)(void *ctx), struct tcp_listen **out)
{
	struct tcp_host *th = tcp_host_get(h);
	struct tcp_listen *l;

	if (lport == 0 || tcp_lookup_listen(h, lport) != NULL)
		return (EADDRINUSE);
	l = g_new0(struct tcp_listen, 1);
	l->h = h;
	l->lport = lport;
	l->accepted = accepted;
	l->ctx = ctx;
	l->detach = detach;
	g_ptr_array_add(th->listens, l);
	if (out != NULL)
		*out = l;
	return (0);
}

static bool
tcp_port_busy(struct host *h, uint16_t port)
{
	struct tcp_host *th = tcp_host_get(h);
	guint i;

	if (tcp_lookup_listen(h, port) != NULL)
		return (true);
	for (i = 0; i < th->pcbs->len; i++)
		if (((struct tcpcb *)g_ptr_array_index(th->pcbs, i))->lport ==
		    port)
			return (true);
	return (false);
}

void
tcp_set_usrreqs(struct tcpcb *tp, const struct tcp_usrreqs *usr, void *ctx)
{

	tp->t_usr = usr;
	tp->t_ctx = ctx;
}

int
tcp_usr_connect(struct host *h, uint32_t faddr, uint16_t fport,
    const struct tcp_usrreqs *usr, void *ctx, struct tcpcb **out)
{
	struct tcp_host *th = tcp_host_get(h);
	struct tcpcb *tp;
	uint32_t laddr, port;
	int error;

	error = ip_select_src(h, faddr, &laddr);
	if (error != 0)
		return (error);
	/* Sequential ports, not randomized: runs must repeat exactly. */
	for (port = IPPORT_EPHEMERALFIRST; port <= IPPORT_EPHEMERALLAST;
	    port++)
		if (!tcp_port_busy(h, (uint16_t)port))
			break;
	if (port > IPPORT_EPHEMERALLAST)
		return (EADDRINUSE);
	tp = tcp_newtcpcb(h, laddr, (uint16_t)port, faddr, fport);
	tcp_set_usrreqs(tp, usr, ctx);
	th->stat.connattempt++;
	tp->iss = tcp_new_isn(h, tp);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->snd_recover = tp->iss;
	tp->sb_seq = tp->iss + 1;
	tcp_state_change(tp, TCPS_SYN_SENT);
	*out = tp;
	(void)tcp_output(tp);
	return (0);
}

int
tcp_usr_send(struct tcpcb *tp, const uint8_t *data, uint32_t len)
{

	if (tp->t_flags & TF_NEEDFIN)
		return (EPIPE);
	g_byte_array_append(tp->snd_buf, data, len);
	if (TCPS_HAVEESTABLISHED(tp->t_state))
		(void)tcp_output(tp);
	return (0);
}

void
tcp_usr_shutdown(struct tcpcb *tp)
{

	if (tp->t_flags & TF_NEEDFIN)
		return;
	tp->t_flags |= TF_NEEDFIN;
	tcp_usrclosed(tp);
	if (TCPS_HAVEESTABLISHED(tp->t_state))
		(void)tcp_output(tp);
}

/*
 * tcp_usrclosed(): after shutdown() the FIN goes in FIN_WAIT_1 or
 * LAST_ACK; before the handshake completes it waits for ESTABLISHED.
 */
void
tcp_usrclosed(struct tcpcb *tp)
{

	if (!(tp->t_flags & TF_NEEDFIN))
		return;
	if (tp->t_state == TCPS_ESTABLISHED)
		tcp_state_change(tp, TCPS_FIN_WAIT_1);
	else if (tp->t_state == TCPS_CLOSE_WAIT)
		tcp_state_change(tp, TCPS_LAST_ACK);
}

void
tcp_usr_abort(struct tcpcb *tp)
{

	tcp_drop(tp, ECONNABORTED);
}

uint32_t
tcp_sndbuf_len(const struct tcpcb *tp)
{

	return (tp->snd_buf->len);
}
