/*
 * TCP traffic: `listen tcp PORT [echo|discard|sink] [-r]` (a server that
 * accepts every connection) and `connect tcp` (clients that write a
 * number of bytes and close).  Writers keep at most APP_TCP_SNDBUF bytes
 * in the send buffer and top it up as ACKs empty it, as a blocking
 * write() on a socket with SO_SNDBUF of that size does.  An abortive
 * close (RST, SO_LINGER 0) is made from a new event at the same time,
 * never from inside the connection's own upcall.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "apps/app_traffic.h"
#include "net/host.h"
#include "netinet/tcp_var.h"
#include "sim/sim_sched.h"

#define	APP_TCP_SNDBUF	65536u

struct tcp_server {
	enum app_tcp_mode mode;
	bool		 rst;
};

struct tcp_connect_app {
	struct host	*h;
	uint32_t	 dst;
	uint16_t	 dport;
	uint64_t	 bytes;
	uint32_t	 count, started;
	uint64_t	 interval_ns;
	bool		 rst;
	uint64_t	 timer;
};

/* One connection's application state (either side). */
struct tcp_conn_app {
	struct tcpcb	*tp;
	bool		 server, rst, echo, sink;
	uint64_t	 to_write;	/* bytes still to hand to send() */
	uint64_t	 written;
	uint64_t	 abort_ev;	/* pending abortive close, 0 if none */
	bool		 closing;
};

static void
conn_abort_ev(void *arg)
{
	struct tcp_conn_app *ca = arg;

	ca->abort_ev = 0;
	tcp_usr_abort(ca->tp);		/* closed() frees ca */
}

/* Close as the scenario asked: FIN now, or RST from a new event. */
static void
conn_close(struct tcp_conn_app *ca)
{

	if (ca->closing)
		return;
	ca->closing = true;
	if (ca->rst)
		ca->abort_ev = sim_schedule(0, conn_abort_ev, ca);
	else
		tcp_usr_shutdown(ca->tp);
}

/*
 * write(): top the send buffer up to APP_TCP_SNDBUF from the pattern, in
 * one send() so that tcp_output() sees the whole write at once.
 */
static void
conn_fill(struct tcp_conn_app *ca)
{
	uint32_t room, n, i;
	uint8_t *chunk;

	room = APP_TCP_SNDBUF - MIN(tcp_sndbuf_len(ca->tp), APP_TCP_SNDBUF);
	n = (uint32_t)MIN((uint64_t)room, ca->to_write);
	if (n == 0)
		return;
	chunk = g_malloc(n);
	for (i = 0; i < n; i++)
		chunk[i] = (uint8_t)(ca->written + i);
	(void)tcp_usr_send(ca->tp, chunk, n);
	g_free(chunk);
	ca->written += n;
	ca->to_write -= n;
}

/*
 * A client writes, then closes: the FIN can follow the buffered bytes,
 * the abortive close waits until every byte is acknowledged.
 */
static void
conn_pump(struct tcp_conn_app *ca)
{

	if (ca->server)
		return;
	conn_fill(ca);
	if (ca->to_write == 0 && (!ca->rst || tcp_sndbuf_len(ca->tp) == 0))
		conn_close(ca);
}

static void
conn_connected(void *ctx, struct tcpcb *tp)
{

	(void)tp;
	conn_pump(ctx);
}

static void
conn_rcvd(void *ctx, struct tcpcb *tp, const uint8_t *data, uint32_t len)
{
	struct tcp_conn_app *ca = ctx;

	if (ca->echo && !ca->closing)
		(void)tcp_usr_send(tp, data, len);
}

static void
conn_peer_fin(void *ctx, struct tcpcb *tp)
{
	struct tcp_conn_app *ca = ctx;

	(void)tp;
	if (ca->server && !ca->sink)
		conn_close(ca);
}

static void
conn_sowakeup(void *ctx, struct tcpcb *tp)
{

	(void)tp;
	conn_pump(ctx);
}

static void
conn_free(struct tcp_conn_app *ca)
{

	if (ca->abort_ev != 0)
		sim_cancel(ca->abort_ev);
	g_free(ca);
}

static void
conn_closed(void *ctx, struct tcpcb *tp, int error)
{

	(void)tp;
	(void)error;
	conn_free(ctx);
}

static void
conn_detach(void *ctx)
{

	conn_free(ctx);
}

static const struct tcp_usrreqs conn_usrreqs = {
	.connected = conn_connected,
	.rcvd = conn_rcvd,
	.peer_fin = conn_peer_fin,
	.sowakeup = conn_sowakeup,
	.closed = conn_closed,
	.detach = conn_detach,
};

static void
server_accepted(void *ctx, struct tcpcb *tp)
{
	struct tcp_server *sv = ctx;
	struct tcp_conn_app *ca;

	ca = g_new0(struct tcp_conn_app, 1);
	ca->tp = tp;
	ca->server = true;
	ca->rst = sv->rst;
	ca->echo = sv->mode == APP_TCP_ECHO;
	ca->sink = sv->mode == APP_TCP_SINK;
	tcp_set_usrreqs(tp, &conn_usrreqs, ca);
}

int
app_tcp_listen(struct host *h, uint16_t port, enum app_tcp_mode mode,
    bool rst)
{
	struct tcp_server *sv;
	int error;

	sv = g_new0(struct tcp_server, 1);
	sv->mode = mode;
	sv->rst = rst;
	error = tcp_usr_listen(h, port, server_accepted, sv, g_free, NULL);
	if (error != 0)
		g_free(sv);
	return (error);
}

static int
connect_one(struct tcp_connect_app *a)
{
	struct tcp_conn_app *ca;
	int error;

	ca = g_new0(struct tcp_conn_app, 1);
	ca->rst = a->rst;
	ca->to_write = a->bytes;
	a->started++;
	error = tcp_usr_connect(a->h, a->dst, a->dport, &conn_usrreqs, ca,
	    &ca->tp);
	if (error != 0)
		g_free(ca);
	return (error);
}

static void
connect_tick(void *arg)
{
	struct tcp_connect_app *a = arg;

	a->timer = 0;
	/* A later connect() that fails is counted by nobody else: the
	 * scenario sees it as a missing tcp.connattempt. */
	(void)connect_one(a);
	if (a->started < a->count)
		a->timer = sim_schedule(a->interval_ns, connect_tick, a);
}

static void
connect_app_free(void *arg)
{
	struct tcp_connect_app *a = arg;

	if (a->timer != 0)
		sim_cancel(a->timer);
	g_free(a);
}

int
app_tcp_connect_start(struct host *h, uint32_t dst, uint16_t dport,
    uint64_t bytes, uint32_t count, uint64_t interval_ns, bool rst)
{
	struct tcp_connect_app *a;
	int error;

	if (count == 0 || (interval_ns == 0 && count != 1))
		return (EINVAL);
	a = g_new0(struct tcp_connect_app, 1);
	a->h = h;
	a->dst = dst;
	a->dport = dport;
	a->bytes = bytes;
	a->count = count;
	a->interval_ns = interval_ns;
	a->rst = rst;
	error = connect_one(a);
	if (error != 0) {
		g_free(a);
		return (error);
	}
	if (a->started < a->count)
		a->timer = sim_schedule(a->interval_ns, connect_tick, a);
	host_sysuninit_add(h, connect_app_free, a);
	return (0);
}
