/*
 * The hook between the IPv4 stack and ipfw, shaped like FreeBSD's
 * ip_fw_pfil.c: ipfw_attach() loads ipfw into a host and hooks it into the
 * host's pfil head; ipfw_check_packet(), run by pfil_run_hooks() at the IN
 * and OUT points, runs the engine and carries out its verdict;
 * ipfw_divert() hands packets to divert(4) through h->ip_divert_ptr.
 *
 * What it reproduces (divert(4), ipfw(8) and FreeBSD's ip_fw_pfil.c):
 * - A re-entry reference on the packet (a divert write-back's tag) is
 *   consumed by the first pass that sees it: the pass starts after the tag
 *   and the reference is gone for any later pass.
 * - divert consumes the packet.  A fragment, incoming or (forwarded)
 *   outgoing, is first reassembled (ip_reass); the fragment that completes
 *   the datagram decides the port and the tag, the whole datagram is
 *   diverted once with a fresh header checksum.  tee never reassembles:
 *   the copy goes as it is.
 * - After tee the original goes on: on release 6 at the first rule
 *   numbered above the tee (6.x ipfw_check_in/out() "goto again" with the
 *   tee's divert tag), on release 14 at the next slot (ipfw_check_packet()
 *   "goto again"); `diverted` no longer matches on either.
 * - On a kernel without IPDIVERT both divert and tee drop the packet.
 * - deny and reject drop it; on the OUT pass the error goes back to the
 *   caller of ip_output: EACCES on release 6, EPERM on release 14.
 * - reass reassembles a fragment inside the pass and continues after the
 *   rule with the whole datagram.
 * - fwd passes the packet with a next hop (PACKET_TAG_IPFORWARD and
 *   M_IP_NEXTHOP, as 14's ipfw_check_packet() and 6.x
 *   ipfw_check_in/out() tag it), and M_FASTFWD_OURS when the next hop is
 *   one of the host's addresses: ip_input() then delivers it here,
 *   ip_output() queues it back to ip_input(); any other next hop is where
 *   ip_output()/ip_forward() send it.
 * - nat translates the packet in place through ipfw_nat() (the libalias
 *   core natd shares) and, as 14's ipfw_check_packet() "honor one-pass in
 *   case of successful nat", passes it when net.inet.ip.fw.one_pass is 1
 *   and otherwise goes on at the next rule, not `diverted` (O_NAT clears
 *   args->rule.info).  IP_FW_DENY from ipfw_nat() drops it as deny does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_why.h"
#include "ipfw_sim.h"
#include "net/host.h"
#include "net/pfil.h"
#include "net/route.h"
#include "netinet/icmp_var.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "pkt/pkt.h"
#include "sim/sim_names.h"
#include "sim/sim_rng.h"
#include "sim/sim_sched.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"
#include "wire/wire_print.h"

struct pfil_ctx {
	struct host	*h;
	struct pkt	*m;
	const char	*ifname;
	int		 dir;
	struct ipfw_why	*why;		/* used when h->sim->why (--why) */
};

static bool
ipfw_is_me(const void *ctx, uint32_t addr)
{
	return (in_localip(ctx, addr));
}

/*
 * verify_path() (ip_fw2.c): the route to addr, if any, must leave by
 * ifname; with no interface, any route but the default one will do.  A
 * route to one of the host's own addresses counts for the interface that
 * holds the address, as the kernel's route to it names that interface.
 */
static bool
ipfw_verify_path(const void *ctx, uint32_t addr, const char *ifname)
{
	const struct host *h = ctx;
	const struct rtentry *rt = rt_lookup(h, addr);
	const struct ifnet *ifp;

	if (rt == NULL)
		return (false);
	if (ifname == NULL)
		return (rt->rt_plen != 0);
	if ((rt->rt_flags & RTF_LOCAL) != 0) {
		ifp = ifa_ifwithaddr(h, addr);
		return (ifp != NULL && strcmp(ifp->if_xname, ifname) == 0);
	}
	return (strcmp(rt->rt_ifp->if_xname, ifname) == 0);
}

/* in_localaddr(): addr is on the network of one of the addresses. */
static bool
ipfw_is_local_net(const void *ctx, uint32_t addr)
{
	const struct host *h = ctx;

	for (guint i = 0; i < h->ifnets->len; i++) {
		const struct ifnet *ifp = g_ptr_array_index(h->ifnets, i);

		for (unsigned k = 0; k < ifp->if_naddrs; k++) {
			uint32_t m = in_plen_mask(ifp->if_addrs[k].ia_plen);

			if (!ifp->if_loopback &&
			    (addr & m) == (ifp->if_addrs[k].ia_addr & m))
				return (true);
		}
	}
	return (false);
}

/*
 * send_reject() with ICMP_REJECT_RST: send_pkt() builds a bare TCP
 * header back to the sender, addresses and ports swapped, from the
 * offending packet's destination: a segment with ACK gets RST with
 * seq = its ack; one without gets RST|ACK with seq 0 and ack = its seq
 * (+1 for a SYN; the data length is not added, as send_pkt() does not).
 * Window 0, no options, TTL ip_defttl.
 */
static void
ipfw_send_rst(struct host *h, const struct ipfw_args *a)
{
	uint8_t t[20];
	uint32_t sum = 0;

	/* Never to a broadcast or multicast (M_BCAST|M_MCAST). */
	if (in_broadcast(h, a->dst) || (a->dst & 0xf0000000u) == 0xe0000000u)
		return;
	memset(t, 0, sizeof(t));
	t[0] = (uint8_t)(a->dport >> 8);
	t[1] = (uint8_t)a->dport;
	t[2] = (uint8_t)(a->sport >> 8);
	t[3] = (uint8_t)a->sport;
	if ((a->tcp_flags & 0x10) != 0) {		/* TH_ACK */
		uint32_t seq = a->tcp_ack;

		t[4] = (uint8_t)(seq >> 24);
		t[5] = (uint8_t)(seq >> 16);
		t[6] = (uint8_t)(seq >> 8);
		t[7] = (uint8_t)seq;
		t[13] = 0x04;				/* TH_RST */
	} else {
		uint32_t ack = a->tcp_seq + ((a->tcp_flags & 0x02) ? 1 : 0);

		t[8] = (uint8_t)(ack >> 24);
		t[9] = (uint8_t)(ack >> 16);
		t[10] = (uint8_t)(ack >> 8);
		t[11] = (uint8_t)ack;
		t[13] = 0x14;				/* TH_RST|TH_ACK */
	}
	t[12] = 5 << 4;					/* th_off */
	/* The TCP checksum over the pseudo-header and the header. */
	sum += (a->dst >> 16) + (a->dst & 0xffff);
	sum += (a->src >> 16) + (a->src & 0xffff);
	sum += 6 + sizeof(t);
	for (unsigned i = 0; i < sizeof(t); i += 2)
		sum += (uint32_t)(t[i] << 8 | t[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	t[16] = (uint8_t)(sum >> 8);
	t[17] = (uint8_t)sum;
	/* send_pkt() marks it M_SKIP_FIREWALL: no rule of this host sees
	 * it on its way out. */
	(void)ip_send_flags(h, a->dst, a->src, IPPROTO_TCP, IPDEFTTL, 0,
	    false, t, sizeof(t), PKT_F_SKIP_FIREWALL);
}

/* ipfw_log()'s O_FORWARD_IP words for act ("fwd A[,PORT]"): "Forward to
 * A[:PORT]", A the lookup's value for tablearg. */
static void
fwd_log_action(const struct ipfw_args *a, GString *act)
{
	char *comma = strchr(act->str, ',');
	char *port = comma != NULL ? g_strdup(comma + 1) : NULL;
	char buf[16];

	if (comma != NULL)
		g_string_truncate(act, (gsize)(comma - act->str));
	if (strcmp(act->str, "fwd tablearg") == 0)
		g_string_printf(act, "Forward to %s",
		    inet_addr_str(a->tablearg, buf));
	else {
		g_string_erase(act, 0, 3);		/* "fwd" */
		g_string_prepend(act, "Forward to");
	}
	if (port != NULL)
		g_string_append_printf(act, ":%s", port);
	g_free(port);
}

/*
 * ipfw_log(): a `log` rule's line as FreeBSD's ipfw_log() writes it to
 * syslog, "ipfw: 100 Divert 8668 UDP 10.0.0.2:49152 192.0.2.10:53 out via
 * em1", prefixed here with the time and the host.
 */
static void
ipfw_log(struct host *h, const struct ipfw_rule *rule,
    const struct ipfw_args *a, const struct pfil_ctx *c)
{
	GString *act = g_string_new(NULL), *line = g_string_new(NULL);
	char src[16], dst[16];
	uint64_t t = sim_now();

	ipfw_rule_action_str(rule, act);
	/* ipfw_log()'s action words: Accept, Deny, Count, Divert N, ... */
	if (g_str_has_prefix(act->str, "allow"))
		g_string_assign(act, "Accept");
	else if (g_str_has_prefix(act->str, "skipto"))
		g_string_overwrite(act, 0, "SkipTo");
	else if (g_str_has_prefix(act->str, "nat"))
		g_string_assign(act, "Nat");
	else if (g_str_has_prefix(act->str, "fwd "))
		fwd_log_action(a, act);
	else if (g_str_has_prefix(act->str, "unreach") ||
	    g_str_has_prefix(act->str, "reject"))
		g_string_assign(act, "Reject");
	else
		act->str[0] = g_ascii_toupper(act->str[0]);
	inet_addr_str(a->src, src);
	inet_addr_str(a->dst, dst);
	if (a->proto == IPPROTO_UDP || a->proto == IPPROTO_TCP) {
		const char *p = a->proto == IPPROTO_UDP ? "UDP" : "TCP";

		if (a->has_ports)
			g_string_printf(line, "%s %s:%u %s:%u", p, src,
			    a->sport, dst, a->dport);
		else
			g_string_printf(line, "%s %s %s", p, src, dst);
	} else if (a->proto == IPPROTO_ICMP && a->has_icmp_type) {
		unsigned hlen = ip_get_hlen_bytes(a->pkt);
		unsigned code = a->pkt_len >= hlen + 2 ? a->pkt[hlen + 1] : 0;

		g_string_printf(line, "ICMP:%u.%u %s %s", a->icmp_type, code,
		    src, dst);
	} else
		g_string_printf(line, "P:%u %s %s", a->proto, src, dst);
	ev_log_printf(h->sim->log, "%4" PRIu64 ".%09" PRIu64 " %-8s "
	    "ipfw: %u %s %s %s via %s%s\n", (uint64_t)(t / SIM_NS_PER_S),
	    (uint64_t)(t % SIM_NS_PER_S), h->name, ipfw_rule_number(rule),
	    act->str, line->str, c->dir == PFIL_IN ? "in" : "out",
	    c->ifname != NULL ? c->ifname : "-",
	    a->frag_off != 0 || a->more_frags ? " (frag)" : "");
	g_string_free(act, TRUE);
	g_string_free(line, TRUE);
}

/* The `ipfw` event for every rule that matches, and `log` output. */
static void
ipfw_on_match(void *arg, const struct ipfw_rule *rule,
    const struct ipfw_args *args)
{
	struct pfil_ctx *c = arg;
	struct host *h = c->h;
	struct ev *e;
	GString *act;

	if (ipfw_rule_has_log(rule) && h->sysctl.fw_verbose) {
		int take = ipfw_rule_log_take(rule);

		if (take > 0)
			ipfw_log(h, rule, args, c);
		/* ipfw_log(): the line after the last one allowed. */
		if (take == 2) {
			uint64_t t = sim_now();

			ev_log_printf(h->sim->log, "%4" PRIu64 ".%09" PRIu64
			    " %-8s ipfw: limit %u reached on entry %u\n",
			    (uint64_t)(t / SIM_NS_PER_S),
			    (uint64_t)(t % SIM_NS_PER_S), h->name,
			    ipfw_rule_logamount(rule), ipfw_rule_number(rule));
		}
	}
	e = ev_begin(h->sim->log, h->name, "ipfw");
	if (e == NULL)
		return;
	act = g_string_new(NULL);
	ipfw_rule_action_str(rule, act);
	ev_str(e, "dir", c->dir == PFIL_IN ? "in" : "out");
	ev_str(e, "if", c->ifname);
	ev_int(e, "rule", ipfw_rule_number(rule));
	ev_str(e, "action", act->str);
	ev_int(e, "lineage", (int64_t)c->m->lineage);
	ev_textf(e, "%s %s ipfw rule %05u %s", c->ifname != NULL ?
	    c->ifname : "-", c->dir == PFIL_IN ? "in" : "out",
	    ipfw_rule_number(rule), act->str);
	if (h->sim->why) {
		GPtrArray *why = g_ptr_array_new_with_free_func(g_free);

		ipfw_why_match(c->why, rule, args, why);
		ev_why(e, why);
		g_ptr_array_free(why, TRUE);
	}
	ev_end(e);
	g_string_free(act, TRUE);
}

/*
 * ipfw_divert(): divert consumes the packet (reassembling a fragment
 * first); tee sends a copy.  Returns the packet that goes on
 * (tee), or NULL.
 */
static struct pkt *
ipfw_divert(struct host *h, struct pkt *m, const struct ipfw_verdict *v,
    bool incoming, bool tee, uint32_t entry)
{
	struct pkt *clone;

	if (tee) {
		/* The copy is delivered as-is: no reassembly for tee. */
		clone = pkt_copy(m);
		clone->fw_ref = (struct pkt_fw_ref){ 0 };
		h->ip_divert_ptr(h, clone, incoming, v->port, v->rulenum,
		    entry);
		return (m);
	}
	/*
	 * Any fragment, on either pass: ipfw_divert() calls ip_reass() with
	 * no direction check (6.x and 14), so a forwarded fragment caught
	 * going out is held too and the datagram is read once, as outgoing;
	 * ip_output() fragments it again after the write-back.
	 */
	if (ip_is_fragment(m->data)) {
		/* 6.x ipfw_chk() tags every fragment it diverts. */
		m->div_rule = v->rulenum;
		m->div_port = v->port;
		m = ip_reass(h, m);
		if (m == NULL)
			return (NULL);	/* waiting for the other fragments */
		m->flags |= PKT_F_DIVERT_REASS;
		/*
		 * Whose port and rule: 14's ipfw_divert() tags the datagram
		 * after ip_reass() with this pass's rule (the completing
		 * fragment's).  6.x ip_reass() keeps only the first
		 * fragment's tags, so its divert tag decides; when that
		 * fragment was not diverted (it reached a shared queue
		 * another way) 6.x divert_packet() finds "no divert tag" and
		 * frees the datagram.
		 */
		if (h->release < RELEASE_14) {
			if (m->div_port == 0) {
				ip_drop(h, m, DROP_DIVERT_NOTAG, m->rcvif,
				    0);
				return (NULL);
			}
			h->ip_divert_ptr(h, m, incoming, m->div_port,
			    m->div_rule, entry);
			return (NULL);
		}
	}
	h->ip_divert_ptr(h, m, incoming, v->port, v->rulenum, entry);
	return (NULL);
}

/* A walk going on at slot after nat or reass: neither leaves the packet
 * `diverted` (O_NAT and O_REASS set args->rule.info = 0). */
static void
resume_at_slot(struct ipfw_args *args, uint32_t slot)
{
	args->tag_is_divert = false;
	args->tag_divert_out = false;
	args->has_tag = false;
	args->has_slot = true;
	args->slot = slot;
}

int
ipfw_check_packet(struct host *h, struct pkt **mp, struct ifnet *ifp,
    int dir)
{
	struct pkt *m = *mp;
	struct ipfw_why why;		/* --why's, used only when on */
	struct ipfw_args args;
	struct ipfw_verdict v;
	struct pfil_ctx ctx;
	bool incoming = (dir == PFIL_IN);
	uint32_t entry = DIVERT_ENTRY_FRESH;
	int deny_errno = (h->release >= RELEASE_14) ? EPERM : EACCES;

	/* No ipfw in this kernel, or net.inet.ip.fw.enable=0: no hook. */
	if (h->fw == NULL || !h->sysctl.fw_enable)
		return (0);
	/* What ipfw sent itself (a reset's RST) passes uncounted, as
	 * ipfw_chk() returns IP_FW_PASS first thing for M_SKIP_FIREWALL. */
	if ((m->flags & PKT_F_SKIP_FIREWALL) != 0)
		return (0);

	memset(&args, 0, sizeof(args));
	args.dir = incoming ? IPFW_DIR_IN : IPFW_DIR_OUT;
	args.rcvif = incoming ? ifp->if_xname :
	    (m->rcvif != NULL ? m->rcvif->if_xname : NULL);
	args.oif = incoming ? NULL : ifp->if_xname;
	args.release = h->release;
	args.now_ns = sim_now();
	args.is_me = ipfw_is_me;
	args.verify_path = ipfw_verify_path;
	args.is_local_net = ipfw_is_local_net;
	args.me_ctx = h;
	ctx = (struct pfil_ctx){ .h = h, .m = m, .ifname = ifp->if_xname,
	    .dir = dir, .why = &why };
	args.on_match = ipfw_on_match;
	args.match_ctx = &ctx;

	/* The reference is consumed here, whatever the verdict. */
	if ((m->fw_ref.info & IPFW_REF_VALID) != 0) {
		if ((m->fw_ref.info & IPFW_REF_SLOT) != 0) {
			args.has_slot = true;
			args.slot = m->fw_ref.slot;
		} else {
			args.has_tag = true;
			args.tag = m->fw_ref.rulenum;
			entry = m->fw_ref.rulenum;
		}
		args.tag_is_divert = (m->fw_ref.info & IPFW_REF_DIVERT) != 0;
		args.tag_divert_out = (m->fw_ref.info & IPFW_REF_OUT) != 0;
		m->fw_ref = (struct pkt_fw_ref){ 0 };
	}

again:
	args.pkt = m->data;
	args.pkt_len = m->len;
	/* 14's call stack is a tag on the packet: it outlasts the pass. */
	args.callstack = m->fw_calls.rule;
	args.callsp = &m->fw_calls.sp;
	args.tags = m->fw_calls.tags;
	args.ntags = &m->fw_calls.ntags;
	args.max_tags = PKT_FW_TAGS;
	ipfw_args_dissect(&args);
	if (h->sim->why)
		ipfw_why_begin(&why, h->fw, &args);
	ipfw_chk(h->fw, &args, &v);

	switch (v.kind) {
	case IPFW_V_PASS:
		/* O_FORWARD_IP: the next hop goes on the packet (a tag the
		 * IN pass put there is replaced on the OUT pass). */
		if (v.fwd) {
			m->fwd_nh = v.fwd_addr;
			m->fwd_port = v.fwd_port;
			m->flags |= PKT_F_IP_NEXTHOP;
			if (in_localip(h, v.fwd_addr))
				m->flags |= PKT_F_FASTFWD_OURS;
		}
		*mp = m;
		return (0);

	case IPFW_V_REJECT:
		/* send_reject(): ICMP unreach, never about an ICMP error. */
		if (v.send_icmp)
			icmp_error(h, m, ICMP_UNREACH, v.icmp_code, 0);
		if (v.send_rst)
			ipfw_send_rst(h, &args);
		/* FALLTHROUGH */
	case IPFW_V_DENY:
		/* The rule rides in the port argument (for --why). */
		ip_drop(h, m, DROP_DENIED, ifp, v.rulenum);
		*mp = NULL;
		return (deny_errno);

	case IPFW_V_DIVERT:
	case IPFW_V_TEE:
		*mp = NULL;
		if (h->ip_divert_ptr == NULL) {
			/* No IPDIVERT: divert and tee both drop. */
			ip_drop(h, m, DROP_DIVERT_DISABLED, ifp, v.port);
			return (0);
		}
		m = ipfw_divert(h, m, &v, incoming, v.kind == IPFW_V_TEE,
		    entry);
		if (m == NULL)
			return (0);
		/*
		 * tee: the original goes on, and neither release marks it
		 * as diverted (the tee's reference carries only the port).
		 * 6.x ipfw_check_in/out() "goto again" with the tee's divert
		 * tag still on the packet: ipfw_chk() resumes after every
		 * rule numbered up to the tee's (divert_cookie()).  14's
		 * ipfw_check_packet() "goto again" with set_match()'s slot:
		 * the very next rule.
		 */
		args.tag_is_divert = false;
		args.tag_divert_out = false;
		if (h->release < RELEASE_14) {
			args.has_slot = false;
			args.has_tag = true;
			args.tag = v.rulenum;
		} else {
			args.has_tag = false;
			args.has_slot = true;
			args.slot = v.next_slot;
		}
		goto again;

	case IPFW_V_NAT:
		if (ipfw_nat(h->fw, v.nat_id, incoming, m->data, m->len) !=
		    IPFW_NAT_DONE) {
			ip_drop(h, m, DROP_NAT_DENIED, ifp, 0);
			*mp = NULL;
			return (deny_errno);
		}
		if (h->sysctl.fw_one_pass) {
			*mp = m;
			return (0);
		}
		resume_at_slot(&args, v.next_slot);
		goto again;

	case IPFW_V_REASS:
		m = ip_reass(h, m);
		if (m == NULL) {
			*mp = NULL;
			return (0);
		}
		ctx.m = m;
		resume_at_slot(&args, v.next_slot);
		goto again;
	}
	g_assert_not_reached();
	return (0);
}

/* `ipfw nat N config if IF`: the interface's first IPv4 address. */
static bool
ipfw_ifaddr(const void *ctx, const char *ifname, uint32_t *addr)
{
	const struct host *h = ctx;

	for (guint i = 0; i < h->ifnets->len; i++) {
		const struct ifnet *ifp = g_ptr_array_index(h->ifnets, i);

		if (strcmp(ifp->if_xname, ifname) == 0 && ifp->if_naddrs > 0) {
			*addr = ifp->if_addrs[0].ia_addr;
			return (true);
		}
	}
	return (false);
}

/* pfil_func_t over ipfw_check_packet(); arg is the host's chain. */
static int
ipfw_check_hook(void *arg, struct host *h, struct pkt **mp,
    struct ifnet *ifp, int dir)
{

	g_assert(arg == h->fw);
	return (ipfw_check_packet(h, mp, ifp, dir));
}

static void
ipfw_detach(void *arg)
{

	ipfw_chain_free(arg);
}

int
ipfw_attach(struct host *h)
{
	int error;

	if (h->fw != NULL)
		return (EEXIST);
	/* `prob` rules draw from a generator seeded per world and host. */
	h->fw = ipfw_chain_new(sim_rng_stream_seed(h->sim->seed, h->name));
	/* net.inet.ip.fw.default_to_accept is read when ipfw loads. */
	ipfw_chain_set_default_accept(h->fw, h->sysctl.fw_default_to_accept);
	ipfw_chain_set_ifaddr(h->fw, ipfw_ifaddr, h);
	error = pfil_add_hook(h, ipfw_check_hook, h->fw, PFIL_IN | PFIL_OUT,
	    ipfw_detach);
	g_assert(error == 0);
	return (0);
}
