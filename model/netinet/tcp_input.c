/*
 * tcp_input(), as FreeBSD's tcp_input.c (tcp_input(), tcp_do_segment(),
 * tcp_dooptions(), tcp_reass()): header and checksum checks, the
 * connection look-up, a SYN to a listening port, the RFC 9293 state
 * machine, ACK processing with RTT samples, NewReno fast retransmit and
 * fast recovery (RFC 6582), delayed ACK, in-order delivery with an
 * out-of-order queue, FIN handling and TIME_WAIT.
 */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "net/host.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "netinet/tcp_var.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/sim_sched.h"
#include "wire/wire_ip.h"

#define	TCPREXMTTHRESH	3	/* net.inet.tcp.rexmit_thresh */

/* A segment held out of order (tcp_reass()'s queue entry). */
struct tcp_qent {
	uint32_t	 seq;
	uint32_t	 len;
	bool		 fin;
	uint8_t		 data[];
};

/* What tcp_dooptions() found in a SYN. */
struct tcpopt {
	bool		 have_mss, have_ws;
	uint16_t	 mss;
	uint8_t		 ws;
};

static void
tcp_dooptions(const uint8_t *opt, unsigned len, struct tcpopt *to)
{
	unsigned i = 0, olen;

	memset(to, 0, sizeof(*to));
	while (i < len) {
		if (opt[i] == TCPOPT_EOL)
			break;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		olen = opt[i + 1];
		if (olen < 2 || olen > len - i)
			break;
		if (opt[i] == TCPOPT_MAXSEG && olen == TCPOLEN_MAXSEG) {
			to->have_mss = true;
			to->mss = wire_get16(opt + i + 2);
		} else if (opt[i] == TCPOPT_WINDOW && olen == TCPOLEN_WINDOW) {
			to->have_ws = true;
			to->ws = MIN(opt[i + 2], TCP_MAX_WINSHIFT);
		}
		i += olen;
	}
}

/* tcp_mss(): the smaller of ours (by route) and the peer's, >= minmss. */
static void
tcp_mss(struct tcpcb *tp, const struct tcpopt *to)
{
	uint32_t mss = tcp_mss_for(tp->h, tp->faddr);
	uint32_t peer = to->have_mss ? to->mss : TCP_MSS_DEFAULT;

	mss = MIN(mss, peer);
	tp->t_maxseg = MAX(mss, TCP_MINMSS);
}

/* The window scale of the handshake (RFC 7323): both ends or neither. */
static void
tcp_scale(struct tcpcb *tp, const struct tcpopt *to)
{

	if (to->have_ws) {
		tp->t_flags |= TF_RCVD_SCALE;
		tp->snd_scale = to->ws;
	} else {
		tp->snd_scale = 0;
		tp->rcv_scale = 0;
	}
}

/* RFC 6928's initial window, FreeBSD 14's tcp_compute_initwnd(). */
static void
tcp_initcwnd(struct tcpcb *tp)
{

	tp->snd_cwnd = MIN(10 * tp->t_maxseg, MAX(2 * tp->t_maxseg, 14600u));
}

static void
tcp_established(struct tcpcb *tp)
{
	struct tcp_host *th = tcp_host_get(tp->h);

	if (tp->t_flags & TF_PASSIVE)
		th->stat.accepts++;
	th->stat.connects++;
	*tp->c_estab = 1;
	tcp_state_change(tp, TCPS_ESTABLISHED);
	tcp_initcwnd(tp);
	tcp_event(tp, "established", 0);
	tcp_usrclosed(tp);
	if (tp->t_usr != NULL && tp->t_usr->connected != NULL)
		tp->t_usr->connected(tp->t_ctx, tp);
}

/* The reply to a segment nobody can take (tcp_dropwithreset()). */
static void
tcp_dropwithreset(struct host *h, uint32_t laddr, uint16_t lport,
    uint32_t faddr, uint16_t fport, uint8_t flags, uint32_t seq,
    uint32_t ack, uint32_t tlen)
{

	if (flags & TH_RST)
		return;
	if (flags & TH_ACK)
		tcp_respond(h, laddr, lport, faddr, fport, ack, 0, TH_RST);
	else {
		if (flags & TH_SYN)
			tlen++;
		if (flags & TH_FIN)
			tlen++;
		tcp_respond(h, laddr, lport, faddr, fport, 0, seq + tlen,
		    TH_RST | TH_ACK);
	}
}

/* The peer's FIN is in order: the receive side is done. */
static void
tcp_rcvd_fin(struct tcpcb *tp)
{

	tp->rcv_nxt++;
	tp->t_flags |= TF_ACKNOW;
	switch (tp->t_state) {
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
		tcp_state_change(tp, TCPS_CLOSE_WAIT);
		break;
	case TCPS_FIN_WAIT_1:
		tcp_state_change(tp, TCPS_CLOSING);
		break;
	case TCPS_FIN_WAIT_2:
		tcp_state_change(tp, TCPS_TIME_WAIT);
		tcp_timer_2msl_arm(tp);
		break;
	default:
		break;
	}
}

static void
tcp_deliver(struct tcpcb *tp, const uint8_t *data, uint32_t len)
{
	struct tcp_host *th = tcp_host_get(tp->h);

	tp->rcv_nxt += len;
	th->stat.rcvpack++;
	th->stat.rcvbyte += len;
	*tp->c_rcvbyte += len;
	if (tp->t_usr != NULL && tp->t_usr->rcvd != NULL)
		tp->t_usr->rcvd(tp->t_ctx, tp, data, len);
}

/*
 * tcp_reass(): queue a segment that is not next, or deliver the next one
 * and whatever the queue then holds in order.  Returns whether a FIN
 * became in order.
 */
static bool
tcp_reass(struct tcpcb *tp, uint32_t seq, const uint8_t *data, uint32_t len,
    bool fin)
{
	struct tcp_host *th = tcp_host_get(tp->h);
	struct tcp_qent *q;
	GList *l;
	bool gotfin = false;

	if (seq != tp->rcv_nxt) {
		th->stat.rcvoopack++;
		th->stat.rcvoobyte += len;
		q = g_malloc(sizeof(*q) + len);
		q->seq = seq;
		q->len = len;
		q->fin = fin;
		memcpy(q->data, data, len);
		for (l = tp->t_segq; l != NULL; l = l->next)
			if (SEQ_LT(seq, ((struct tcp_qent *)l->data)->seq))
				break;
		tp->t_segq = g_list_insert_before(tp->t_segq, l, q);
		tp->t_flags |= TF_ACKNOW;	/* a duplicate ACK now */
		return (false);
	}
	if (len > 0)
		tcp_deliver(tp, data, len);
	gotfin = fin;
	/* Pull what is now in order; drop what the new data covered. */
	while (!gotfin && tp->t_segq != NULL) {
		uint32_t skip;

		q = tp->t_segq->data;
		if (SEQ_GT(q->seq, tp->rcv_nxt))
			break;
		tp->t_segq = g_list_delete_link(tp->t_segq, tp->t_segq);
		skip = tp->rcv_nxt - q->seq;
		if (skip < q->len)
			tcp_deliver(tp, q->data + skip, q->len - skip);
		if (skip <= q->len && q->fin)
			gotfin = true;
		g_free(q);
		tp->t_flags |= TF_ACKNOW;
	}
	return (gotfin);
}

/* NewReno's answer to the third duplicate ACK (RFC 6582 3.2 step 2). */
static void
tcp_fast_retransmit(struct tcpcb *tp, uint32_t ack)
{
	uint32_t onxt = tp->snd_nxt, win;

	win = MIN(tp->snd_wnd, tp->snd_cwnd);
	tp->snd_ssthresh = MAX(win / 2 / tp->t_maxseg, 2u) * tp->t_maxseg;
	tp->snd_recover = tp->snd_max;
	tp->t_flags |= TF_INRECOVERY;
	tcp_timer_rexmt_stop(tp);
	tp->t_rtttime = 0;
	tp->snd_nxt = ack;
	tp->snd_cwnd = tp->t_maxseg;
	tcp_host_get(tp->h)->stat.fastrexmit++;
	(void)tcp_output(tp);
	tp->snd_cwnd = tp->snd_ssthresh + tp->t_maxseg * tp->t_dupacks;
	if (SEQ_GT(onxt, tp->snd_nxt))
		tp->snd_nxt = onxt;
}

/* tcp_newreno_partial_ack(): the next hole goes at once. */
static void
tcp_partial_ack(struct tcpcb *tp, uint32_t acked)
{
	uint32_t onxt = tp->snd_nxt, ocwnd = tp->snd_cwnd;

	tcp_timer_rexmt_stop(tp);
	tp->t_rtttime = 0;
	tp->snd_nxt = tp->snd_una;
	tp->snd_cwnd = tp->t_maxseg;
	(void)tcp_output(tp);
	if (SEQ_GT(onxt, tp->snd_nxt))
		tp->snd_nxt = onxt;
	tp->snd_cwnd = ocwnd > acked ? ocwnd - acked : 0;
	tp->snd_cwnd += tp->t_maxseg;
}

/* cwnd growth on a new ACK outside recovery (RFC 5681, RFC 3465). */
static void
tcp_ack_received(struct tcpcb *tp, uint32_t acked)
{

	if (tp->snd_cwnd <= tp->snd_ssthresh)
		tp->snd_cwnd += MIN(acked, 2 * tp->t_maxseg);
	else {
		tp->t_bytes_acked += acked;
		if (tp->t_bytes_acked >= tp->snd_cwnd) {
			tp->t_bytes_acked -= tp->snd_cwnd;
			tp->snd_cwnd += tp->t_maxseg;
		}
	}
	tp->snd_cwnd = MIN(tp->snd_cwnd, TCP_MAXWIN << TCP_MAX_WINSHIFT);
}

/*
 * The ACK of a segment in a synchronized state.  Returns false when the
 * connection went (LAST_ACK done) or the segment ends here.
 */
static bool
tcp_do_ack(struct tcpcb *tp, uint32_t ack, uint32_t tiwin, uint32_t seq,
    uint32_t dlen, uint8_t flags)
{
	struct tcp_host *th = tcp_host_get(tp->h);
	uint32_t acked, sb_acked, fin_seq;
	bool finacked;

	if (SEQ_LEQ(ack, tp->snd_una)) {
		if (dlen == 0 && tiwin == tp->snd_wnd &&
		    tp->snd_max != tp->snd_una && ack == tp->snd_una &&
		    !(flags & (TH_FIN | TH_SYN))) {
			th->stat.rcvdupack++;
			tp->t_dupacks++;
			if (tp->t_flags & TF_INRECOVERY) {
				tp->snd_cwnd += tp->t_maxseg;
				(void)tcp_output(tp);
			} else if (tp->t_dupacks == TCPREXMTTHRESH &&
			    SEQ_GT(ack, tp->snd_recover))
				tcp_fast_retransmit(tp, ack);
			else if (tp->t_dupacks == TCPREXMTTHRESH) {
				/* RFC 6582 4.1: no new recovery yet. */
			}
			return (false);
		}
		if (ack != tp->snd_una || dlen > 0)
			tp->t_dupacks = 0;
		return (true);
	}
	if (SEQ_GT(ack, tp->snd_max)) {
		/* tcps_rcvacktoomuch: ACK it, take nothing. */
		tp->t_flags |= TF_ACKNOW;
		return (false);
	}
	acked = ack - tp->snd_una;
	th->stat.rcvackpack++;
	th->stat.rcvackbyte += acked;
	if (tp->t_rtttime != 0 && SEQ_GT(ack, tp->t_rtseq)) {
		tcp_xmit_timer(tp, sim_now() - tp->t_rtttime);
		tp->t_rtttime = 0;
	}
	/* The send buffer: data bytes acked (not the SYN or the FIN). */
	fin_seq = tp->sb_seq + tp->snd_buf->len;
	sb_acked = 0;
	if (SEQ_GT(ack, tp->sb_seq))
		sb_acked = (SEQ_GT(ack, fin_seq) ? fin_seq : ack) -
		    tp->sb_seq;
	finacked = (tp->t_flags & TF_SENTFIN) && SEQ_GT(ack, fin_seq);
	if (sb_acked > 0) {
		g_byte_array_remove_range(tp->snd_buf, 0, sb_acked);
		tp->sb_seq += sb_acked;
		*tp->c_sndbyte += sb_acked;
	}
	tp->snd_una = ack;
	if (SEQ_LT(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	if (tp->snd_una == tp->snd_max)
		tcp_timer_rexmt_stop(tp);
	else
		tcp_timer_rexmt_arm(tp);
	if (tp->t_flags & TF_INRECOVERY) {
		if (SEQ_LT(ack, tp->snd_recover))
			tcp_partial_ack(tp, acked);
		else {
			/* Full ACK: deflate (RFC 6582 3.2 step 3). */
			tp->t_flags &= ~TF_INRECOVERY;
			tp->snd_cwnd = MIN(tp->snd_ssthresh,
			    tp->snd_max - tp->snd_una + tp->t_maxseg);
			tp->t_dupacks = 0;
		}
	} else {
		tp->t_dupacks = 0;
		tcp_ack_received(tp, acked);
	}
	/* Window update (RFC 9293 3.10.7.4). */
	if (SEQ_LT(tp->snd_wl1, seq) || (tp->snd_wl1 == seq &&
	    SEQ_LEQ(tp->snd_wl2, ack))) {
		tp->snd_wnd = tiwin;
		tp->snd_wl1 = seq;
		tp->snd_wl2 = ack;
	}
	if (sb_acked > 0 && tp->t_usr != NULL && tp->t_usr->sowakeup != NULL)
		tp->t_usr->sowakeup(tp->t_ctx, tp);
	if (!finacked)
		return (true);
	switch (tp->t_state) {
	case TCPS_FIN_WAIT_1:
		tcp_state_change(tp, TCPS_FIN_WAIT_2);
		break;
	case TCPS_CLOSING:
		tcp_state_change(tp, TCPS_TIME_WAIT);
		tcp_timer_2msl_arm(tp);
		return (false);
	case TCPS_LAST_ACK:
		tcp_close(tp, 0);
		return (false);
	default:
		break;
	}
	return (true);
}

/*
 * A SYN to a listening port: a new connection in SYN_RECEIVED, whose
 * local end is the segment's destination (laddr, lport), as the syncache
 * takes it: the listener's own port but for a segment ipfw `fwd` sent to
 * another port.
 */
static void
tcp_syn_listen(struct host *h, struct tcp_listen *l, uint32_t laddr,
    uint16_t lport, uint32_t faddr, uint16_t fport, uint32_t seq,
    uint32_t win, const struct tcpopt *to)
{
	struct tcpcb *tp;

	tp = tcp_newtcpcb(h, laddr, lport, faddr, fport);
	tp->t_flags |= TF_PASSIVE;
	tp->irs = seq;
	tp->rcv_nxt = seq + 1;
	tp->iss = tcp_new_isn(h, tp);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->snd_recover = tp->iss;
	tp->sb_seq = tp->iss + 1;
	tcp_scale(tp, to);
	tp->snd_wnd = win;		/* a SYN's window is not scaled */
	tp->snd_wl1 = seq;
	tcp_mss(tp, to);
	tcp_state_change(tp, TCPS_SYN_RECEIVED);
	if (l->accepted != NULL)
		l->accepted(l->ctx, tp);
	(void)tcp_output(tp);
}

/* SYN_SENT: the answer to our SYN. */
static void
tcp_syn_sent(struct tcpcb *tp, uint8_t flags, uint32_t seq, uint32_t ack,
    uint32_t win, const struct tcpopt *to)
{

	if ((flags & TH_ACK) && (SEQ_LEQ(ack, tp->iss) ||
	    SEQ_GT(ack, tp->snd_max))) {
		tcp_dropwithreset(tp->h, tp->laddr, tp->lport, tp->faddr,
		    tp->fport, flags, seq, ack, 0);
		return;
	}
	if (flags & TH_RST) {
		if (flags & TH_ACK)
			tcp_drop(tp, ECONNREFUSED);
		return;
	}
	if (!(flags & TH_SYN) || !(flags & TH_ACK))
		return;	/* simultaneous open is not modelled */
	tp->irs = seq;
	tp->rcv_nxt = seq + 1;
	tcp_scale(tp, to);
	tcp_mss(tp, to);
	tp->snd_wnd = win;
	tp->snd_wl1 = seq;
	tp->snd_wl2 = ack;
	tp->snd_una = ack;
	if (SEQ_LT(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	tcp_timer_rexmt_stop(tp);
	if (tp->t_rtttime != 0) {
		tcp_xmit_timer(tp, sim_now() - tp->t_rtttime);
		tp->t_rtttime = 0;
	}
	tp->t_flags |= TF_ACKNOW;
	tcp_established(tp);
	(void)tcp_output(tp);
}

/*
 * TIME_WAIT, as tcp_twcheck(): a RST is ignored (RFC 1337), a new SYN
 * above rcv_nxt ends TIME_WAIT and is taken as a new connection (returns
 * true), a segment without ACK is dropped, a retransmitted FIN restarts
 * 2*MSL, and anything but a duplicate pure ACK is acknowledged.
 */
static bool
tcp_twcheck(struct tcpcb *tp, uint8_t flags, uint32_t seq, uint32_t ack,
    uint32_t tlen)
{

	if (flags & TH_RST)
		return (false);
	if ((flags & TH_SYN) && SEQ_GT(seq, tp->rcv_nxt)) {
		tcp_close(tp, 0);
		return (true);
	}
	if (!(flags & TH_ACK))
		return (false);
	if ((flags & TH_FIN) &&
	    seq + tlen + ((flags & TH_SYN) ? 1 : 0) + 1 == tp->rcv_nxt)
		tcp_timer_2msl_arm(tp);
	if (flags != TH_ACK || tlen != 0 || seq != tp->rcv_nxt ||
	    ack != tp->snd_nxt)
		tcp_respond(tp->h, tp->laddr, tp->lport, tp->faddr, tp->fport,
		    tp->snd_nxt, tp->rcv_nxt, TH_ACK);
	return (false);
}

void
tcp_input(struct host *h, struct pkt *m)
{
	struct tcp_host *th = tcp_host_get(h);
	const uint8_t *p = m->data, *t, *data;
	unsigned hl = ip_get_hlen_bytes(p), off;
	uint32_t tlen, src, dst, seq, ack, win, dlen, todrop;
	uint16_t sport, dport;
	uint8_t flags;
	struct tcpopt to;
	struct tcpcb *tp;
	struct tcp_listen *l;

	th->stat.rcvtotal++;
	tlen = ip_get_len_bytes(p) - hl;
	t = p + hl;
	switch (tcp_check_len(t, tlen)) {
	case TCP_CHECK_OK:
		break;
	case TCP_CHECK_TOOSHORT:
		ip_drop(h, m, DROP_TCP_TOOSHORT, m->rcvif, 0);
		return;
	case TCP_CHECK_BADOFF:
		ip_drop(h, m, DROP_TCP_BADOFF, m->rcvif, 0);
		return;
	}
	off = tcp_get_off_bytes(t);
	src = ip_get_src(p);
	dst = ip_get_dst(p);
	if (!tcp_sum_ok(t, (uint16_t)tlen, src, dst)) {
		ip_drop(h, m, DROP_TCP_BADSUM, m->rcvif, 0);
		return;
	}
	if (in_broadcast(h, dst) || (dst & 0xf0000000u) == 0xe0000000u) {
		ip_drop(h, m, DROP_TCP_BROADCAST, m->rcvif, 0);
		return;
	}
	sport = tcp_get_sport(t);
	dport = tcp_get_dport(t);
	seq = tcp_get_seq(t);
	ack = tcp_get_ack(t);
	flags = tcp_get_flags(t);
	win = tcp_get_win(t);
	data = t + off;
	dlen = tlen - off;
	memset(&to, 0, sizeof(to));
	if (flags & TH_SYN)
		tcp_dooptions(t + TCP_HDR_MIN_BYTES, off - TCP_HDR_MIN_BYTES,
		    &to);

	tp = tcp_lookup(h, dst, dport, src, sport);
	if (tp != NULL && tp->t_state == TCPS_TIME_WAIT) {
		if (!tcp_twcheck(tp, flags, seq, ack, dlen)) {
			ip_consumed(m);
			return;
		}
		tp = NULL;	/* closed: the SYN starts a new connection */
	}
	if (tp == NULL) {
		/*
		 * "Transparently forwarded. Pretend to be the destination":
		 * a segment ipfw `fwd A,PORT` delivered here looks for the
		 * listener on PORT when no connection has its own address
		 * and port (tcp_input()'s PACKET_TAG_IPFORWARD look-up).
		 */
		l = tcp_lookup_listen(h, (m->flags & PKT_F_IP_NEXTHOP) != 0 &&
		    m->fwd_port != 0 ? m->fwd_port : dport);
		if (l != NULL && (flags & (TH_SYN | TH_ACK | TH_RST)) ==
		    TH_SYN) {
			tcp_syn_listen(h, l, dst, dport, src, sport, seq, win,
			    &to);
			ip_consumed(m);
			return;
		}
		/* No connection: RST (tcp_dropwithreset()). */
		tcp_dropwithreset(h, dst, dport, src, sport, flags, seq, ack,
		    dlen);
		ip_drop(h, m, l != NULL ? DROP_TCP_LISTEN_NOSYN :
		    DROP_TCP_NOPORT, m->rcvif, 0);
		return;
	}
	if (tp->t_state == TCPS_SYN_SENT) {
		tcp_syn_sent(tp, flags, seq, ack, win, &to);
		ip_consumed(m);
		return;
	}
	/* Scaled from here on (RFC 7323 2.3); never a SYN's. */
	if (!(flags & TH_SYN))
		win <<= tp->snd_scale;

	/* RST: acceptable when in the window (RFC 9293 3.10.7.4). */
	if (flags & TH_RST) {
		if (SEQ_GEQ(seq, tp->rcv_nxt) &&
		    SEQ_LT(seq, tp->rcv_nxt + TCP_RCVSPACE)) {
			enum tcp_state s = tp->t_state;

			tcp_event(tp, "reset", 0);
			if (s == TCPS_CLOSING || s == TCPS_LAST_ACK)
				tcp_close(tp, 0);
			else {
				th->stat.drops++;
				tcp_close(tp, s == TCPS_SYN_RECEIVED ?
				    ECONNREFUSED : ECONNRESET);
			}
		}
		ip_consumed(m);
		return;
	}
	if (flags & TH_SYN) {
		/* Our SYN-ACK was lost: the same SYN again gets it again. */
		if (tp->t_state == TCPS_SYN_RECEIVED && seq == tp->irs) {
			tp->snd_nxt = tp->iss;
			(void)tcp_output(tp);
		} else {
			/* RFC 5961 4.2: a challenge ACK. */
			tp->t_flags |= TF_ACKNOW;
			(void)tcp_output(tp);
		}
		ip_consumed(m);
		return;
	}

	/* Trim what was already received (tcps_rcvduppack/partduppack). */
	if (SEQ_LT(seq, tp->rcv_nxt)) {
		todrop = tp->rcv_nxt - seq;
		if (todrop > dlen || (todrop == dlen && !(flags & TH_FIN))) {
			if (dlen > 0 || (flags & TH_FIN)) {
				th->stat.rcvduppack++;
				th->stat.rcvdupbyte += dlen;
				tp->t_flags |= TF_ACKNOW;
			}
			flags &= (uint8_t)~TH_FIN;
			seq = tp->rcv_nxt;
			dlen = 0;
		} else {
			th->stat.rcvpartduppack++;
			th->stat.rcvdupbyte += todrop;
			seq += todrop;
			data += todrop;
			dlen -= todrop;
		}
	}
	if (dlen > 0 && SEQ_GT(seq + dlen, tp->rcv_nxt + TCP_RCVSPACE)) {
		todrop = seq + dlen - (tp->rcv_nxt + TCP_RCVSPACE);
		dlen = todrop >= dlen ? 0 : dlen - todrop;
		flags &= (uint8_t)~TH_FIN;
		tp->t_flags |= TF_ACKNOW;
	}
	if (!(flags & TH_ACK)) {
		ip_consumed(m);
		return;
	}
	if (tp->t_state == TCPS_SYN_RECEIVED) {
		if (SEQ_LEQ(ack, tp->snd_una) || SEQ_GT(ack, tp->snd_max)) {
			tcp_dropwithreset(h, dst, dport, src, sport, flags,
			    seq, ack, dlen);
			ip_consumed(m);
			return;
		}
		tp->snd_wnd = win;
		tp->snd_wl1 = seq;
		tp->snd_wl2 = ack;
		tcp_established(tp);
	}
	if (!tcp_do_ack(tp, ack, win, seq, dlen, flags)) {
		/* Gone, or a pure duplicate ACK: output was handled. */
		if (tcp_lookup(h, dst, dport, src, sport) == tp &&
		    (tp->t_flags & TF_ACKNOW))
			(void)tcp_output(tp);
		ip_consumed(m);
		return;
	}

	/* Data and FIN, in the states that still receive. */
	if ((dlen > 0 || (flags & TH_FIN)) &&
	    !TCPS_HAVERCVDFIN(tp->t_state)) {
		bool inorder = seq == tp->rcv_nxt && tp->t_segq == NULL;
		bool gotfin;

		gotfin = tcp_reass(tp, seq, data, dlen,
		    (flags & TH_FIN) != 0);
		if (inorder && dlen > 0) {
			/* Delayed ACK: every second full segment at once. */
			if (tp->t_flags & TF_DELACK)
				tp->t_flags |= TF_ACKNOW;
			else {
				tp->t_flags |= TF_DELACK;
				tcp_timer_delack_arm(tp);
			}
		}
		if (gotfin) {
			tcp_rcvd_fin(tp);
			if (tp->t_usr != NULL && tp->t_usr->peer_fin != NULL)
				tp->t_usr->peer_fin(tp->t_ctx, tp);
		}
	}
	(void)tcp_output(tp);
	ip_consumed(m);
}
