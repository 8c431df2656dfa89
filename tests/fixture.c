/*
 * The shared fixture of the stack suites (see fixture.h).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "check_util.h"
#include "divert_queue.h"
#include "fixture.h"
#include "ipfw/ipfw.h"
#include "ipfw_sim.h"
#include "ns3/ns3_shim.h"
#include "scenario/scn.h"
#include "scenario/scn_build.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_sched.h"

struct sim_ctx	 fx_sim;
GPtrArray	*fx_sent;
GPtrArray	*fx_sent_if;

/* A host of the bare world and the sockets its test leaves open. */
struct fx_host {
	struct host	*h;
	unsigned	 udp, ping;
};

static GArray	*fx_hosts;	/* struct fx_host */
static char	*fx_logbuf, *fx_jsonbuf;
static size_t	 fx_logsize, fx_jsonsize;
static FILE	*fx_logfp, *fx_jsonfp;
static uint64_t	 fx_live0;

/* ---- bare world -------------------------------------------------------- */

static void
fx_tap(void *ctx, struct ifnet *ifp, struct pkt *m)
{

	(void)ctx;
	g_ptr_array_add(fx_sent, m);
	g_ptr_array_add(fx_sent_if, ifp);
}

void
fx_init(void)
{

	fx_live0 = pkt_live_count();
	ns3_sim_init();
	memset(&fx_sim, 0, sizeof(fx_sim));
	fx_sim.counters = counters_new();
	fx_sim.seed = 1;
	fx_sim.loop_limit = 64;
	/* A live text log exercises every event builder. */
	fx_logfp = open_memstream(&fx_logbuf, &fx_logsize);
	fx_jsonfp = open_memstream(&fx_jsonbuf, &fx_jsonsize);
	ck_assert_ptr_nonnull(fx_logfp);
	ck_assert_ptr_nonnull(fx_jsonfp);
	fx_sim.log = ev_log_new(fx_logfp, fx_jsonfp, &fx_sim.events);
	fx_hosts = g_array_new(FALSE, TRUE, sizeof(struct fx_host));
	fx_sent = g_ptr_array_new_with_free_func((GDestroyNotify)pkt_free);
	fx_sent_if = g_ptr_array_new();
}

struct host *
fx_host(const char *name, int release, enum fx_fw fw)
{
	struct fx_host fh = { host_new(&fx_sim, name, release), 0, 0 };

	if (fw == FX_FW_OFF)
		fh.h->sysctl.fw_enable = false;
	if (fw == FX_FW_LOADED) {
		ck_assert_int_eq(ipfw_attach(fh.h), 0);
		divert_attach(fh.h);
	}
	g_array_append_val(fx_hosts, fh);
	return (fh.h);
}

void
fx_host_free(struct host *h)
{

	for (guint i = 0; i < fx_hosts->len; i++)
		if (g_array_index(fx_hosts, struct fx_host, i).h == h) {
			g_array_remove_index(fx_hosts, i);
			host_free(h);
			return;
		}
	ck_abort_msg("%s is not a fixture host", h->name);
}

void
fx_sockets_left(struct host *h, unsigned udp, unsigned ping)
{

	for (guint i = 0; i < fx_hosts->len; i++)
		if (g_array_index(fx_hosts, struct fx_host, i).h == h) {
			g_array_index(fx_hosts, struct fx_host, i).udp = udp;
			g_array_index(fx_hosts, struct fx_host, i).ping = ping;
			return;
		}
	ck_abort_msg("%s is not a fixture host", h->name);
}

struct ifnet *
fx_if(struct host *h, const char *name, uint32_t addr, uint8_t plen)
{
	struct ifnet *ifp = host_if_get_or_create(h, name);

	if (addr != 0)
		ck_assert(if_add_addr(ifp, addr, plen, false));
	if_set_output_tap(ifp, fx_tap, NULL);
	return (ifp);
}

void
fx_rule(struct host *h, const char *rule)
{
	gchar **argv = NULL;
	gchar *line = g_strdup_printf("-q add %s", rule);
	int argc = 0;
	GError *err = NULL;
	struct ipfw_cmd *cmd;

	ck_assert(g_shell_parse_argv(line, &argc, &argv, NULL));
	cmd = ipfw_cmd_parse(argc, argv, NULL, &err);
	ck_assert_msg(cmd != NULL, "%s: %s", rule,
	    err != NULL ? err->message : "?");
	ck_assert_msg(ipfw_cmd_exec(h->fw, cmd, NULL, &err), "%s: %s", rule,
	    err != NULL ? err->message : "?");
	ipfw_cmd_free(cmd);
	g_strfreev(argv);
	g_free(line);
}

void
fx_rules(struct host *h, const char *const rules[])
{

	for (unsigned i = 0; rules[i] != NULL; i++)
		fx_rule(h, rules[i]);
}

const uint8_t *
fx_sent_data(guint i)
{

	ck_assert_uint_lt(i, fx_sent->len);
	return (((struct pkt *)g_ptr_array_index(fx_sent, i))->data);
}

bool
fx_log_has(const char *needle)
{

	fflush(fx_logfp);
	return (fx_logbuf != NULL && strstr(fx_logbuf, needle) != NULL);
}

const char *
fx_jsonl(void)
{

	fflush(fx_jsonfp);
	return (fx_jsonbuf != NULL ? fx_jsonbuf : "");
}

static void
fx_noop(void *arg)
{

	(void)arg;
}

void
fx_run_to(uint64_t t_ns)
{

	/* An empty queue would leave the clock behind. */
	if (sim_now() < t_ns)
		(void)sim_schedule(t_ns - sim_now(), fx_noop, NULL);
	ns3_run_until(t_ns);
	ck_assert_uint_eq(sim_now(), t_ns);
}

void
fx_fini(void)
{
	guint i;

	for (i = 0; i < fx_hosts->len; i++) {
		struct fx_host *fh = &g_array_index(fx_hosts, struct fx_host, i);

		ck_assert_msg(divert_nsocks(fh->h) == 0,
		    "%s: a divert socket is still open", fh->h->name);
		ck_assert_msg(host_list_len(fh->h->udp_pcbs) == fh->udp,
		    "%s: %u UDP sockets open, %u expected", fh->h->name,
		    host_list_len(fh->h->udp_pcbs), fh->udp);
		ck_assert_msg(host_list_len(fh->h->ping_pcbs) == fh->ping,
		    "%s: %u ping sockets open, %u expected", fh->h->name,
		    host_list_len(fh->h->ping_pcbs), fh->ping);
	}
	/* Freeing a host cancels its timers: nothing may be left queued. */
	for (i = 0; i < fx_hosts->len; i++)
		host_free(g_array_index(fx_hosts, struct fx_host, i).h);
	g_array_free(fx_hosts, TRUE);
	fx_hosts = NULL;
	ck_assert_msg(!ns3_events_pending(), "an event is still pending");
	g_ptr_array_free(fx_sent, TRUE);
	g_ptr_array_free(fx_sent_if, TRUE);
	fx_sent = fx_sent_if = NULL;
	ck_assert_msg(pkt_live_count() == fx_live0,
	    "%llu packets outlived the test",
	    (unsigned long long)(pkt_live_count() - fx_live0));
	ns3_sim_destroy();
	ev_log_free(fx_sim.log);
	fclose(fx_logfp);
	fclose(fx_jsonfp);
	free(fx_logbuf);
	free(fx_jsonbuf);
	fx_logbuf = fx_jsonbuf = NULL;
	counters_free(fx_sim.counters);
	memset(&fx_sim, 0, sizeof(fx_sim));
}

/* ---- scenario world ---------------------------------------------------- */

static struct scenario	*fx_scn;
static struct world	*fx_world;
static FILE		*fx_out;

struct world *
fx_scn_build(const char *text)
{
	struct run_opts o;
	unsigned nerr = 0;
	bool verbose = getenv("FX_VERBOSE") != NULL;

	fx_live0 = pkt_live_count();
	fx_out = verbose ? stdout : fopen("/dev/null", "w");
	ck_assert_ptr_nonnull(fx_out);
	fx_scn = scn_parse_string("test.scn", text, stderr, &nerr);
	ck_assert_msg(fx_scn != NULL, "scenario does not parse:\n%s", text);
	memset(&o, 0, sizeof(o));
	o.out = fx_out;
	o.errout = stderr;
	o.quiet = !verbose;
	fx_world = scn_build(fx_scn, &o, &nerr);
	ck_assert_msg(fx_world != NULL, "scenario does not build:\n%s", text);
	return (fx_world);
}

unsigned
fx_scn_run(void)
{
	unsigned passed = 0, failed;

	failed = world_run(fx_world, &passed);
	/* Every scenario world checks packet conservation for free. */
	ck_assert_msg(world_conserved(fx_world),
	    "packet conservation does not hold (the audit is on stderr)");
	return (failed);
}

uint64_t
fx_scn_counter(const char *name)
{

	return (counters_get(world_counters(fx_world), name, NULL));
}

void
fx_scn_free(void)
{

	world_free(fx_world);
	scn_free(fx_scn);
	if (fx_out != stdout)
		fclose(fx_out);
	fx_world = NULL;
	fx_scn = NULL;
	fx_out = NULL;
	ck_assert_msg(pkt_live_count() == fx_live0,
	    "%llu packets outlived the world",
	    (unsigned long long)(pkt_live_count() - fx_live0));
}

/* ---- packets ----------------------------------------------------------- */

uint16_t
fx_cksum(uint32_t sum)
{

	return ((uint16_t)~ck_cksum_fold(sum));
}

bool
fx_cksum_ok(const uint8_t *p, size_t n)
{

	return (ck_cksum_fold(ck_cksum_add(0, p, n)) == 0xffff);
}

/* The UDP pseudo-header's sum: source, destination, zero, proto, length. */
static uint32_t
fx_udp_pseudo(const uint8_t *ip, uint16_t ulen)
{

	return (ck_cksum_add(0, ip + 12, 8) + IPPROTO_UDP + ulen);
}

bool
fx_udp_cksum_ok(const uint8_t *ip)
{
	const uint8_t *uh = ip + 20;
	uint16_t ulen = ck_get16(uh + 4);

	return (ck_cksum_fold(ck_cksum_add(fx_udp_pseudo(ip, ulen), uh,
	    ulen)) == 0xffff);
}

void
fx_cksum_fill(uint8_t *p, size_t n, size_t sum_off)
{

	ck_put16(p + sum_off, 0);
	ck_put16(p + sum_off, fx_cksum(ck_cksum_add(0, p, n)));
}

void
fx_udp_cksum_fill(uint8_t *ip)
{
	uint8_t *uh = ip + 20;
	uint16_t ulen = ck_get16(uh + 4);
	uint16_t s;

	ck_put16(uh + 6, 0);
	s = fx_cksum(ck_cksum_add(fx_udp_pseudo(ip, ulen), uh, ulen));
	/* RFC 768: a computed 0 is sent as all ones. */
	ck_put16(uh + 6, s == 0 ? 0xffff : s);
}

struct pkt *
fx_ip(struct ifnet *ifp, uint32_t src, uint32_t dst, uint8_t proto,
    uint8_t ttl, uint16_t off, const uint8_t *pl, uint32_t plen)
{
	struct pkt *m = pkt_alloc(20 + plen);
	uint8_t *p = m->data;

	memset(p, 0, 20);
	p[0] = 0x45;
	ck_put16(p + 2, (uint16_t)(20 + plen));
	ck_put16(p + 4, 0x1234);
	ck_put16(p + 6, off);
	p[8] = ttl;
	p[9] = proto;
	ck_put32(p + 12, src);
	ck_put32(p + 16, dst);
	fx_cksum_fill(p, 20, 10);
	if (plen > 0)
		memcpy(p + 20, pl, plen);
	m->rcvif = ifp;
	return (m);
}

uint32_t
fx_echo(uint8_t *buf, uint8_t type, uint16_t id, uint16_t seq,
    uint32_t datalen)
{
	uint32_t i;

	memset(buf, 0, 8);
	buf[0] = type;
	ck_put16(buf + 4, id);
	ck_put16(buf + 6, seq);
	for (i = 0; i < datalen; i++)
		buf[8 + i] = (uint8_t)(i * 7);
	fx_cksum_fill(buf, 8 + datalen, 2);
	return (8 + datalen);
}

uint32_t
fx_udp(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport,
    uint16_t dport, uint32_t datalen)
{
	uint32_t i, s;
	uint8_t ph[8];

	ck_put16(buf, sport);
	ck_put16(buf + 2, dport);
	ck_put16(buf + 4, (uint16_t)(8 + datalen));
	ck_put16(buf + 6, 0);
	for (i = 0; i < datalen; i++)
		buf[8 + i] = (uint8_t)(0xa0 + i);
	ck_put32(ph, src);
	ck_put32(ph + 4, dst);
	s = ck_cksum_add(0, ph, 8) + IPPROTO_UDP + 8 + datalen;
	s = ck_cksum_add(s, buf, 8 + datalen);
	ck_put16(buf + 6, fx_cksum(s));
	return (8 + datalen);
}

uint8_t
fx_pattern(uint32_t k)
{

	return ((uint8_t)(k * 7 + 3));
}

struct pkt *
fx_frag(struct ifnet *ifp, uint32_t src, uint32_t dst, uint8_t proto,
    uint16_t id, uint32_t off, uint32_t len, bool mf, int fill)
{
	struct pkt *m;
	uint8_t *p;

	ck_assert_msg(off % 8 == 0, "fragment offset %u is not a multiple "
	    "of 8", off);
	m = pkt_alloc(20 + len);
	p = m->data;
	memset(p, 0, 20);
	p[0] = 0x45;
	ck_put16(p + 2, (uint16_t)(20 + len));
	ck_put16(p + 4, id);
	ck_put16(p + 6, (uint16_t)((mf ? 0x2000 : 0) | off / 8));
	p[8] = 64;
	p[9] = proto;
	ck_put32(p + 12, src);
	ck_put32(p + 16, dst);
	fx_cksum_fill(p, 20, 10);
	for (uint32_t i = 0; i < len; i++)
		p[20 + i] = fill < 0 ? fx_pattern(off + i) : (uint8_t)fill;
	m->rcvif = ifp;
	return (m);
}
