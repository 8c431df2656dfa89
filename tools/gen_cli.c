/*
 * The command line of `divertsim gen`: options into struct scn_gen_opts,
 * then scn_gen_write().  Bad options and combinations a correct run cannot
 * meet are reported here, before anything is written (exit status 2).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "gen_cli.h"
#include "scenario/scn_gen.h"

#define	GEN_EXIT_USAGE		2

struct gen_cli {
	struct scn_gen_opts o;
	const char	*n_arg;		/* -n as given, read once KIND known */
	bool		 kind_given;
};

static const char help_text[] =
"usage: divertsim gen KIND [OPTIONS]\n"
"\n"
"Write a scenario with a generated topology to standard output: hosts,\n"
"addresses, static routes, forwarding, ipfw rules, divert programs,\n"
"traffic and the expectations a correct run meets.  Routers are r1, r2,\n"
"...; end hosts h0, h1, ...; link k is the k-th /30 of 10.0.0.0/8\n"
"(then of 172.16.0.0/12 and 192.168.0.0/16).\n"
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
"  --program 'NAME [ARGS] [-t SERVICE] [-b RCVBUF]'\n"
"                       divert program and its `divert` options (default\n"
"                       reinject), checked as `lint` checks them;\n"
"                       expectations on divert counts are written for\n"
"                       reinject and drop\n"
"  --port P             divert port (default 8000)\n"
"  --rules N            N never-matching count rules (number 50) first on\n"
"                       every router, for benchmarks (default 0)\n"
"  --flows F            F flows; flow f goes from end host f mod M to end\n"
"                       host (f + M/2) mod M, M end hosts (default 1)\n"
"  --count C            packets per flow (default 3)\n"
"  --interval T         time between a flow's packets, above 0 (default\n"
"                       10ms)\n"
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
"Exit status: 0, or 2 for a bad option or for traffic a correct run\n"
"cannot carry (a link queue or divert buffer overflowing, more than 16\n"
"fragments per datagram); nothing is written then.\n"
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

/*
 * --program 'NAME [ARGS] [-t SERVICE] [-b RCVBUF]': the program words, and
 * the options of the `divert` command it will be written with, which may
 * stand anywhere after the name as on a `divert` line.  The program's
 * arguments are checked by the program itself (scn_gen_program_check()).
 */
static int
opt_program(FILE *err, const char *s, struct scn_gen_opts *o)
{
	char **words = g_strsplit_set(s, " \t", -1);
	GPtrArray *keep = g_ptr_array_new_with_free_func(g_free);
	GError *gerr = NULL;
	int rc = 0;

	for (unsigned i = 0; words[i] != NULL && rc == 0; i++) {
		const char *w = words[i], *v;
		uint64_t x = 0;

		if (w[0] == '\0')		/* repeated blanks */
			continue;
		if (keep->len == 0 ||
		    (strcmp(w, "-t") != 0 && strcmp(w, "-b") != 0)) {
			g_ptr_array_add(keep, g_strdup(w));
			continue;
		}
		while (words[i + 1] != NULL && words[i + 1][0] == '\0')
			i++;
		if ((v = words[i + 1]) == NULL) {
			rc = bad(err, "--program: option '%s' needs a value",
			    w);
			break;
		}
		i++;
		if (w[1] == 't') {
			o->service_given = true;
			if (!scn_gen_parse_duration(v, GEN_MAX_DURATION_NS,
			    &o->service_ns))
				rc = bad(err, "--program: -t: '%s' is not a "
				    "duration (a number with a unit: s, ms, "
				    "us, ns; at most 3600s)", v);
		} else {
			o->rcvbuf_given = true;
			if (!parse_u64(v, 1, UINT32_MAX, &x))
				rc = bad(err, "--program: -b: '%s' is not a "
				    "whole number from 1 to %u", v, UINT32_MAX);
			o->rcvbuf = (uint32_t)x;
		}
	}
	g_strfreev(words);
	g_ptr_array_add(keep, NULL);
	words = (char **)g_ptr_array_free(keep, FALSE);
	if (rc == 0 && words[0] == NULL)
		rc = bad(err, "--program: empty program");
	if (rc == 0 && !scn_gen_program_check(words, &gerr)) {
		rc = bad(err, "%s", gerr->message);
		g_error_free(gerr);
	}
	if (rc != 0) {
		g_strfreev(words);
		return (rc);
	}
	g_strfreev(o->prog);
	o->prog = words;
	return (0);
}

static int
apply_opt(FILE *err, const struct gen_optdef *d, const char *optname,
    const char *v, struct gen_cli *c)
{
	struct scn_gen_opts *o = &c->o;
	unsigned e = 0;
	int rc;

	switch (d->id) {
	case OPT_N:
		c->n_arg = v;
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
		rc = opt_enum(err, optname, v, scn_gen_via_names, 3, &e);
		o->via = (enum scn_gen_via)e;
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
		/* ping and send refuse -i 0 at run time (EINVAL). */
		if (!scn_gen_parse_duration(v, GEN_MAX_DURATION_NS,
		    &o->interval_ns) || o->interval_ns == 0)
			return (bad(err, "%s: '%s' is not a duration above "
			    "zero (a number with a unit: s, ms, us, ns; at "
			    "most 3600s)", optname, v));
		return (0);
	case OPT_SIZE:
		o->size_given = true;
		return (opt_uint(err, optname, v, 0, 65535 - GEN_HDR_BYTES,
		    &o->size_bytes));
	case OPT_PROTO: {
		static const char *const protos[] = { "udp", "icmp" };

		rc = opt_enum(err, optname, v, protos, 2, &e);
		o->proto = (enum scn_gen_proto)e;
		return (rc);
	}
	case OPT_RATE:
		o->rate_given = true;
		if (!scn_gen_parse_rate(v, GEN_MAX_RATE_BPS, &o->rate_bps) ||
		    o->rate_bps == 0)
			return (bad(err, "%s: '%s' is not a rate (a number "
			    "above zero with a unit: bps, Kbps, Mbps, Gbps)",
			    optname, v));
		return (0);
	case OPT_DELAY:
		o->delay_given = true;
		if (!scn_gen_parse_duration(v, GEN_MAX_DURATION_NS,
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
apply_size(FILE *err, struct gen_cli *c)
{
	struct scn_gen_opts *o = &c->o;
	static const unsigned defaults[] = { 3, 4, 2, 6, 0, 10 };
	static const unsigned minimum[] = { 1, 2, 1, 3, 1, 2 };
	const char *x;
	char *wpart;
	int rc;

	if (o->kind == GEN_GRID) {
		if (c->n_arg == NULL) {
			o->w = o->h = 3;
			return (0);
		}
		x = strchr(c->n_arg, 'x');
		if (x == NULL)
			return (bad(err, "-n: grid size '%s' is not WxH "
			    "(e.g. 4x3)", c->n_arg));
		wpart = g_strndup(c->n_arg, (gsize)(x - c->n_arg));
		rc = opt_uint(err, "-n (grid width)", wpart, 1, 65535, &o->w);
		g_free(wpart);
		if (rc == 0)
			rc = opt_uint(err, "-n (grid height)", x + 1, 1, 65535,
			    &o->h);
		return (rc);
	}
	if (c->n_arg == NULL) {
		o->n = defaults[o->kind];
		return (0);
	}
	return (opt_uint(err, "-n", c->n_arg, minimum[o->kind], 1000000,
	    &o->n));
}

/*
 * Parse argv (argv[0] is "gen").  Returns 0, 2 for a bad option, or -1 when
 * --help was printed.
 */
static int
parse_args(int argc, char **argv, FILE *out, FILE *err, struct gen_cli *c)
{
	struct scn_gen_opts *o = &c->o;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct gen_optdef *d = NULL;
		char *optname;

		if (a[0] != '-' || a[1] == '\0') {
			unsigned k;

			if (c->kind_given)
				return (bad(err, "unexpected argument '%s' "
				    "(KIND is already %s)", a,
				    scn_gen_kind_names[o->kind]));
			if (opt_enum(err, "KIND", a, scn_gen_kind_names,
			    GEN_NKINDS, &k) != 0)
				return (GEN_EXIT_USAGE);
			o->kind = (enum scn_gen_kind)k;
			c->kind_given = true;
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
		rc = apply_opt(err, d, optname, val != NULL ? val : "", c);
		g_free(optname);
		if (rc != 0)
			return (rc);
	}
	if (!c->kind_given)
		return (bad(err, "missing KIND (chain, star, tree, ring, grid, "
		    "random)"));
	return (apply_size(err, c));
}


int
gen_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct gen_cli c = { .n_arg = NULL };
	GError *gerr = NULL;
	int rc;

	scn_gen_opts_init(&c.o);
	rc = parse_args(argc, argv, out, err, &c);
	if (rc == 0 && !scn_gen_write(&c.o, argc, argv, out, &gerr)) {
		rc = bad(err, "%s", gerr->message);
		g_error_free(gerr);
	}
	scn_gen_opts_clear(&c.o);
	return (rc < 0 ? 0 : rc);
}
