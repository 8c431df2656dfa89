/*
 * UDP traffic: `listen udp PORT [echo]` (a socket that reads, and with
 * echo writes each datagram back to its sender) and `send udp` (a socket
 * that sends count datagrams on a timer and reads what comes back).
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "apps/app_traffic.h"
#include "net/host.h"
#include "netinet/ip_var.h"
#include "netinet/udp_var.h"
#include "sim/sim_sched.h"

struct udp_listen_app {
	bool		 echo;
};

struct udp_send_app {
	struct host	*h;
	struct udp_pcb	*pcb;
	uint32_t	 dst;
	uint16_t	 dport;
	uint32_t	 count;		/* 0: forever */
	uint32_t	 nsent;
	uint64_t	 interval_ns;
	uint32_t	 size;
	bool		 df;
	uint8_t		 ttl;
	uint64_t	 timer;		/* pending send event, 0 if none */
	uint8_t		*payload;
};

static void
udp_listen_input(void *ctx, struct udp_pcb *pcb, uint32_t src,
    uint16_t sport, uint32_t dst, const uint8_t *data, uint32_t len)
{
	struct udp_listen_app *la = ctx;

	(void)dst;
	/* An echo server: recvfrom() then sendto() the sender. */
	if (la->echo)
		(void)udp_output(pcb, src, sport, data, len, IPDEFTTL, false);
}

static void
udp_listen_detach(void *ctx)
{

	g_free(ctx);
}

int
app_udp_listen(struct host *h, uint16_t port, bool echo)
{
	struct udp_listen_app *la;
	struct udp_pcb *pcb;
	int error;

	la = g_new0(struct udp_listen_app, 1);
	la->echo = echo;
	error = udp_pcb_bind(h, port, udp_listen_input, la, udp_listen_detach,
	    &pcb);
	if (error != 0)
		g_free(la);
	return (error);
}

static void
udp_send_tick(void *arg)
{
	struct udp_send_app *sa = arg;

	sa->timer = 0;
	sa->nsent++;
	(void)udp_output(sa->pcb, sa->dst, sa->dport, sa->payload, sa->size,
	    sa->ttl, sa->df);
	if (sa->count == 0 || sa->nsent < sa->count)
		sa->timer = sim_schedule(sa->interval_ns, udp_send_tick, sa);
}

/* Replies are counted by udp_input() (HOST.udp.received) and dropped. */
static void
udp_send_input(void *ctx, struct udp_pcb *pcb, uint32_t src, uint16_t sport,
    uint32_t dst, const uint8_t *data, uint32_t len)
{

	(void)ctx;
	(void)pcb;
	(void)src;
	(void)sport;
	(void)dst;
	(void)data;
	(void)len;
}

static void
udp_send_detach(void *ctx)
{
	struct udp_send_app *sa = ctx;

	if (sa->timer != 0)
		sim_cancel(sa->timer);
	g_free(sa->payload);
	g_free(sa);
}

int
app_udp_send_start(struct host *h, uint32_t dst, uint16_t dport,
    uint16_t sport, uint32_t count, uint64_t interval_ns, uint32_t size,
    bool df, uint8_t ttl)
{
	struct udp_send_app *sa;
	uint32_t i;
	int error;

	if (size > APP_MAX_PAYLOAD)
		return (EMSGSIZE);
	if (interval_ns == 0 && count != 1)
		return (EINVAL);
	if (sport == 0) {
		sport = udp_ephemeral_port(h);
		if (sport == 0)
			return (EADDRINUSE);
	}
	sa = g_new0(struct udp_send_app, 1);
	sa->h = h;
	sa->dst = dst;
	sa->dport = dport;
	sa->count = count;
	sa->interval_ns = interval_ns;
	sa->size = size;
	sa->df = df;
	sa->ttl = ttl;
	sa->payload = g_malloc(size > 0 ? size : 1);
	for (i = 0; i < size; i++)
		sa->payload[i] = (uint8_t)i;
	error = udp_pcb_bind(h, sport, udp_send_input, sa, udp_send_detach,
	    &sa->pcb);
	if (error != 0) {
		g_free(sa->payload);
		g_free(sa);
		return (error);
	}
	sa->timer = sim_schedule(0, udp_send_tick, sa);
	return (0);
}
