/*
 * TCP's timers, as FreeBSD's tcp_timer.c: retransmission (RFC 6298, with
 * exponential backoff, go-back-N and the congestion response), delayed
 * ACK, and 2*MSL in TIME_WAIT.  Each is one scheduled event per
 * connection; the id is kept to cancel it.
 */
#include <errno.h>

#include <glib.h>

#include "net/host.h"
#include "netinet/tcp_var.h"
#include "sim/sim_sched.h"

/*
 * RFC 6298 (2.3): SRTT + max(G, 4 * RTTVAR), doubled per backoff step,
 * then TCPT_RANGESET(): plus net.inet.tcp.rexmit_slop (200 ms), within
 * [rexmit_min, 64 s].  Before any sample, tcp_rexmit_initial (1 s).
 */
static void
tcp_set_rxtcur(struct tcpcb *tp)
{
	uint64_t rto;
	unsigned i;

	if (tp->t_srtt_ns == 0)
		rto = TCPTV_RTOBASE_NS;
	else
		rto = tp->t_srtt_ns + MAX(4 * tp->t_rttvar_ns, SIM_NS_PER_MS);
	for (i = 0; i < tp->t_rxtshift && rto < TCPTV_REXMTMAX_NS; i++)
		rto *= 2;
	if (tp->t_srtt_ns != 0)
		rto += TCPTV_SLOP_NS;
	tp->t_rxtcur_ns = MIN(MAX(rto, TCPTV_MIN_NS), TCPTV_REXMTMAX_NS);
}

/* tcp_xmit_timer(): a round-trip sample (RFC 6298 2.2, 2.3). */
void
tcp_xmit_timer(struct tcpcb *tp, uint64_t rtt)
{
	uint64_t d;

	if (rtt == 0)
		rtt = 1;
	if (tp->t_srtt_ns == 0) {
		tp->t_srtt_ns = rtt;
		tp->t_rttvar_ns = rtt / 2;
	} else {
		d = rtt > tp->t_srtt_ns ? rtt - tp->t_srtt_ns :
		    tp->t_srtt_ns - rtt;
		tp->t_rttvar_ns = (3 * tp->t_rttvar_ns + d) / 4;
		tp->t_srtt_ns = (7 * tp->t_srtt_ns + rtt) / 8;
	}
	tp->t_rxtshift = 0;
	tcp_set_rxtcur(tp);
}

static void
tcp_timer_rexmt(void *arg)
{
	struct tcpcb *tp = arg;
	struct tcp_host *th = tcp_host_get(tp->h);
	uint32_t flight;

	tp->tt_rexmt = 0;
	if (++tp->t_rxtshift > (TCPS_HAVEESTABLISHED(tp->t_state) ?
	    TCP_MAXRXTSHIFT : TCP_SYN_MAXRXTSHIFT)) {
		th->stat.timeoutdrop++;
		tcp_drop(tp, ETIMEDOUT);
		return;
	}
	th->stat.rexmttimeo++;
	tcp_set_rxtcur(tp);
	/* The loss response (RFC 5681 3.1, eq. 4): one segment, go back. */
	flight = tp->snd_max - tp->snd_una;
	tp->snd_ssthresh = MAX(flight / 2, 2 * tp->t_maxseg);
	tp->snd_cwnd = tp->t_maxseg;
	tp->snd_recover = tp->snd_max;
	tp->t_flags &= ~TF_INRECOVERY;
	tp->t_dupacks = 0;
	tp->t_bytes_acked = 0;
	tp->t_rtttime = 0;
	tp->snd_nxt = tp->snd_una;
	tcp_event(tp, "rexmt-timeout", 0);
	(void)tcp_output(tp);
	if (tp->tt_rexmt == 0 && tp->snd_max != tp->snd_una)
		tcp_timer_rexmt_arm(tp);
}

void
tcp_timer_rexmt_arm(struct tcpcb *tp)
{

	tcp_timer_rexmt_stop(tp);
	tp->tt_rexmt = sim_schedule(tp->t_rxtcur_ns, tcp_timer_rexmt, tp);
}

void
tcp_timer_rexmt_stop(struct tcpcb *tp)
{

	if (tp->tt_rexmt != 0)
		sim_cancel(tp->tt_rexmt);
	tp->tt_rexmt = 0;
}

static void
tcp_timer_delack(void *arg)
{
	struct tcpcb *tp = arg;

	tp->tt_delack = 0;
	tcp_host_get(tp->h)->stat.delack++;
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
}

void
tcp_timer_delack_arm(struct tcpcb *tp)
{

	if (tp->tt_delack == 0)
		tp->tt_delack = sim_schedule(TCPTV_DELACK_NS,
		    tcp_timer_delack, tp);
}

static void
tcp_timer_2msl(void *arg)
{
	struct tcpcb *tp = arg;

	tp->tt_2msl = 0;
	tcp_close(tp, 0);
}

/* tcp_twstart(): TIME_WAIT keeps only the 2*MSL timer. */
void
tcp_timer_2msl_arm(struct tcpcb *tp)
{

	tcp_timers_stop(tp);
	tp->tt_2msl = sim_schedule(2 * TCPTV_MSL_NS, tcp_timer_2msl, tp);
}

void
tcp_timers_stop(struct tcpcb *tp)
{

	tcp_timer_rexmt_stop(tp);
	if (tp->tt_delack != 0)
		sim_cancel(tp->tt_delack);
	if (tp->tt_2msl != 0)
		sim_cancel(tp->tt_2msl);
	tp->tt_delack = tp->tt_2msl = 0;
}
