/*
 * `divertsim gen`: synthetic topologies (chain, star, tree, ring, grid,
 * random) written out as ordinary, editable scenario files.  This file owns
 * the option parsing, the topology and address plan, the static routes
 * (shortest paths), and the expectations a correct run must meet, which it
 * works out by walking every flow along the routes it wrote.
 *
 * Plan, the same for every kind:
 * - link k (0-based, in the order the links are written) is the network
 *   10.(k >> 8).(k & 255).0/24; the first host named on the link line gets
 *   .1, the second .2; the router is always first on a link to an end host;
 * - interfaces are em0, em1, ... per host in the order of its links;
 * - routers get net.inet.ip.forwarding=1 and one route per end-host network
 *   that is not directly connected, the most used gateway being folded into
 *   a default route; end hosts get a default route to their router.  Only
 *   end-host networks are routed, so an ICMP error a router sends may have
 *   no route back (harmless: none is expected in a correct run);
 * - every host ends its ruleset with 65000 allow (the default rule denies).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "scenario/scn_gen.h"
#include "sim/sim_names.h"
#include "sim/sim_rng.h"

#define	GEN_EXIT_USAGE		2
#define	GEN_MAX_LINKS		65536u	/* 10.X.Y.0/24, X and Y 0..255 */
#define	GEN_MAX_FLOWS		10000u
#define	GEN_MAX_COUNT		1000000u
#define	GEN_MAX_RULES		100000u
#define	GEN_UDP_DPORT		5000u
#define	GEN_UDP_SPORT0		6000u
#define	GEN_START_NS		1000000000ull	/* first flow starts at 1s */
#define	GEN_STAGGER_NS		100000ull	/* next flow 100us later */
#define	GEN_RULE_COUNT		50u
#define	GEN_RULE_DIVERT		100u
#define	GEN_RULE_ALLOW		65000u
#define	GEN_HDR_BYTES		28u	/* IPv4 header + UDP/ICMP header */
#define	GEN_LINK_MTU		1500u	/* the link default */
#define	GEN_DEFTTL		64u	/* IPDEFTTL: sent, replies, errors */

enum gen_kind { GEN_CHAIN, GEN_STAR, GEN_TREE, GEN_RING, GEN_GRID,
    GEN_RANDOM };
enum gen_via { GEN_VIA_IN, GEN_VIA_OUT, GEN_VIA_BOTH };
enum gen_proto { GEN_UDP, GEN_ICMP };

static const char *const kind_names[] = { "chain", "star", "tree", "ring",
    "grid", "random" };
static const char *const via_names[] = { "in", "out", "both" };

struct gen_opts {
	enum gen_kind	 kind;
	bool		 kind_given;
	const char	*n_arg;	/* -n as given, read once KIND is known */
	unsigned	 n;		/* routers, leaves or depth */
	unsigned	 w, h;		/* grid */
	unsigned	 fanout;
	unsigned	 degree;
	bool		 degree_given;
	unsigned	 divert_every;
	enum gen_via	 via;
	char		**prog;		/* program words, NULL-terminated */
	unsigned	 port;
	unsigned	 rules;
	unsigned	 flows;
	unsigned	 count;
	uint64_t	 interval_ns;
	unsigned	 size_bytes;
	bool		 size_given;
	enum gen_proto	 proto;
	uint64_t	 rate_bps;
	bool		 rate_given;
	uint64_t	 delay_ns;
	bool		 delay_given;
	unsigned	 mtu;
	bool		 mtu_given;
	uint32_t	 seed;
	bool		 seed_given;
	unsigned	 release;	/* 0: not given */
	unsigned	 ttl;
	bool		 ttl_given;
	bool		 no_expect;
};

struct gen_link {
	unsigned	 a, b;		/* node indices; a gets .1, b .2 */
	unsigned	 ifa, ifb;	/* interface numbers (emN) */
};

struct gen_route {
	unsigned	 eh;		/* end host (node index) */
	unsigned	 ifidx;		/* interface toward it */
};

struct gen_node {
	char		 prefix;	/* 'r' router, 'h' end host */
	unsigned	 num;
	GArray		*ifl;		/* unsigned link index per interface */
	GArray		*attached;	/* router: end hosts on it (unsigned) */
	GArray		*rt;		/* router: struct gen_route */
	int		 dflt_if;	/* router: default route's if, or -1 */
	uint64_t	*gwcount;	/* router: scratch, per interface */
	bool		 diverts;
	uint64_t	 reads;		/* expected divert reads */
	uint64_t	 udp_received, echo_requests, ping_received;
	uint64_t	 timxceed;	/* end host: time exceeded received */
	uint64_t	 ttl_exceeded;	/* router: not forwarded, TTL */
	bool		 listens;	/* a UDP flow ends here */
	bool		 pings;		/* a ping flow starts here */
};

struct gen_topo {
	GArray		*nodes;		/* struct gen_node */
	GArray		*links;		/* struct gen_link */
	GArray		*ehosts;	/* unsigned node index, h0, h1, ... */
	GArray		*routers;	/* unsigned node index, r1, r2, ... */
	uint64_t	 rediverts;
	bool		 model_known;	/* divert counts computed */
	bool		 delivery_known;
	bool		 fragmented;
};

#define	NODE(t, i)	(&g_array_index((t)->nodes, struct gen_node, (i)))
#define	LINK(t, i)	(&g_array_index((t)->links, struct gen_link, (i)))
#define	UIDX(a, i)	(g_array_index((a), unsigned, (i)))

/* ---- options ----------------------------------------------------------- */

static const char help_text[] =
"usage: divertsim gen KIND [OPTIONS]\n"
"\n"
"Write a scenario with a generated topology to standard output: hosts,\n"
"addresses, static routes, forwarding, ipfw rules, divert programs,\n"
"traffic and the expectations a correct run meets.  Routers are r1, r2,\n"
"...; end hosts h0, h1, ...; link k is 10.(k/256).(k%256).0/24.\n"
"\n"
"Kinds:\n"
"  chain   h0 -- r1 -- ... -- rN -- h1           -n N routers (default 3)\n"
"  star    hub r1 with N leaf hosts h0..hN-1      -n N leaves (default 4)\n"
"  tree    D levels of routers, F children each, F leaf hosts under each\n"
"          bottom router                -n D (default 2), --fanout F (2)\n"
"  ring    N routers in a ring; h0 on r1, h1 on the router farthest from\n"
"          r1                                     -n N (default 6)\n"
"  grid    W x H routers; h0 on r1 (a corner), h1 on the opposite corner\n"
"                                                 -n WxH (default 3x3)\n"
"  random  N routers, connected (a random spanning tree plus random\n"
"          edges up to average degree D); h0 on r1, h1 on the router\n"
"          farthest from r1           -n N (default 10), --degree D (3)\n"
"\n"
"Options:\n"
"  -n N, -n WxH         size, as above\n"
"  --fanout F           tree: children per router (default 2)\n"
"  --degree D           random: average degree of a router (default 3)\n"
"  --seed S             seed of the random topology; also written as\n"
"                       `seed S` (default 1)\n"
"  --divert-every K     routers rK, r2K, ... divert; 0: none (default 0)\n"
"  --divert-via in|out|both\n"
"                       divert packets as they enter a diverting router\n"
"                       (`in`), as they leave it (`out`), or both, i.e.\n"
"                       twice per router crossed (default both)\n"
"  --program 'NAME [ARGS]'\n"
"                       divert program (default reinject); expectations\n"
"                       on divert counts are written for reinject and drop\n"
"  --port P             divert port (default 8000)\n"
"  --rules N            N never-matching count rules (number 50) first on\n"
"                       every router, for benchmarks (default 0)\n"
"  --flows F            F flows; flow f goes from end host f mod M to end\n"
"                       host (f + M/2) mod M, M end hosts (default 1)\n"
"  --count C            packets per flow (default 3)\n"
"  --interval T         time between a flow's packets (default 10ms)\n"
"  --size S             payload bytes (default 64 udp, 56 icmp)\n"
"  --proto udp|icmp     UDP to port 5000, or ping (default udp)\n"
"  --rate R             link rate, e.g. 10Mbps (default: link default)\n"
"  --delay T            link delay, e.g. 2ms (default: link default)\n"
"  --mtu M              link MTU (default: link default, 1500)\n"
"  --ttl N              TTL of the packets sent (default 64, as FreeBSD);\n"
"                       a path of N routers or more lets them expire\n"
"  --release 6|14       write `release N` (default: none, i.e. 6)\n"
"  --no-expect          write no expectations\n"
"  -h, --help           this text\n"
"\n"
"Exit status: 0, or 2 for a bad option (nothing is written then).\n"
"See docs/generating.md.\n";

enum gen_opt_id {
	OPT_N, OPT_FANOUT, OPT_DEGREE, OPT_SEED, OPT_DIVERT_EVERY,
	OPT_DIVERT_VIA, OPT_PROGRAM, OPT_PORT, OPT_RULES, OPT_FLOWS,
	OPT_COUNT, OPT_INTERVAL, OPT_SIZE, OPT_PROTO, OPT_RATE, OPT_DELAY,
	OPT_MTU, OPT_TTL, OPT_RELEASE, OPT_NO_EXPECT, OPT_HELP,
};

struct gen_optdef {
	const char	*name;		/* long name, without "--" */
	char		 shrt;		/* short letter, or 0 */
	bool		 has_arg;
	enum gen_opt_id	 id;
};

static const struct gen_optdef optdefs[] = {
	{ "size-n", 'n', true, OPT_N },
	{ "fanout", 0, true, OPT_FANOUT },
	{ "degree", 0, true, OPT_DEGREE },
	{ "seed", 0, true, OPT_SEED },
	{ "divert-every", 0, true, OPT_DIVERT_EVERY },
	{ "divert-via", 0, true, OPT_DIVERT_VIA },
	{ "program", 0, true, OPT_PROGRAM },
	{ "port", 0, true, OPT_PORT },
	{ "rules", 0, true, OPT_RULES },
	{ "flows", 0, true, OPT_FLOWS },
	{ "count", 0, true, OPT_COUNT },
	{ "interval", 0, true, OPT_INTERVAL },
	{ "size", 0, true, OPT_SIZE },
	{ "proto", 0, true, OPT_PROTO },
	{ "rate", 0, true, OPT_RATE },
	{ "delay", 0, true, OPT_DELAY },
	{ "mtu", 0, true, OPT_MTU },
	{ "ttl", 0, true, OPT_TTL },
	{ "release", 0, true, OPT_RELEASE },
	{ "no-expect", 0, false, OPT_NO_EXPECT },
	{ "help", 'h', false, OPT_HELP },
};

/* The divert programs of the scenario language and their argument counts. */
static const struct {
	const char	*name;
	int		 min_args, max_args;	/* -1: no limit */
} programs[] = {
	{ "reinject", 0, 0 }, { "drop", 0, 0 }, { "retag", 1, 1 },
	{ "outgoing", 0, 0 }, { "incoming", 1, 1 }, { "corrupt", 0, 0 },
	{ "rewrite", 1, -1 }, { "natd", 2, 3 },
};

static int
bad(FILE *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
bad(FILE *err, const char *fmt, ...)
{
	va_list ap;

	fputs("divertsim gen: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputs("\nTry 'divertsim gen --help'.\n", err);
	return (GEN_EXIT_USAGE);
}

/* A plain decimal number in [lo, hi]; no sign, no spaces, no suffix. */
static bool
parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	uint64_t x = 0;

	if (*s == '\0')
		return (false);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (false);
		if (x > (UINT64_MAX - 9) / 10)
			return (false);
		x = x * 10 + (uint64_t)(*s - '0');
	}
	if (x < lo || x > hi)
		return (false);
	*v = x;
	return (true);
}

static int
opt_uint(FILE *err, const char *opt, const char *s, uint64_t lo,
    uint64_t hi, unsigned *v)
{
	uint64_t x;

	if (!parse_u64(s, lo, hi, &x))
		return (bad(err, "%s: '%s' is not a whole number from %" PRIu64
		    " to %" PRIu64, opt, s, lo, hi));
	*v = (unsigned)x;
	return (0);
}

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

static void
fmt_duration(char *buf, size_t len, uint64_t ns)
{

	fmt_scaled(buf, len, ns, duration_units);
}

static int
opt_enum(FILE *err, const char *opt, const char *s,
    const char *const *names, unsigned n, unsigned *v)
{
	GString *list;

	for (unsigned i = 0; i < n; i++) {
		if (strcmp(s, names[i]) == 0) {
			*v = i;
			return (0);
		}
	}
	list = g_string_new(NULL);
	for (unsigned i = 0; i < n; i++)
		g_string_append_printf(list, "%s%s", i == 0 ? "" : ", ",
		    names[i]);
	bad(err, "%s: unknown value '%s' (one of %s)", opt, s, list->str);
	g_string_free(list, TRUE);
	return (GEN_EXIT_USAGE);
}

static int
opt_program(FILE *err, const char *s, struct gen_opts *o)
{
	char **words;
	int nargs;

	words = g_strsplit_set(s, " \t", -1);
	/* Drop the empty strings that repeated blanks leave. */
	{
		unsigned j = 0;

		for (unsigned i = 0; words[i] != NULL; i++) {
			if (words[i][0] == '\0')
				g_free(words[i]);
			else
				words[j++] = words[i];
		}
		words[j] = NULL;
	}
	if (words[0] == NULL) {
		g_strfreev(words);
		return (bad(err, "--program: empty program"));
	}
	nargs = (int)g_strv_length(words) - 1;
	for (size_t i = 0; i < G_N_ELEMENTS(programs); i++) {
		if (strcmp(words[0], programs[i].name) != 0)
			continue;
		if (nargs < programs[i].min_args || (programs[i].max_args >= 0
		    && nargs > programs[i].max_args)) {
			bad(err, "--program: '%s' takes %d to %d arguments, "
			    "not %d", words[0], programs[i].min_args,
			    programs[i].max_args < 0 ? 99 :
			    programs[i].max_args, nargs);
			g_strfreev(words);
			return (GEN_EXIT_USAGE);
		}
		g_strfreev(o->prog);
		o->prog = words;
		return (0);
	}
	bad(err, "--program: unknown program '%s' (reinject, drop, retag, "
	    "outgoing, incoming, corrupt, rewrite, natd)", words[0]);
	g_strfreev(words);
	return (GEN_EXIT_USAGE);
}

static int
apply_opt(FILE *err, const struct gen_optdef *d, const char *optname,
    const char *v, struct gen_opts *o)
{
	unsigned e = 0;
	int rc;

	switch (d->id) {
	case OPT_N:
		o->n_arg = v;
		return (0);
	case OPT_FANOUT:
		return (opt_uint(err, optname, v, 2, 1000, &o->fanout));
	case OPT_DEGREE:
		o->degree_given = true;
		return (opt_uint(err, optname, v, 1, 1000, &o->degree));
	case OPT_SEED:
		o->seed_given = true;
		return (opt_uint(err, optname, v, 0, UINT32_MAX, &o->seed));
	case OPT_DIVERT_EVERY:
		return (opt_uint(err, optname, v, 0, 1000000,
		    &o->divert_every));
	case OPT_DIVERT_VIA:
		rc = opt_enum(err, optname, v, via_names, 3, &e);
		o->via = (enum gen_via)e;
		return (rc);
	case OPT_PROGRAM:
		return (opt_program(err, v, o));
	case OPT_PORT:
		return (opt_uint(err, optname, v, 1, 65535, &o->port));
	case OPT_RULES:
		return (opt_uint(err, optname, v, 0, GEN_MAX_RULES,
		    &o->rules));
	case OPT_FLOWS:
		return (opt_uint(err, optname, v, 1, GEN_MAX_FLOWS,
		    &o->flows));
	case OPT_COUNT:
		return (opt_uint(err, optname, v, 1, GEN_MAX_COUNT,
		    &o->count));
	case OPT_INTERVAL:
		if (!parse_scaled(v, duration_units, 3600000000000ull,
		    &o->interval_ns))
			return (bad(err, "%s: '%s' is not a duration (a "
			    "number with a unit: s, ms, us, ns; at most 3600s)",
			    optname, v));
		return (0);
	case OPT_SIZE:
		o->size_given = true;
		return (opt_uint(err, optname, v, 0, 65535 - GEN_HDR_BYTES,
		    &o->size_bytes));
	case OPT_PROTO: {
		static const char *const protos[] = { "udp", "icmp" };

		rc = opt_enum(err, optname, v, protos, 2, &e);
		o->proto = (enum gen_proto)e;
		return (rc);
	}
	case OPT_RATE:
		o->rate_given = true;
		if (!parse_scaled(v, rate_units, 1000000000000ull,
		    &o->rate_bps) || o->rate_bps == 0)
			return (bad(err, "%s: '%s' is not a rate (a number "
			    "above zero with a unit: bps, Kbps, Mbps, Gbps)",
			    optname, v));
		return (0);
	case OPT_DELAY:
		o->delay_given = true;
		if (!parse_scaled(v, duration_units, 3600000000000ull,
		    &o->delay_ns))
			return (bad(err, "%s: '%s' is not a duration (a "
			    "number with a unit: s, ms, us, ns; at most 3600s)",
			    optname, v));
		return (0);
	case OPT_MTU:
		o->mtu_given = true;
		return (opt_uint(err, optname, v, 68, 65535, &o->mtu));
	case OPT_TTL:
		o->ttl_given = true;
		return (opt_uint(err, optname, v, 1, 255, &o->ttl));
	case OPT_RELEASE:
		if (strcmp(v, "6") == 0)
			o->release = 6;
		else if (strcmp(v, "14") == 0)
			o->release = 14;
		else
			return (bad(err, "%s: '%s' is not a release (6 or 14)",
			    optname, v));
		return (0);
	case OPT_NO_EXPECT:
		o->no_expect = true;
		return (0);
	case OPT_HELP:
		break;
	}
	return (0);
}

/* -n for the kind: a count, or WxH for a grid. */
static int
apply_size(FILE *err, struct gen_opts *o)
{
	static const unsigned defaults[] = { 3, 4, 2, 6, 0, 10 };
	static const unsigned minimum[] = { 1, 2, 1, 3, 1, 2 };
	const char *x;
	char *wpart;
	int rc;

	if (o->kind == GEN_GRID) {
		if (o->n_arg == NULL) {
			o->w = o->h = 3;
			return (0);
		}
		x = strchr(o->n_arg, 'x');
		if (x == NULL)
			return (bad(err, "-n: grid size '%s' is not WxH "
			    "(e.g. 4x3)", o->n_arg));
		wpart = g_strndup(o->n_arg, (gsize)(x - o->n_arg));
		rc = opt_uint(err, "-n (grid width)", wpart, 1, 65535, &o->w);
		g_free(wpart);
		if (rc == 0)
			rc = opt_uint(err, "-n (grid height)", x + 1, 1, 65535,
			    &o->h);
		return (rc);
	}
	if (o->n_arg == NULL) {
		o->n = defaults[o->kind];
		return (0);
	}
	return (opt_uint(err, "-n", o->n_arg, minimum[o->kind], 1000000,
	    &o->n));
}

/*
 * Parse argv (argv[0] is "gen").  Returns 0, 2 for a bad option, or -1 when
 * --help was printed.
 */
static int
parse_args(int argc, char **argv, FILE *out, FILE *err, struct gen_opts *o)
{
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct gen_optdef *d = NULL;
		char *optname;

		if (a[0] != '-' || a[1] == '\0') {
			unsigned k;

			if (o->kind_given)
				return (bad(err, "unexpected argument '%s' "
				    "(KIND is already %s)", a,
				    kind_names[o->kind]));
			if (opt_enum(err, "KIND", a, kind_names, 6, &k) != 0)
				return (GEN_EXIT_USAGE);
			o->kind = (enum gen_kind)k;
			o->kind_given = true;
			continue;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq != NULL ? (size_t)(eq - (a + 2)) :
			    strlen(a + 2);

			for (size_t j = 0; j < G_N_ELEMENTS(optdefs); j++)
				if (strlen(optdefs[j].name) == len &&
				    strncmp(optdefs[j].name, a + 2, len) == 0)
					d = &optdefs[j];
			if (d == NULL || d->id == OPT_N)
				return (bad(err, "unknown option '%.*s'",
				    (int)len + 2, a));
			if (eq != NULL) {
				if (!d->has_arg)
					return (bad(err, "option '--%s' takes "
					    "no value", d->name));
				val = eq + 1;
			}
		} else {
			for (size_t j = 0; j < G_N_ELEMENTS(optdefs); j++)
				if (optdefs[j].shrt == a[1])
					d = &optdefs[j];
			if (d == NULL)
				return (bad(err, "unknown option '%s'", a));
			if (a[2] != '\0') {
				if (!d->has_arg)
					return (bad(err, "unknown option '%s'",
					    a));
				val = a + 2;	/* -n998 */
			}
		}
		if (d->id == OPT_HELP) {
			fputs(help_text, out);
			return (-1);
		}
		if (d->has_arg && val == NULL) {
			if (i + 1 >= argc)
				return (bad(err, "option '%s' needs a value",
				    a));
			val = argv[++i];
		}
		optname = a[1] == '-' ? g_strdup_printf("--%s", d->name) :
		    g_strdup_printf("-%c", d->shrt);
		rc = apply_opt(err, d, optname, val != NULL ? val : "", o);
		g_free(optname);
		if (rc != 0)
			return (rc);
	}
	if (!o->kind_given)
		return (bad(err, "missing KIND (chain, star, tree, ring, grid, "
		    "random)"));
	return (apply_size(err, o));
}

/* ---- topology ---------------------------------------------------------- */

static unsigned
add_node(struct gen_topo *t, char prefix, unsigned num)
{
	struct gen_node nd = { .prefix = prefix, .num = num, .dflt_if = -1 };
	unsigned v = t->nodes->len;

	nd.ifl = g_array_new(FALSE, FALSE, sizeof(unsigned));
	g_array_append_val(t->nodes, nd);
	if (prefix == 'r')
		g_array_append_val(t->routers, v);
	return (v);
}

static void
add_link(struct gen_topo *t, unsigned a, unsigned b)
{
	struct gen_link l = { .a = a, .b = b };
	unsigned k = t->links->len;

	l.ifa = NODE(t, a)->ifl->len;
	l.ifb = NODE(t, b)->ifl->len;
	g_array_append_val(NODE(t, a)->ifl, k);
	g_array_append_val(NODE(t, b)->ifl, k);
	g_array_append_val(t->links, l);
}

/* Attach end host eh to router r (the router is first on the link). */
static void
attach(struct gen_topo *t, unsigned eh, unsigned r)
{
	struct gen_node *rn = NODE(t, r);

	add_link(t, r, eh);
	if (rn->attached == NULL)
		rn->attached = g_array_new(FALSE, FALSE, sizeof(unsigned));
	g_array_append_val(rn->attached, eh);
	g_array_append_val(t->ehosts, eh);
}

static unsigned
peer(const struct gen_topo *t, unsigned v, unsigned ifidx)
{
	const struct gen_link *l =
	    LINK(t, UIDX(NODE(t, v)->ifl, ifidx));

	return (l->a == v ? l->b : l->a);
}

/* Network of link k: 10.(k>>8).(k&255).0/24. */
static uint32_t
link_net(unsigned k)
{

	return ((10u << 24) | ((k >> 8 & 255u) << 16) | ((k & 255u) << 8));
}

/* Address of node v on link k: 10.(k>>8).(k&255).1 for side a, .2 for b. */
static uint32_t
link_addr(const struct gen_topo *t, unsigned k, unsigned v)
{

	return (link_net(k) | (LINK(t, k)->a == v ? 1u : 2u));
}

/*
 * Breadth-first search over routers only (end hosts never forward) from
 * router src.  up[v] is the interface of v toward src on a shortest path,
 * the first found in interface order; -1 for src and for end hosts.  dist
 * may be NULL.  Returns the number of routers reached.
 */
static unsigned
bfs(const struct gen_topo *t, unsigned src, int *up, unsigned *dist,
    unsigned *queue)
{
	unsigned head = 0, tail = 0, n = t->nodes->len;
	bool *seen = g_new0(bool, n);

	for (unsigned i = 0; i < n; i++)
		up[i] = -1;
	seen[src] = true;
	if (dist != NULL)
		dist[src] = 0;
	queue[tail++] = src;
	while (head < tail) {
		unsigned v = queue[head++];
		const struct gen_node *nv = NODE(t, v);

		for (unsigned i = 0; i < nv->ifl->len; i++) {
			unsigned u = peer(t, v, i);
			const struct gen_link *l = LINK(t, UIDX(nv->ifl, i));

			if (seen[u] || NODE(t, u)->prefix != 'r')
				continue;
			seen[u] = true;
			up[u] = (int)(l->a == u ? l->ifa : l->ifb);
			if (dist != NULL)
				dist[u] = dist[v] + 1;
			queue[tail++] = u;
		}
	}
	g_free(seen);
	return (tail);
}

/* The router farthest from src in hops, the first in r-order on a tie. */
static unsigned
farthest_router(const struct gen_topo *t, unsigned src)
{
	unsigned n = t->nodes->len, best = src;
	int *up = g_new(int, n);
	unsigned *dist = g_new0(unsigned, n);
	unsigned *queue = g_new(unsigned, n);

	(void)bfs(t, src, up, dist, queue);
	for (unsigned i = 0; i < t->routers->len; i++) {
		unsigned r = UIDX(t->routers, i);

		if (dist[r] > dist[best])
			best = r;
	}
	g_free(up);
	g_free(dist);
	g_free(queue);
	return (best);
}

static bool
adjacent(const struct gen_topo *t, unsigned a, unsigned b)
{
	const struct gen_node *na = NODE(t, a);

	for (unsigned i = 0; i < na->ifl->len; i++)
		if (peer(t, a, i) == b)
			return (true);
	return (false);
}

/* Router-to-router links of a random graph: N routers, average degree D. */
static uint64_t
random_edges(const struct gen_opts *o)
{
	uint64_t m = ((uint64_t)o->n * o->degree + 1) / 2;

	return (m < (uint64_t)o->n - 1 ? (uint64_t)o->n - 1 : m);
}

/* Links and hosts a kind will have, checked before anything is built. */
static int
check_size(FILE *err, struct gen_opts *o)
{
	uint64_t links = 0, nodes = 0, leaves = 1, routers = 0;

	switch (o->kind) {
	case GEN_CHAIN:
		links = (uint64_t)o->n + 1;
		break;
	case GEN_STAR:
		links = o->n;
		break;
	case GEN_TREE:
		for (unsigned d = 0; d < o->n; d++) {
			routers += leaves;
			leaves *= o->fanout;
			if (leaves > GEN_MAX_LINKS)
				break;
		}
		links = routers - 1 + leaves;
		break;
	case GEN_RING:
		links = (uint64_t)o->n + 2;
		break;
	case GEN_GRID:
		links = (uint64_t)o->h * (o->w - 1) +
		    (uint64_t)o->w * (o->h - 1) + 2;
		break;
	case GEN_RANDOM:
		if (o->degree > o->n - 1 && !o->degree_given)
			o->degree = o->n - 1;
		if (o->degree > o->n - 1)
			return (bad(err, "--degree: %u is more than %u, the "
			    "degree of a complete graph of %u routers",
			    o->degree, o->n - 1, o->n));
		links = random_edges(o) + 2;
		break;
	}
	nodes = links + 1;
	if (links > GEN_MAX_LINKS || nodes > GEN_MAX_LINKS)
		return (bad(err, "%s of this size needs more than %u links "
		    "(the address plan 10.X.Y.0/24 has no more)",
		    kind_names[o->kind], GEN_MAX_LINKS));
	return (0);
}

static void
build_chain(struct gen_topo *t, const struct gen_opts *o)
{
	unsigned h0, h1, prev = 0;

	h0 = add_node(t, 'h', 0);
	for (unsigned i = 1; i <= o->n; i++)
		(void)add_node(t, 'r', i);
	h1 = add_node(t, 'h', 1);
	/* Left to right, so that r_i's em0 faces h0 and em1 faces h1. */
	for (unsigned i = 0; i < o->n; i++) {
		unsigned r = UIDX(t->routers, i);

		if (i == 0)
			attach(t, h0, r);
		else
			add_link(t, prev, r);
		prev = r;
	}
	attach(t, h1, prev);
}

static void
build_star(struct gen_topo *t, const struct gen_opts *o)
{
	unsigned hub = add_node(t, 'r', 1);

	for (unsigned i = 0; i < o->n; i++)
		attach(t, add_node(t, 'h', i), hub);
}

/* Routers numbered as a heap: r_i's children are r_{F(i-1)+2} ... */
static void
build_tree(struct gen_topo *t, const struct gen_opts *o)
{
	unsigned f = o->fanout, nr = 0, level = 1, nleaf = 0;

	for (unsigned d = 0; d < o->n; d++) {
		nr += level;
		level *= f;
	}
	for (unsigned i = 1; i <= nr; i++)
		(void)add_node(t, 'r', i);
	for (unsigned i = 2; i <= nr; i++)
		add_link(t, UIDX(t->routers, (i - 2) / f), UIDX(t->routers,
		    i - 1));
	for (unsigned i = nr - level / f + 1; i <= nr; i++) {
		unsigned r = UIDX(t->routers, i - 1);

		for (unsigned j = 0; j < f; j++)
			attach(t, add_node(t, 'h', nleaf++), r);
	}
}

static void
build_ring(struct gen_topo *t, const struct gen_opts *o)
{
	unsigned h0, h1;

	h0 = add_node(t, 'h', 0);
	for (unsigned i = 1; i <= o->n; i++)
		(void)add_node(t, 'r', i);
	h1 = add_node(t, 'h', 1);
	for (unsigned i = 0; i + 1 < o->n; i++)
		add_link(t, UIDX(t->routers, i), UIDX(t->routers, i + 1));
	add_link(t, UIDX(t->routers, o->n - 1), UIDX(t->routers, 0));
	attach(t, h0, UIDX(t->routers, 0));
	attach(t, h1, farthest_router(t, UIDX(t->routers, 0)));
}

static void
build_grid(struct gen_topo *t, const struct gen_opts *o)
{
	unsigned h0, h1;

	h0 = add_node(t, 'h', 0);
	for (unsigned i = 1; i <= o->w * o->h; i++)
		(void)add_node(t, 'r', i);
	h1 = add_node(t, 'h', 1);
	/* Row by row: each router's link to the right, then the one down. */
	for (unsigned y = 0; y < o->h; y++) {
		for (unsigned x = 0; x < o->w; x++) {
			unsigned i = y * o->w + x;

			if (x + 1 < o->w)
				add_link(t, UIDX(t->routers, i),
				    UIDX(t->routers, i + 1));
			if (y + 1 < o->h)
				add_link(t, UIDX(t->routers, i),
				    UIDX(t->routers, i + o->w));
		}
	}
	attach(t, h0, UIDX(t->routers, 0));
	attach(t, h1, UIDX(t->routers, o->w * o->h - 1));
}

static void
build_random(struct gen_topo *t, const struct gen_opts *o)
{
	uint64_t m = random_edges(o);
	struct sim_rng st;
	unsigned h0, h1;

	/* The project generator, in a stream of its own: the same seed gives
	 * the same graph on every machine. */
	sim_rng_seed(&st, sim_rng_stream_seed(o->seed, "gen random"));

	h0 = add_node(t, 'h', 0);
	for (unsigned i = 1; i <= o->n; i++)
		(void)add_node(t, 'r', i);
	h1 = add_node(t, 'h', 1);
	/* A random spanning tree keeps the graph connected: r_i joins one
	 * of r_1 .. r_{i-1}. */
	for (unsigned i = 1; i < o->n; i++)
		add_link(t, UIDX(t->routers, sim_rng_below(&st, i)),
		    UIDX(t->routers, i));
	while (t->links->len < m) {
		unsigned a = sim_rng_below(&st, o->n), b = sim_rng_below(&st, o->n);

		if (a == b)
			continue;
		if (a > b) {
			unsigned x = a;

			a = b;
			b = x;
		}
		if (adjacent(t, UIDX(t->routers, a), UIDX(t->routers, b)))
			continue;
		add_link(t, UIDX(t->routers, a), UIDX(t->routers, b));
	}
	attach(t, h0, UIDX(t->routers, 0));
	attach(t, h1, farthest_router(t, UIDX(t->routers, 0)));
}

static int
route_cmp(const void *a, const void *b)
{
	const struct gen_route *x = a, *y = b;

	return (x->eh < y->eh ? -1 : x->eh > y->eh);
}

/*
 * Static routes toward every end-host network.  All end hosts on one router
 * share its shortest-path tree, so one search per such router suffices.
 * Pass one counts, per router and interface, the end hosts reached through
 * it; the interface reaching most (the higher one on a tie) becomes the
 * default route.  Pass two writes explicit routes for the others.
 */
static void
compute_routes(struct gen_topo *t)
{
	unsigned n = t->nodes->len;
	int *up = g_new(int, n);
	unsigned *queue = g_new(unsigned, n);

	for (unsigned i = 0; i < t->routers->len; i++) {
		struct gen_node *r = NODE(t, UIDX(t->routers, i));

		r->gwcount = g_new0(uint64_t, r->ifl->len);
		r->rt = g_array_new(FALSE, FALSE, sizeof(struct gen_route));
	}
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < t->routers->len; i++) {
			unsigned a = UIDX(t->routers, i);
			const GArray *att = NODE(t, a)->attached;
			unsigned reached;

			if (att == NULL)
				continue;
			reached = bfs(t, a, up, NULL, queue);
			for (unsigned q = 1; q < reached; q++) {
				struct gen_node *r = NODE(t, queue[q]);

				if (pass == 0) {
					r->gwcount[up[queue[q]]] += att->len;
					continue;
				}
				if (up[queue[q]] == r->dflt_if)
					continue;
				for (unsigned j = 0; j < att->len; j++) {
					struct gen_route rt = {
					    .eh = UIDX(att, j),
					    .ifidx = (unsigned)up[queue[q]] };

					g_array_append_val(r->rt, rt);
				}
			}
		}
		if (pass != 0)
			break;
		for (unsigned i = 0; i < t->routers->len; i++) {
			struct gen_node *r = NODE(t, UIDX(t->routers, i));
			uint64_t best = 0;

			for (unsigned j = 0; j < r->ifl->len; j++) {
				if (r->gwcount[j] > 0 &&
				    r->gwcount[j] >= best) {
					best = r->gwcount[j];
					r->dflt_if = (int)j;
				}
			}
		}
	}
	for (unsigned i = 0; i < t->routers->len; i++) {
		struct gen_node *r = NODE(t, UIDX(t->routers, i));

		g_array_sort(r->rt, route_cmp);
		g_free(r->gwcount);
		r->gwcount = NULL;
	}
	g_free(up);
	g_free(queue);
}

static unsigned
attach_router(const struct gen_topo *t, unsigned eh)
{

	return (peer(t, eh, 0));
}

/* The interface router r sends a packet for end host eh out of. */
static unsigned
route_lookup(const struct gen_topo *t, unsigned r, unsigned eh)
{
	const struct gen_node *nr = NODE(t, r);
	const struct gen_route key = { .eh = eh }, *hit;

	hit = nr->rt->len == 0 ? NULL : bsearch(&key, nr->rt->data,
	    nr->rt->len, sizeof(struct gen_route), route_cmp);
	if (hit != NULL)
		return (hit->ifidx);
	g_assert(nr->dflt_if >= 0);
	return ((unsigned)nr->dflt_if);
}

/* One ipfw pass at a router: returns false when `drop` ended the packet. */
static bool
divert_pass(struct gen_node *nr, uint64_t count, bool drop, unsigned *npass)
{

	if (!nr->diverts)
		return (true);
	nr->reads += count;
	(*npass)++;
	return (!drop);
}

/*
 * Follow `count` packets from end host s (or, for an ICMP error, from
 * router `from`) to end host d through the routes written, adding what
 * each router and end host will count.  A diverting router reads a packet
 * once per ipfw pass that matches: the inbound pass, then the outbound pass
 * of the forwarded packet, which starts afresh (the divert tag is consumed
 * on input, as ipfw_check_packet() does); every read after the first at one
 * router counts sim.rediverts.  With `drop` the first read ends the packet.
 * A router that gets the packet with TTL 1 (after the inbound pass) does
 * not forward it and sends time exceeded back, as ip_forward() does, unless
 * the packet is itself an ICMP error (icmp_error()).  Returns whether the
 * packets arrive.
 */
static bool
walk(struct gen_topo *t, const struct gen_opts *o, unsigned s, unsigned d,
    uint64_t count, unsigned ttl, bool is_error, int from)
{
	unsigned r = from >= 0 ? (unsigned)from : attach_router(t, s);
	unsigned last = attach_router(t, d);
	bool drop = strcmp(o->prog[0], "drop") == 0;
	bool here = from >= 0;		/* originated at r: no input pass */

	for (unsigned hops = 0; ; hops++) {
		struct gen_node *nr = NODE(t, r);
		unsigned npass = 0;

		g_assert(hops <= t->routers->len);
		if (!here) {
			if (o->via != GEN_VIA_OUT &&
			    !divert_pass(nr, count, drop, &npass))
				return (false);
			if (ttl <= 1) {
				nr->ttl_exceeded += count;
				if (!is_error)
					(void)walk(t, o, d, s, count,
					    GEN_DEFTTL, true, (int)r);
				return (false);
			}
			ttl--;
		}
		if (o->via != GEN_VIA_IN &&
		    !divert_pass(nr, count, drop, &npass))
			return (false);
		if (npass > 1)
			t->rediverts += count * (npass - 1);
		here = false;
		if (r == last) {
			if (is_error)
				NODE(t, d)->timxceed += count;
			return (true);
		}
		r = peer(t, r, route_lookup(t, r, d));
	}
}

/*
 * Flow f runs from end host f mod M to end host (f + M/2) mod M: with two
 * end hosts, h0 to h1 then back; in a star or a tree, across the middle.
 */
static void
flow_ends(const struct gen_topo *t, unsigned f, unsigned *s, unsigned *d)
{
	unsigned m = t->ehosts->len;

	*s = UIDX(t->ehosts, f % m);
	*d = UIDX(t->ehosts, (f + m / 2) % m);
}

static void
compute_expectations(struct gen_topo *t, const struct gen_opts *o)
{
	const char *prog = o->prog[0];
	bool any_divert = false;
	unsigned ttl = o->ttl_given ? o->ttl : GEN_DEFTTL;
	unsigned mtu = o->mtu_given ? o->mtu : GEN_LINK_MTU;

	for (unsigned i = 0; i < t->routers->len; i++)
		if (NODE(t, UIDX(t->routers, i))->diverts)
			any_divert = true;
	t->delivery_known = !any_divert || strcmp(prog, "drop") == 0 ||
	    strcmp(prog, "reinject") == 0;
	/* A fragmented datagram is reassembled before it is diverted
	 * (ipfw_divert()) and fragmented again on output: reads are then
	 * not a simple count of datagrams. */
	t->fragmented = o->size_bytes + GEN_HDR_BYTES > mtu;
	t->model_known = t->delivery_known && !t->fragmented;
	for (unsigned f = 0; f < o->flows; f++) {
		unsigned s, d;

		flow_ends(t, f, &s, &d);
		if (o->proto == GEN_UDP)
			NODE(t, d)->listens = true;
		else
			NODE(t, s)->pings = true;
	}
	if (!t->delivery_known)
		return;
	for (unsigned f = 0; f < o->flows; f++) {
		unsigned s, d;

		flow_ends(t, f, &s, &d);
		if (o->proto == GEN_UDP) {
			if (walk(t, o, s, d, o->count, ttl, false, -1))
				NODE(t, d)->udp_received += o->count;
		} else if (walk(t, o, s, d, o->count, ttl, false, -1)) {
			NODE(t, d)->echo_requests += o->count;
			/* The reply is a new datagram with the default TTL
			 * (icmp_reflect()). */
			if (walk(t, o, d, s, o->count, GEN_DEFTTL, false, -1))
				NODE(t, s)->ping_received += o->count;
		}
	}
}

/* ---- output ------------------------------------------------------------ */

static const char *
node_name(const struct gen_topo *t, unsigned v, char *buf, size_t len)
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
put_program(FILE *out, const struct gen_opts *o)
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
sketch_grid(FILE *out, const struct gen_opts *o)
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
put_sketch(FILE *out, const struct gen_topo *t, const struct gen_opts *o)
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
		unsigned far = NODE(t, attach_router(t,
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
		    "from r1\n", node_name(t, attach_router(t,
		    UIDX(t->ehosts, 1)), b1, sizeof(b1)));
		break;
	}
}

/* The path of flow 0 written as a comment, when it is short. */
static void
put_path(FILE *out, const struct gen_topo *t, unsigned ttl)
{
	unsigned s, d, r, hops = 0;
	char b[16];

	flow_ends(t, 0, &s, &d);
	r = attach_router(t, s);
	fprintf(out, "# route %s -> ", node_name(t, s, b, sizeof(b)));
	fprintf(out, "%s:", node_name(t, d, b, sizeof(b)));
	for (;;) {
		if (hops < 12)
			fprintf(out, " %s", node_name(t, r, b, sizeof(b)));
		else if (hops == 12)
			fputs(" ...", out);
		hops++;
		if (r == attach_router(t, d))
			break;
		r = peer(t, r, route_lookup(t, r, d));
	}
	if (hops > 12)
		fprintf(out, " %s", node_name(t, r, b, sizeof(b)));
	fprintf(out, " (%u router%s)\n", hops, hops == 1 ? "" : "s");
	if (hops >= ttl)
		fprintf(out, "# that is more routers than a TTL of %u lets a "
		    "packet cross: it expires at\n# router %u of the path, "
		    "which sends time exceeded back (--ttl, up to 255).\n",
		    ttl, ttl);
}

static void
put_header(FILE *out, const struct gen_topo *t, const struct gen_opts *o,
    int argc, char **argv)
{
	unsigned ndiv = 0;

	for (unsigned i = 0; i < t->routers->len; i++)
		if (NODE(t, UIDX(t->routers, i))->diverts)
			ndiv++;
	fprintf(out, "title \"generated %s: %u hosts (%u router%s), %u links; "
	    "%u diverting router%s\"\n", kind_names[o->kind],
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
	fputs("# addresses: the k-th link below (from 0) is "
	    "10.(k/256).(k%256).0/24, its\n# first-named host .1, the other "
	    ".2; interfaces em0, em1, ... in link order.\n", out);
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
put_host(FILE *out, const struct gen_topo *t, const struct gen_opts *o,
    unsigned v)
{
	const struct gen_node *nd = NODE(t, v);
	char name[16], addr[16];
	bool router = nd->prefix == 'r';

	fprintf(out, "host %s\n", node_name(t, v, name, sizeof(name)));
	if (router)
		fputs("  sysctl net.inet.ip.forwarding=1\n", out);
	for (unsigned i = 0; i < nd->ifl->len; i++) {
		unsigned k = UIDX(nd->ifl, i);

		inet_addr_str(link_addr(t, k, v), addr);
		fprintf(out, "  ifconfig em%u inet %s/24\n", i, addr);
	}
	if (router) {
		for (unsigned i = 0; i < nd->rt->len; i++) {
			const struct gen_route *rt =
			    &g_array_index(nd->rt, struct gen_route, i);
			unsigned ek = UIDX(NODE(t, rt->eh)->ifl, 0);

			inet_addr_str(link_net(ek), addr);
			fprintf(out, "  route add %s/24 ", addr);
			inet_addr_str(link_addr(t,
			    UIDX(nd->ifl, rt->ifidx), peer(t, v, rt->ifidx)), addr);
			fprintf(out, "%s\n", addr);
		}
		if (nd->dflt_if >= 0) {
			unsigned i = (unsigned)nd->dflt_if;

			inet_addr_str(link_addr(t,
			    UIDX(nd->ifl, i), peer(t, v, i)), addr);
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

		inet_addr_str(link_addr(t, k, peer(t, v, 0)), addr);
		fprintf(out, "  route add default %s\n", addr);
	}
	fprintf(out, "  ipfw add %u allow ip from any to any\n",
	    GEN_RULE_ALLOW);
	if (nd->diverts) {
		fprintf(out, "  divert %u ", o->port);
		put_program(out, o);
		fputc('\n', out);
	}
	if (nd->listens)
		fprintf(out, "  listen udp %u\n", GEN_UDP_DPORT);
	fputc('\n', out);
}

static void
put_links(FILE *out, const struct gen_topo *t, const struct gen_opts *o)
{
	char a[16], b[16], buf[32];

	for (unsigned k = 0; k < t->links->len; k++) {
		const struct gen_link *l = LINK(t, k);

		fprintf(out, "link %s:em%u %s:em%u",
		    node_name(t, l->a, a, sizeof(a)), l->ifa,
		    node_name(t, l->b, b, sizeof(b)), l->ifb);
		if (o->rate_given) {
			fmt_scaled(buf, sizeof(buf), o->rate_bps, rate_units);
			fprintf(out, " rate %s", buf);
		}
		if (o->delay_given) {
			fmt_duration(buf, sizeof(buf), o->delay_ns);
			fprintf(out, " delay %s", buf);
		}
		if (o->mtu_given)
			fprintf(out, " mtu %u", o->mtu);
		fputc('\n', out);
	}
	fputc('\n', out);
}

static void
put_traffic(FILE *out, const struct gen_topo *t, const struct gen_opts *o)
{
	char at[32], iv[32], dst[16], sname[16], ttl[16] = "";

	fmt_duration(iv, sizeof(iv), o->interval_ns);
	if (o->ttl_given)
		snprintf(ttl, sizeof(ttl), " -m %u", o->ttl);
	for (unsigned f = 0; f < o->flows; f++) {
		unsigned s, d;

		flow_ends(t, f, &s, &d);
		/* Flows start 100us apart so that they do not all queue
		 * on one interface at the same instant. */
		fmt_duration(at, sizeof(at), GEN_START_NS +
		    (uint64_t)f * GEN_STAGGER_NS);
		inet_addr_str(link_addr(t, UIDX(NODE(t,
		    d)->ifl, 0), d), dst);
		node_name(t, s, sname, sizeof(sname));
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
put_expects(FILE *out, const struct gen_topo *t, const struct gen_opts *o)
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

		node_name(t, v, name, sizeof(name));
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

			node_name(t, v, name, sizeof(name));
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
	fputs("expect sim.loops == 0\n\n", out);
}

static void
topo_free(struct gen_topo *t)
{

	for (unsigned i = 0; i < t->nodes->len; i++) {
		struct gen_node *nd = NODE(t, i);

		g_array_free(nd->ifl, TRUE);
		if (nd->attached != NULL)
			g_array_free(nd->attached, TRUE);
		if (nd->rt != NULL)
			g_array_free(nd->rt, TRUE);
		g_free(nd->gwcount);
	}
	g_array_free(t->nodes, TRUE);
	g_array_free(t->links, TRUE);
	g_array_free(t->ehosts, TRUE);
	g_array_free(t->routers, TRUE);
}

int
scn_gen_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct gen_opts o = {
		.fanout = 2, .degree = 3, .seed = 1, .via = GEN_VIA_BOTH,
		.port = 8000, .flows = 1, .count = 3,
		.interval_ns = 10000000ull,
	};
	struct gen_topo t;
	int rc;

	rc = parse_args(argc, argv, out, err, &o);
	if (rc == 0 && o.prog == NULL)
		rc = opt_program(err, "reinject", &o);
	if (rc == 0)
		rc = check_size(err, &o);
	if (rc != 0) {
		g_strfreev(o.prog);
		return (rc < 0 ? 0 : rc);
	}
	if (!o.size_given)
		o.size_bytes = o.proto == GEN_UDP ? 64 : 56;

	t = (struct gen_topo){ 0 };
	t.nodes = g_array_new(FALSE, FALSE, sizeof(struct gen_node));
	t.links = g_array_new(FALSE, FALSE, sizeof(struct gen_link));
	t.ehosts = g_array_new(FALSE, FALSE, sizeof(unsigned));
	t.routers = g_array_new(FALSE, FALSE, sizeof(unsigned));
	switch (o.kind) {
	case GEN_CHAIN:
		build_chain(&t, &o);
		break;
	case GEN_STAR:
		build_star(&t, &o);
		break;
	case GEN_TREE:
		build_tree(&t, &o);
		break;
	case GEN_RING:
		build_ring(&t, &o);
		break;
	case GEN_GRID:
		build_grid(&t, &o);
		break;
	case GEN_RANDOM:
		build_random(&t, &o);
		break;
	}
	if (o.divert_every > 0)
		for (unsigned i = o.divert_every; i <= t.routers->len;
		    i += o.divert_every)
			NODE(&t, UIDX(t.routers, i - 1))->diverts = true;
	compute_routes(&t);
	compute_expectations(&t, &o);

	put_header(out, &t, &o, argc, argv);
	for (unsigned v = 0; v < t.nodes->len; v++)
		put_host(out, &t, &o, v);
	put_links(out, &t, &o);
	put_traffic(out, &t, &o);
	put_expects(out, &t, &o);
	fputs("run\n", out);

	topo_free(&t);
	g_strfreev(o.prog);
	return (0);
}
