/*
 * tcp_output(), as FreeBSD's tcp_output.c: what the send state allows
 * (the window, cwnd, the MSS, Nagle, a pending FIN or ACK) goes out as
 * segments with the pseudo-header checksum and DF set (path MTU
 * discovery, net.inet.tcp.path_mtu_discovery=1).
 */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "net/host.h"
#include "netinet/ip_var.h"
#include "netinet/tcp_var.h"
#include "sim/sim_sched.h"
#include "wire/wire_ip.h"

#define	TCP_SEGBUF_BYTES	2048

/* tcp_outflags[]: the flags each state sends (tcp_fsm.h). */
static const uint8_t tcp_outflags[] = {
	[TCPS_CLOSED] = TH_RST | TH_ACK,
	[TCPS_LISTEN] = 0,
	[TCPS_SYN_SENT] = TH_SYN,
	[TCPS_SYN_RECEIVED] = TH_SYN | TH_ACK,
	[TCPS_ESTABLISHED] = TH_ACK,
	[TCPS_CLOSE_WAIT] = TH_ACK,
	[TCPS_FIN_WAIT_1] = TH_FIN | TH_ACK,
	[TCPS_CLOSING] = TH_FIN | TH_ACK,
	[TCPS_LAST_ACK] = TH_FIN | TH_ACK,
	[TCPS_FIN_WAIT_2] = TH_ACK,
	[TCPS_TIME_WAIT] = TH_ACK,
};

/* tcp_addoptions() for a SYN: MSS, then NOP and window scale. */
static unsigned
tcp_syn_options(const struct tcpcb *tp, uint8_t *opt)
{
	unsigned n = 0;

	opt[n++] = TCPOPT_MAXSEG;
	opt[n++] = TCPOLEN_MAXSEG;
	wire_put16(opt + n, (uint16_t)tcp_mss_for(tp->h, tp->faddr));
	n += 2;
	/* SYN_RECEIVED answers with a scale only when the SYN had one. */
	if (tp->t_state == TCPS_SYN_SENT || (tp->t_flags & TF_RCVD_SCALE)) {
		opt[n++] = TCPOPT_NOP;
		opt[n++] = TCPOPT_WINDOW;
		opt[n++] = TCPOLEN_WINDOW;
		opt[n++] = tp->rcv_scale;
	}
	return (n);
}

static int
tcp_send_segment(struct tcpcb *tp, uint8_t flags, uint32_t data_off,
    uint32_t len)
{
	struct tcp_host *th = tcp_host_get(tp->h);
	uint8_t segbuf[TCP_SEGBUF_BYTES], *seg = segbuf;
	unsigned optlen = 0, hlen;
	uint32_t win;
	bool rexmit = SEQ_LT(tp->snd_nxt, tp->snd_max);
	int error;

	/* A segment larger than an Ethernet one (lo0, jumbo MTUs) is built
	 * on the heap: tcp_output() may nest through a local delivery. */
	if (TCP_HDR_MIN_BYTES + TCP_MAXOLEN + len > sizeof(segbuf))
		seg = g_malloc(TCP_HDR_MIN_BYTES + TCP_MAXOLEN + len);
	if (flags & TH_SYN)
		optlen = tcp_syn_options(tp, seg + TCP_HDR_MIN_BYTES);
	hlen = TCP_HDR_MIN_BYTES + optlen;
	memset(seg, 0, TCP_HDR_MIN_BYTES);
	tcp_set_sport(seg, tp->lport);
	tcp_set_dport(seg, tp->fport);
	tcp_set_seq(seg, tp->snd_nxt);
	tcp_set_ack(seg, (flags & TH_ACK) ? tp->rcv_nxt : 0);
	tcp_set_off_bytes(seg, hlen);
	/* Push when the segment empties the buffer, as FreeBSD does. */
	if (len > 0 && data_off + len == tp->snd_buf->len)
		flags |= TH_PUSH;
	tcp_set_flags(seg, flags);
	/* The whole buffer is free: applications read at once.  A SYN's
	 * window is never scaled (RFC 7323). */
	if (flags & TH_SYN)
		win = TCP_MAXWIN;
	else {
		win = TCP_RCVSPACE >> tp->rcv_scale;
		if (win > TCP_MAXWIN)
			win = TCP_MAXWIN;
	}
	tcp_set_win(seg, (uint16_t)win);
	if (len > 0)
		memcpy(seg + hlen, tp->snd_buf->data + data_off, len);
	tcp_sum_fill(seg, (uint16_t)(hlen + len), tp->laddr, tp->faddr);

	th->stat.sndtotal++;
	if (len > 0) {
		if (rexmit) {
			th->stat.sndrexmitpack++;
			th->stat.sndrexmitbyte += len;
			(*tp->c_rexmit)++;
		} else {
			th->stat.sndpack++;
			th->stat.sndbyte += len;
		}
	} else if (flags & (TH_SYN | TH_FIN | TH_RST)) {
		th->stat.sndctrl++;
		if (rexmit)
			(*tp->c_rexmit)++;
	} else
		th->stat.sndacks++;

	/* Time one segment per round trip (Karn: never a retransmission). */
	if (!rexmit && tp->t_rtttime == 0 &&
	    (len > 0 || (flags & (TH_SYN | TH_FIN)))) {
		tp->t_rtttime = sim_now();
		tp->t_rtseq = tp->snd_nxt;
	}
	if (flags & TH_SYN)
		tp->snd_nxt++;
	tp->snd_nxt += len;
	if (flags & TH_FIN) {
		tp->snd_nxt++;
		tp->t_flags |= TF_SENTFIN;
	}
	if (SEQ_GT(tp->snd_nxt, tp->snd_max))
		tp->snd_max = tp->snd_nxt;
	if (tp->tt_rexmt == 0 && tp->snd_nxt != tp->snd_una)
		tcp_timer_rexmt_arm(tp);
	if (flags & TH_ACK) {
		tp->t_flags &= ~(TF_ACKNOW | TF_DELACK);
		tp->t_delack_segs = 0;
		if (tp->tt_delack != 0) {
			sim_cancel(tp->tt_delack);
			tp->tt_delack = 0;
		}
		tp->rcv_adv = tp->rcv_nxt + (win << tp->rcv_scale);
	}
	error = ip_send(tp->h, tp->laddr, tp->faddr, IPPROTO_TCP, IPDEFTTL,
	    0, true, seg, hlen + len);
	if (seg != segbuf)
		g_free(seg);
	return (error);
}

int
tcp_output(struct tcpcb *tp)
{
	uint32_t win, data_off, avail, usable, len, fin_seq;
	uint8_t flags;
	bool sendit;
	int error;

	for (;;) {
		flags = tcp_outflags[tp->t_state];
		if ((flags & TH_SYN) && tp->snd_nxt != tp->iss)
			flags &= (uint8_t)~TH_SYN;
		len = 0;
		data_off = 0;
		if (TCPS_HAVEESTABLISHED(tp->t_state) &&
		    SEQ_GEQ(tp->snd_nxt, tp->sb_seq)) {
			data_off = tp->snd_nxt - tp->sb_seq;
			avail = data_off < tp->snd_buf->len ?
			    tp->snd_buf->len - data_off : 0;
			win = MIN(tp->snd_wnd, tp->snd_cwnd);
			usable = SEQ_GT(tp->snd_una + win, tp->snd_nxt) ?
			    tp->snd_una + win - tp->snd_nxt : 0;
			len = MIN(avail, MIN(usable, tp->t_maxseg));
		}
		/* The FIN follows the last data byte, once. */
		fin_seq = tp->sb_seq + tp->snd_buf->len;
		if ((flags & TH_FIN) && tp->snd_nxt + len != fin_seq)
			flags &= (uint8_t)~TH_FIN;
		sendit = false;
		if (len > 0) {
			if (len == tp->t_maxseg ||
			    SEQ_LT(tp->snd_nxt, tp->snd_max) ||
			    (flags & TH_FIN))
				sendit = true;
			/* Nagle: a short last segment only when idle. */
			else if (data_off + len == tp->snd_buf->len &&
			    tp->snd_max == tp->snd_una)
				sendit = true;
		}
		if (flags & (TH_SYN | TH_FIN | TH_RST))
			sendit = true;
		if (tp->t_flags & TF_ACKNOW)
			sendit = true;
		if (!sendit)
			break;
		if (!(flags & TH_ACK) && !(flags & TH_SYN))
			break;
		error = tcp_send_segment(tp, flags, data_off, len);
		if (error == EMSGSIZE) {
			/* The local MTU shrank under us: as tcp_mtudisc(). */
			tp->t_maxseg = tcp_mss_for(tp->h, tp->faddr);
			return (error);
		}
		if (error != 0)
			return (error);
		if (len == 0 && !(flags & (TH_SYN | TH_FIN)))
			break;
	}
	return (0);
}
