/*
 * Writing the generated scenario: the header comment (command, sketch,
 * path, address plan), one block per host, the links, the traffic and the
 * expectations.  Durations and rates are written, and read back from the
 * command line, with the units of the scenario language.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "scenario/scn_gen.h"
#include "scenario/scn_gen_priv.h"
#include "sim/sim_names.h"

struct gen_unit {
	const char	*name;
	uint64_t	 mult;
};

static const struct gen_unit duration_units[] = {
	{ "s", 1000000000ull }, { "ms", 1000000ull }, { "us", 1000ull },
	{ "ns", 1ull }, { NULL, 0 },
};
static const struct gen_unit rate_units[] = {
	{ "Gbps", 1000000000ull }, { "Mbps", 1000000ull }, { "Kbps", 1000ull },
	{ "bps", 1ull }, { NULL, 0 },
};

/*
 * NUMBER[.FRACTION]UNIT, as the scenario language writes durations and
 * rates, turned into a whole count of the smallest unit.
 */
static bool
parse_scaled(const char *s, const struct gen_unit *units, uint64_t max,
    uint64_t *v)
{
	uint64_t whole = 0, frac = 0, scale = 1, x;
	const char *p = s;
	bool digits = false;

	for (; *p >= '0' && *p <= '9'; p++, digits = true) {
		if (whole > max)
			return (false);
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits = true) {
			if (scale >= 1000000000ull)
				return (false);
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
	}
	if (!digits)
		return (false);
	for (const struct gen_unit *u = units; u->name != NULL; u++) {
		if (strcmp(p, u->name) != 0)
			continue;
		if (whole > max / u->mult || (frac * u->mult) % scale != 0)
			return (false);
		x = whole * u->mult + frac * u->mult / scale;
		if (x > max)
			return (false);
		*v = x;
		return (true);
	}
	return (false);
}

static void
fmt_scaled(char *buf, size_t len, uint64_t v, const struct gen_unit *units)
{
	const struct gen_unit *u;

	for (u = units; u[1].name != NULL; u++)
		if (v % u->mult == 0)
			break;
	snprintf(buf, len, "%" PRIu64 "%s", v / u->mult, u->name);
}

void
gen_fmt_duration(char *buf, size_t len, uint64_t ns)
{

	fmt_scaled(buf, len, ns, duration_units);
}

bool
scn_gen_parse_duration(const char *s, uint64_t max, uint64_t *ns)
{

	return (parse_scaled(s, duration_units, max, ns));
}

bool
scn_gen_parse_rate(const char *s, uint64_t max, uint64_t *bps)
{

	return (parse_scaled(s, rate_units, max, bps));
}

const char *
gen_node_name(const struct gen_topo *t, unsigned v, char *buf, size_t len)
{

	snprintf(buf, len, "%c%u", NODE(t, v)->prefix, NODE(t, v)->num);
	return (buf);
}

/* Whether a word can be written without quotes in a scenario or a shell. */
static bool
word_is_plain(const char *s)
{

	if (*s == '\0')
		return (false);
	for (; *s != '\0'; s++)
		if (!g_ascii_isalnum(*s) && strchr("_./:=+-,@%", *s) == NULL)
			return (false);
	return (true);
}

static void
put_word(FILE *out, const char *s)
{

	if (word_is_plain(s)) {
		fputs(s, out);
		return;
	}
	fputc('\'', out);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else if ((unsigned char)*s < 0x20)
			fputc('?', out);	/* keep the comment one line */
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

static void
put_program(FILE *out, const struct scn_gen_opts *o)
{

	for (unsigned i = 0; o->prog[i] != NULL; i++) {
		if (i > 0)
			fputc(' ', out);
		put_word(out, o->prog[i]);
	}
}

/* "r1 -- r2 -- ... -- r9" for routers first..last of a line. */
static void
put_router_run(FILE *out, unsigned first, unsigned last, const char *sep)
{

	if (last - first < 5) {
		for (unsigned i = first; i <= last; i++)
			fprintf(out, "%sr%u", i == first ? "" : sep, i);
		return;
	}
	fprintf(out, "r%u%sr%u%s...%sr%u", first, sep, first + 1, sep, sep,
	    last);
}

/* Print a sketch line without its trailing blanks. */
static void
put_trimmed(FILE *out, GString *line)
{

	while (line->len > 0 && line->str[line->len - 1] == ' ')
		g_string_truncate(line, line->len - 1);
	fprintf(out, "%s\n", line->str);
	g_string_truncate(line, 0);
}

/* The whole grid when small, else its corners with ellipses. */
static void
sketch_grid(FILE *out, const struct scn_gen_opts *o)
{
	int wid = snprintf(NULL, 0, "r%u", o->w * o->h);
	bool full = o->w <= 8 && o->h <= 6;
	unsigned cols = full ? o->w : 3, rows = full ? o->h : 3;
	GString *line = g_string_new(NULL);

	for (unsigned y = 0; y < rows; y++) {
		unsigned ry = full || y < 2 ? y : o->h - 1;

		g_string_append(line, y == 0 ? "#   h0 -- " : "#         ");
		for (unsigned x = 0; x < cols; x++) {
			unsigned rx = full || x < 2 ? x : o->w - 1;
			char name[16];

			if (!full && x == 2)
				g_string_append_printf(line, "%-*s -- ", wid,
				    "...");
			snprintf(name, sizeof(name), "r%u", ry * o->w + rx + 1);
			g_string_append_printf(line, "%-*s", wid, name);
			if (x + 1 < cols)
				g_string_append(line, " -- ");
		}
		if (y + 1 == rows) {
			g_string_append(line, " -- h1");
			put_trimmed(out, line);
			break;
		}
		put_trimmed(out, line);
		for (int pass = 0; pass < (!full && y == 1 ? 2 : 1); pass++) {
			g_string_append(line, "#         ");
			for (unsigned x = 0; x < cols + (full ? 0 : 1); x++)
				g_string_append_printf(line, "%-*s    ", wid,
				    pass == 0 ? "|" : "...");
			put_trimmed(out, line);
		}
	}
	g_string_free(line, TRUE);
}

static void
put_sketch(FILE *out, const struct gen_topo *t, const struct scn_gen_opts *o)
{
	char b1[16];

	switch (o->kind) {
	case GEN_CHAIN:
		fputs("#   h0 -- ", out);
		put_router_run(out, 1, o->n, " -- ");
		fputs(" -- h1\n", out);
		break;
	case GEN_STAR:
		if (o->n == 2)
			fputs("#   h0 -- r1 -- h1\n", out);
		else {
			fprintf(out, "#   h0   h1  %s  h%u\n", o->n > 3 ?
			    "..." : "   ", o->n - 1);
			fputs("#     \\   |       /\n", out);
			fputs("#         r1 (hub)\n", out);
		}
		break;
	case GEN_TREE: {
		unsigned first = 1, level = 1;

		for (unsigned d = 1; d <= o->n; d++) {
			fprintf(out, "#   level %u: ", d);
			put_router_run(out, first, first + level - 1, " ");
			fputc('\n', out);
			first += level;
			level *= o->fanout;
		}
		fprintf(out, "#   leaves:  h0 .. h%u, %u under each router "
		    "of level %u\n", t->ehosts->len - 1, o->fanout, o->n);
		fprintf(out, "#   (r_i's children are r_%u(i-1)+2 .. "
		    "r_%u(i-1)+%u)\n", o->fanout, o->fanout, o->fanout + 1);
		break;
	}
	case GEN_RING: {
		unsigned far = NODE(t, gen_attach_router(t,
		    UIDX(t->ehosts, 1)))->num;

		fputs("#   h0 -- ", out);
		put_router_run(out, 1, far, " -- ");
		fputs(" -- h1\n", out);
		fputs("#         r1 -- ", out);
		if (o->n - far < 5) {
			for (unsigned i = o->n; i > far; i--)
				fprintf(out, "r%u -- ", i);
		} else
			fprintf(out, "r%u -- r%u -- ... -- r%u -- ", o->n,
			    o->n - 1, far + 1);
		fprintf(out, "r%u   (the other way round)\n", far);
		break;
	}
	case GEN_GRID:
		sketch_grid(out, o);
		break;
	case GEN_RANDOM:
		fprintf(out, "#   %u routers, %u links between them (average "
		    "degree %u, seed %u);\n", o->n, t->links->len - 2,
		    o->degree, o->seed);
		fprintf(out, "#   h0 on r1, h1 on %s, the router farthest "
		    "from r1\n", gen_node_name(t, gen_attach_router(t,
		    UIDX(t->ehosts, 1)), b1, sizeof(b1)));
		break;
	case GEN_NKINDS:
		g_assert_not_reached();
	}
}

/* The path of flow 0 written as a comment, when it is short. */
static void
put_path(FILE *out, const struct gen_topo *t, unsigned ttl)
{
	unsigned s, d, r, hops = 0;
	char b[16];

	gen_flow_ends(t, 0, &s, &d);
	r = gen_attach_router(t, s);
	fprintf(out, "# route %s -> ", gen_node_name(t, s, b, sizeof(b)));
	fprintf(out, "%s:", gen_node_name(t, d, b, sizeof(b)));
	for (;;) {
		if (hops < 12)
			fprintf(out, " %s", gen_node_name(t, r, b, sizeof(b)));
		else if (hops == 12)
			fputs(" ...", out);
		hops++;
		if (r == gen_attach_router(t, d))
			break;
		r = gen_peer(t, r, gen_route_lookup(t, r, d));
	}
	if (hops > 12)
		fprintf(out, " %s", gen_node_name(t, r, b, sizeof(b)));
	fprintf(out, " (%u router%s)\n", hops, hops == 1 ? "" : "s");
	if (hops >= ttl)
		fprintf(out, "# that is more routers than a TTL of %u lets a "
		    "packet cross: it expires at\n# router %u of the path, "
		    "which sends time exceeded back (--ttl, up to 255).\n",
		    ttl, ttl);
}

static void
put_header(FILE *out, const struct gen_topo *t, const struct scn_gen_opts *o,
    int argc, char **argv)
{
	unsigned ndiv = 0;

	for (unsigned i = 0; i < t->routers->len; i++)
		if (NODE(t, UIDX(t->routers, i))->diverts)
			ndiv++;
	fprintf(out, "title \"generated %s: %u hosts (%u router%s), %u links; "
	    "%u diverting router%s\"\n", scn_gen_kind_names[o->kind],
	    t->nodes->len, t->routers->len, t->routers->len == 1 ? "" : "s",
	    t->links->len, ndiv, ndiv == 1 ? "" : "s");
	fputs("\n# generated by: divertsim", out);
	for (int i = 0; i < argc; i++) {
		fputc(' ', out);
		put_word(out, argv[i]);
	}
	fputs("\n#\n", out);
	put_sketch(out, t, o);
	fputs("#\n", out);
	put_path(out, t, o->ttl_given ? o->ttl : GEN_DEFTTL);
	fputs("# addresses: the k-th link below (from 0) is the k-th /30 of "
	    "10.0.0.0/8\n# (10.0.0.0/30, 10.0.0.4/30, ...), its first-named "
	    "host the first address,\n# the other the second; interfaces "
	    "em0, em1, ... in link order.\n", out);
	if (ndiv > 0) {
		unsigned k = o->divert_every;

		if (ndiv == 1)
			fprintf(out, "# diverting: r%u", k);
		else if (ndiv == 2)
			fprintf(out, "# diverting: r%u, r%u", k, 2 * k);
		else
			fprintf(out, "# diverting: r%u, r%u, ..., r%u (%u "
			    "routers)", k, 2 * k, ndiv * k, ndiv);
		fprintf(out, ", to port %u, program '", o->port);
		put_program(out, o);
		fprintf(out, "',\n# every packet %s (rule %u).\n",
		    o->via == GEN_VIA_IN ? "on input" :
		    o->via == GEN_VIA_OUT ? "on output" :
		    "on input and again on output", GEN_RULE_DIVERT);
	}
	if (o->rules > 0)
		fprintf(out, "# %u never-matching count rules (number %u, "
		    "sources in 198.18.0.0/15)\n# come first on every "
		    "router.\n", o->rules, GEN_RULE_COUNT);
	fputc('\n', out);
	if (o->seed_given || o->kind == GEN_RANDOM)
		fprintf(out, "seed %u\n", o->seed);
	if (o->release != 0)
		fprintf(out, "release %u\n", o->release);
	if (o->seed_given || o->kind == GEN_RANDOM || o->release != 0)
		fputc('\n', out);
}

static void
put_host(FILE *out, const struct gen_topo *t, const struct scn_gen_opts *o,
    unsigned v)
{
	const struct gen_node *nd = NODE(t, v);
	char name[16], addr[16];
	bool router = nd->prefix == 'r';

	fprintf(out, "host %s\n", gen_node_name(t, v, name, sizeof(name)));
	if (router)
		fputs("  sysctl net.inet.ip.forwarding=1\n", out);
	for (unsigned i = 0; i < nd->ifl->len; i++) {
		unsigned k = UIDX(nd->ifl, i);

		inet_addr_str(gen_link_addr(t, k, v), addr);
		fprintf(out, "  ifconfig em%u inet %s/%u\n", i, addr,
		    GEN_PLAN_PLEN);
	}
	if (router) {
		for (unsigned i = 0; i < nd->rt->len; i++) {
			const struct gen_route *rt =
			    &g_array_index(nd->rt, struct gen_route, i);
			unsigned ek = UIDX(NODE(t, rt->eh)->ifl, 0);

			inet_addr_str(gen_link_net(ek), addr);
			fprintf(out, "  route add %s/%u ", addr, GEN_PLAN_PLEN);
			inet_addr_str(gen_link_addr(t,
			    UIDX(nd->ifl, rt->ifidx), gen_peer(t, v,
			    rt->ifidx)), addr);
			fprintf(out, "%s\n", addr);
		}
		if (nd->dflt_if >= 0) {
			unsigned i = (unsigned)nd->dflt_if;

			inet_addr_str(gen_link_addr(t,
			    UIDX(nd->ifl, i), gen_peer(t, v, i)), addr);
			fprintf(out, "  route add default %s\n", addr);
		}
		for (unsigned k = 1; k <= o->rules; k++)
			fprintf(out, "  ipfw add %u count ip from 198.%u.%u.%u "
			    "to any\n", GEN_RULE_COUNT, 18 + (k >> 16),
			    k >> 8 & 255u, k & 255u);
		if (nd->diverts)
			fprintf(out, "  ipfw add %u divert %u ip from any to "
			    "any%s\n", GEN_RULE_DIVERT, o->port,
			    o->via == GEN_VIA_IN ? " in" :
			    o->via == GEN_VIA_OUT ? " out" : "");
	} else {
		unsigned k = UIDX(nd->ifl, 0);

		inet_addr_str(gen_link_addr(t, k, gen_peer(t, v, 0)), addr);
		fprintf(out, "  route add default %s\n", addr);
	}
	fprintf(out, "  ipfw add %u allow ip from any to any\n",
	    GEN_RULE_ALLOW);
	if (nd->diverts) {
		fprintf(out, "  divert %u ", o->port);
		put_program(out, o);
		if (o->service_given) {
			char buf[32];

			gen_fmt_duration(buf, sizeof(buf), o->service_ns);
			fprintf(out, " -t %s", buf);
		}
		if (o->rcvbuf_given)
			fprintf(out, " -b %u", o->rcvbuf);
		fputc('\n', out);
	}
	if (nd->listens)
		fprintf(out, "  listen udp %u\n", GEN_UDP_DPORT);
	fputc('\n', out);
}

static void
put_links(FILE *out, const struct gen_topo *t, const struct scn_gen_opts *o)
{
	char a[16], b[16], buf[32];

	for (unsigned k = 0; k < t->links->len; k++) {
		const struct gen_link *l = LINK(t, k);

		fprintf(out, "link %s:em%u %s:em%u",
		    gen_node_name(t, l->a, a, sizeof(a)), l->ifa,
		    gen_node_name(t, l->b, b, sizeof(b)), l->ifb);
		if (o->rate_given) {
			fmt_scaled(buf, sizeof(buf), o->rate_bps, rate_units);
			fprintf(out, " rate %s", buf);
		}
		if (o->delay_given) {
			gen_fmt_duration(buf, sizeof(buf), o->delay_ns);
			fprintf(out, " delay %s", buf);
		}
		if (o->mtu_given)
			fprintf(out, " mtu %u", o->mtu);
		fputc('\n', out);
	}
	fputc('\n', out);
}

static void
put_traffic(FILE *out, const struct gen_topo *t, const struct scn_gen_opts *o)
{
	char at[32], iv[32], dst[16], sname[16], ttl[16] = "";

	gen_fmt_duration(iv, sizeof(iv), o->interval_ns);
	if (o->ttl_given)
		snprintf(ttl, sizeof(ttl), " -m %u", o->ttl);
	for (unsigned f = 0; f < o->flows; f++) {
		unsigned s, d;

		gen_flow_ends(t, f, &s, &d);
		/* Flows start 100us apart so that they do not all queue
		 * on one interface at the same instant. */
		gen_fmt_duration(at, sizeof(at), GEN_START_NS +
		    (uint64_t)f * GEN_STAGGER_NS);
		inet_addr_str(gen_link_addr(t, UIDX(NODE(t,
		    d)->ifl, 0), d), dst);
		gen_node_name(t, s, sname, sizeof(sname));
		if (o->proto == GEN_UDP)
			fprintf(out, "at %s %s send udp %s:%u -c %u -i %s "
			    "-s %u%s -p %u\n", at, sname, dst, GEN_UDP_DPORT,
			    o->count, iv, o->size_bytes, ttl,
			    GEN_UDP_SPORT0 + f);
		else
			fprintf(out, "at %s %s ping -c %u -i %s -s %u%s %s\n",
			    at, sname, o->count, iv, o->size_bytes, ttl, dst);
	}
	fputc('\n', out);
}

static void
put_expects(FILE *out, const struct gen_topo *t, const struct scn_gen_opts *o)
{
	char name[16];

	if (o->no_expect)
		return;
	if (!t->delivery_known) {
		fprintf(out, "# no expectations: what '%s' does to packets is "
		    "not modelled by the generator.\n\n", o->prog[0]);
		return;
	}
	fputs("# what a correct run gives, worked out by following each "
	    "flow along the routes above\n", out);
	for (unsigned i = 0; i < t->ehosts->len; i++) {
		unsigned v = UIDX(t->ehosts, i);
		const struct gen_node *nd = NODE(t, v);

		gen_node_name(t, v, name, sizeof(name));
		if (nd->listens)
			fprintf(out, "expect %s.udp.received == %" PRIu64 "\n",
			    name, nd->udp_received);
		if (o->proto == GEN_ICMP && nd->echo_requests > 0)
			fprintf(out, "expect %s.icmp.echo_requests == %" PRIu64
			    "\n", name, nd->echo_requests);
		if (nd->pings)
			fprintf(out, "expect %s.ping.received == %" PRIu64
			    "\n", name, nd->ping_received);
		if (t->model_known && nd->timxceed > 0)
			fprintf(out, "expect %s.icmp.timxceed == %" PRIu64
			    "\n", name, nd->timxceed);
	}
	if (t->model_known) {
		bool drop = strcmp(o->prog[0], "drop") == 0;

		for (unsigned i = 0; i < t->routers->len; i++) {
			unsigned v = UIDX(t->routers, i);
			const struct gen_node *nd = NODE(t, v);

			gen_node_name(t, v, name, sizeof(name));
			if (nd->ttl_exceeded > 0)
				fprintf(out, "expect %s.ip.ttl_exceeded == %"
				    PRIu64 "\n", name, nd->ttl_exceeded);
			if (!nd->diverts)
				continue;
			fprintf(out, "expect %s.divert.%u.read == %" PRIu64
			    "\n", name, o->port, nd->reads);
			if (!drop)
				fprintf(out, "expect %s.divert.%u.written == %"
				    PRIu64 "\n", name, o->port, nd->reads);
		}
		fprintf(out, "expect sim.rediverts == %" PRIu64 "\n",
		    t->rediverts);
	} else if (t->fragmented)
		fputs("# divert counts not asserted: the datagrams are "
		    "fragmented\n", out);
	if (!t->queues_checked)
		fputs("# too many packets for the generator to follow through "
		    "the link queues:\n# the expectations assume none "
		    "overflows.\n", out);
	fputs("expect sim.loops == 0\n\n", out);
}


/* The whole file: header, hosts, links, traffic, expectations, `run`. */
void
gen_put_scenario(FILE *out, const struct gen_topo *t,
    const struct scn_gen_opts *o, int argc, char **argv)
{

	put_header(out, t, o, argc, argv);
	for (unsigned v = 0; v < t->nodes->len; v++)
		put_host(out, t, o, v);
	put_links(out, t, o);
	put_traffic(out, t, o);
	put_expects(out, t, o);
	fputs("run\n", out);
}
