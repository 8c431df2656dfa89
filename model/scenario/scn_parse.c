/*
 * The scenario parser: logical lines of words (scn_lex.c) to the records of
 * struct scenario (scn.h).  It touches no simulation state; scn_build.c
 * turns the records into a world.
 *
 * Like pfctl's parse.y it reports every error of a file: each line is parsed
 * on its own and an error abandons only that line (one error per line), so
 * nothing is half-recorded and the next line starts clean.  The file is read
 * in two passes so that errors still come out in line order although a line
 * may refer to what a later line declares: pass 1 silently notes the host
 * names and the interfaces that links join; pass 2 parses every line in
 * order against those notes.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "apps/app_traffic.h"
#include "ipfw/ipfw.h"
#include "scenario/diag.h"
#include "scenario/scn.h"
#include "scenario/scn_lex.h"

/* Defaults of the contract (docs/spec/scenario-language.md); the link and
 * divert defaults are in scn.h, which the generator reads too. */
#define	TRAFFIC_DEFAULT_INTERVAL_NS	1000000000ull	/* 1s */
#define	PING_DEFAULT_SIZE		56u
#define	SEND_DEFAULT_SIZE		64u
#define	CONNECT_MAX_BYTES		(1ull << 40)	/* 1 TiB */
#define	TRAFFIC_DEFAULT_TTL		64u
#define	SCN_DEFAULT_LOOP_LIMIT		64u
#define	SCN_DEFAULT_RELEASE		6

#define	NATD_PORT			8668u	/* /etc/services "natd" */
#define	IF_MINMTU			68u	/* RFC 791: every host takes 68 */
#define	IF_MAXMTU			65535u
/* The largest payload of one IPv4 datagram, the limit the apps apply. */
#define	MAX_PAYLOAD			APP_MAX_PAYLOAD
/*
 * ns-3 keeps time in a signed 64-bit count of nanoseconds: 2^63 ns and
 * later would wrap negative.
 */
#define	MAX_DURATION_NS			((uint64_t)INT64_MAX)
/*
 * ns-3's DataRate times a frame with int64x64_t arithmetic, which goes
 * wrong near 2^64 bits per second: from about 2^64 - 1.6e16 (lower for
 * larger frames) the transmission time comes out negative and a frame
 * arrives before it was sent.  Below 2^63 every frame size is timed
 * within 1 ns of bits / rate.
 */
#define	MAX_RATE_BPS			((uint64_t)INT64_MAX)
#define	IFNAMSIZ_CHARS			15u	/* IFNAMSIZ less the NUL */

/* What pass 1 knows of one interface a link joins. */
struct prelink {
	unsigned	 line;
	uint32_t	 mtu;		/* 0: not readable, do not check */
};

/* Where an interface got its (non-alias) address at time 0. */
struct addr_at {
	unsigned	 line;
	unsigned	 block;
};

/* An interface mentioned by ifconfig or link, in file order. */
struct mention {
	char		*host;
	char		*ifname;
};

/*
 * Where the lines a scenario no longer holds are lexed again from: the
 * file's text, kept when it came from a string or a pipe, read again from
 * the file (the same length, or it changed) the first time a message needs
 * it otherwise.
 */
struct scn_source {
	char		*text;
	size_t		 len;
	bool		 reread;	/* text == NULL: read s->path again */
	bool		 changed;	/* the file is not the one parsed */
	struct scn_words *last;		/* what scn_cmd_words() last made */
};

struct parser {
	struct diag	*d;
	struct scenario	*s;
	int		 release;	/* for hosts declared from now on */
	struct scn_host	*cur;		/* the current host block */
	bool		 phantom;	/* its host line was unusable: the
					   commands under it are parsed for
					   their own errors, not recorded */
	bool		 in_at;		/* parsing an `at` line's command */
	unsigned	 block;		/* host blocks so far */
	GHashTable	*declared;	/* pass 1: host names */
	GPtrArray	*declared_order; /* pass 1: the same, file order */
	GHashTable	*bad_hosts;	/* pass 1: names of unusable host
					   lines, referred to silently */
	GHashTable	*addr_at;	/* "HOST:IF" -> struct addr_at */
	GHashTable	*ends;		/* pass 1: "HOST:IF" -> prelink */
	GHashTable	*joined;	/* pass 2: "HOST:IF" -> link line */
	GHashTable	*seen_if;	/* pass 2: "HOST:IF" mentioned */
	GPtrArray	*mentions;	/* struct mention *, file order */
	unsigned	 title_line, seed_line, loop_line, run_line;
};

/* ---- words to values ------------------------------------------------- */

/* Decimal digits only (no sign, no base prefix), without overflow. */
static bool
str_u64(const char *s, uint64_t *v)
{
	uint64_t n;

	if (*s == '\0')
		return (false);
	n = 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (false);
		if (n > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return (false);
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	return (true);
}

/*
 * A dotted quad, strictly: four decimal parts 0..255 without leading zeros
 * (inet_aton(3) would read "010" as octal, a surprise nobody wants in a
 * test scenario).  Host byte order.
 */
static bool
str_addr(const char *s, size_t len, uint32_t *addr)
{
	uint32_t a, part;
	unsigned nparts, ndig;
	size_t i;

	a = 0;
	nparts = 0;
	i = 0;
	for (;;) {
		part = 0;
		ndig = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (ndig > 0 && part == 0)
				return (false);
			part = part * 10 + (uint32_t)(s[i] - '0');
			if (++ndig > 3 || part > 255)
				return (false);
			i++;
		}
		if (ndig == 0)
			return (false);
		a = a << 8 | part;
		if (++nparts == 4)
			break;
		if (i >= len || s[i] != '.')
			return (false);
		i++;
	}
	if (i != len)
		return (false);
	*addr = a;
	return (true);
}

static uint32_t
plen_mask(unsigned plen)
{

	return (plen == 0 ? 0 : UINT32_MAX << (32 - plen));
}

static bool
valid_name(const char *s, const char *extra, size_t maxlen)
{
	size_t i;

	if (!g_ascii_isalpha(s[0]))
		return (false);
	for (i = 1; s[i] != '\0'; i++)
		if (!g_ascii_isalnum(s[i]) && strchr(extra, s[i]) == NULL)
			return (false);
	return (i <= maxlen);
}

/* Host names become the first part of counter names: no dots. */
static bool
valid_host_name(const char *s)
{

	return (valid_name(s, "-_", 64));
}

static bool
valid_ifname(const char *s)
{

	return (valid_name(s, "_.", IFNAMSIZ_CHARS));
}

/* ---- diagnostics helpers --------------------------------------------- */

/* Word i must exist: else "missing WHAT after 'PREVIOUS'" at end of line. */
static bool
need(struct parser *p, const struct scn_words *w, unsigned i,
    const char *what)
{

	if (i < w->argc)
		return (true);
	diag_error(p->d, w, w->argc, "missing %s after '%s'", what,
	    w->argv[w->argc - 1]);
	return (false);
}

/* Nothing may follow word i - 1. */
static bool
at_end(struct parser *p, const struct scn_words *w, unsigned i)
{

	if (i >= w->argc)
		return (true);
	diag_error(p->d, w, i, "unexpected word '%s'", w->argv[i]);
	return (false);
}

static bool
parse_num(struct parser *p, const struct scn_words *w, unsigned i,
    const char *what, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (!need(p, w, i, what))
		return (false);
	if (!str_u64(w->argv[i], &v)) {
		/* Digits only: a number, too large for any field. */
		if (w->argv[i][strspn(w->argv[i], "0123456789")] == '\0')
			goto range;
		diag_error(p->d, w, i, "bad %s '%s'", what, w->argv[i]);
		return (false);
	}
	if (v < min || v > max) {
range:
		diag_error(p->d, w, i, "%s '%s' out of range (%" PRIu64 "..%"
		    PRIu64 ")", what, w->argv[i], min, max);
		return (false);
	}
	*out = v;
	return (true);
}

struct unit {
	const char	*name;
	uint64_t	 scale;
};

static const struct unit duration_units[] = {
	{ "s", 1000000000ull }, { "ms", 1000000ull }, { "us", 1000ull },
	{ "ns", 1ull }, { NULL, 0 }
};
static const struct unit rate_units[] = {
	{ "bps", 1ull }, { "Kbps", 1000ull }, { "Mbps", 1000000ull },
	{ "Gbps", 1000000000ull }, { NULL, 0 }
};

/* The index of the table's base unit (scale 1). */
static unsigned
k_base(const struct unit *units)
{
	unsigned k = 0;

	while (units[k].scale != 1)
		k++;
	return (k);
}

/*
 * A decimal number with a unit, to an exact integer of the base unit:
 * "1.5ms" is 1500000 ns, computed on the digits (never through a double,
 * which cannot hold 0.1 exactly).
 */
static bool
parse_scaled(struct parser *p, const struct scn_words *w, unsigned i,
    const char *what, const char *unitlist, const char *base,
    const struct unit *units, uint64_t max, uint64_t *out)
{
	const char *s, *u;
	uint64_t ip, fp, scale, pow10, v;
	unsigned fdig, k;

	if (!need(p, w, i, what))
		return (false);
	s = w->argv[i];
	ip = 0;
	u = s;
	if (*u < '0' || *u > '9')
		goto bad;
	for (; *u >= '0' && *u <= '9'; u++) {
		if (ip > (UINT64_MAX - (uint64_t)(*u - '0')) / 10)
			goto range;
		ip = ip * 10 + (uint64_t)(*u - '0');
	}
	fp = 0;
	fdig = 0;
	if (*u == '.') {
		u++;
		if (*u < '0' || *u > '9')
			goto bad;
		for (; *u >= '0' && *u <= '9'; u++) {
			/* Digits beyond the 18th must be zeros to be exact. */
			if (fdig >= 18) {
				if (*u != '0')
					goto notwhole;
				continue;
			}
			fp = fp * 10 + (uint64_t)(*u - '0');
			fdig++;
		}
		while (fdig > 0 && fp % 10 == 0) {
			fp /= 10;
			fdig--;
		}
	}
	if (*u == '\0') {
		diag_error(p->d, w, i, "%s '%s' needs a unit (%s)", what, s,
		    unitlist);
		return (false);
	}
	scale = 0;
	for (k = 0; units[k].name != NULL; k++)
		if (strcmp(u, units[k].name) == 0)
			scale = units[k].scale;
	if (scale == 0) {
		diag_error(p->d, w, i, "unknown unit '%s' in %s '%s' (%s)", u,
		    what, s, unitlist);
		return (false);
	}
	/* Every scale is at most 10^9: more fraction digits cannot be whole,
	 * and fp < 10^9 keeps fp * scale below 2^64. */
	if (fdig > 9)
		goto notwhole;
	pow10 = 1;
	for (k = 0; k < fdig; k++)
		pow10 *= 10;
	if (fp * scale % pow10 != 0)
		goto notwhole;
	if (ip > UINT64_MAX / scale)
		goto range;
	v = ip * scale;
	if (v > UINT64_MAX - fp * scale / pow10)
		goto range;
	v += fp * scale / pow10;
	if (v > max)
		goto range;
	*out = v;
	return (true);
bad:
	diag_error(p->d, w, i, "bad %s '%s'", what, s);
	return (false);
range:
	diag_error(p->d, w, i, "%s '%s' out of range (at most %" PRIu64 "%s)",
	    what, s, max, units[k_base(units)].name);
	return (false);
notwhole:
	diag_error(p->d, w, i, "%s '%s' is not a whole number of %s", what, s,
	    base);
	return (false);
}

static bool
parse_duration(struct parser *p, const struct scn_words *w, unsigned i,
    uint64_t *ns)
{

	return (parse_scaled(p, w, i, "duration", "s, ms, us, ns",
	    "nanoseconds", duration_units, MAX_DURATION_NS, ns));
}

static bool
parse_rate(struct parser *p, const struct scn_words *w, unsigned i,
    uint64_t *bps)
{

	if (!parse_scaled(p, w, i, "rate", "bps, Kbps, Mbps, Gbps",
	    "bits per second", rate_units, MAX_RATE_BPS, bps))
		return (false);
	if (*bps == 0) {
		diag_error(p->d, w, i, "rate '%s' must be greater than zero",
		    w->argv[i]);
		return (false);
	}
	return (true);
}

static bool
parse_addr(struct parser *p, const struct scn_words *w, unsigned i,
    const char *what, uint32_t *addr)
{

	if (!need(p, w, i, what))
		return (false);
	if (!str_addr(w->argv[i], strlen(w->argv[i]), addr)) {
		diag_error(p->d, w, i, "bad %s '%s'", what, w->argv[i]);
		return (false);
	}
	return (true);
}

/* ADDR/PLEN. */
static bool
parse_prefix(struct parser *p, const struct scn_words *w, unsigned i,
    const char *what, uint32_t *addr, uint8_t *plen)
{
	const char *s, *slash;
	uint64_t v;

	if (!need(p, w, i, what))
		return (false);
	s = w->argv[i];
	slash = strchr(s, '/');
	if (!str_addr(s, slash != NULL ? (size_t)(slash - s) : strlen(s),
	    addr)) {
		diag_error(p->d, w, i, "bad %s '%s'", what, s);
		return (false);
	}
	if (slash == NULL) {
		diag_error(p->d, w, i, "%s '%s' needs a prefix length "
		    "(ADDR/PLEN)", what, s);
		return (false);
	}
	if (!str_u64(slash + 1, &v) || v > 32) {
		diag_error(p->d, w, i, "bad prefix length '%s' in '%s' "
		    "(0..32)", slash + 1, s);
		return (false);
	}
	*plen = (uint8_t)v;
	return (true);
}

/* A divert or UDP port: 1..65535, or the service name natd when allowed. */
static bool
parse_port(struct parser *p, const struct scn_words *w, unsigned i,
    bool natd, uint16_t *port)
{
	uint64_t v;

	if (natd && i < w->argc && strcmp(w->argv[i], "natd") == 0) {
		*port = NATD_PORT;
		return (true);
	}
	if (!parse_num(p, w, i, "port", 1, 65535, &v))
		return (false);
	*port = (uint16_t)v;
	return (true);
}

/* ---- interfaces ------------------------------------------------------ */

static char *
if_key(const char *host, const char *ifname)
{

	return (g_strdup_printf("%s:%s", host, ifname));
}

/* Note a mention of host:ifname in file order; true if it is the first. */
static bool
mention(struct parser *p, const char *host, const char *ifname)
{
	struct mention *m;
	char *key;

	if (strcmp(ifname, "lo0") == 0)
		return (false);
	key = if_key(host, ifname);
	if (g_hash_table_contains(p->seen_if, key)) {
		g_free(key);
		return (false);
	}
	g_hash_table_add(p->seen_if, key);
	m = g_new(struct mention, 1);
	m->host = g_strdup(host);
	m->ifname = g_strdup(ifname);
	g_ptr_array_add(p->mentions, m);
	return (true);
}

static void
mention_free(void *arg)
{
	struct mention *m = arg;

	g_free(m->host);
	g_free(m->ifname);
	g_free(m);
}

/*
 * ifconfig names interface i of host: the interface must be one that a link
 * joins (the contract), checked where it is first mentioned.
 */
static bool
ifconfig_mention(struct parser *p, const struct scn_words *w, unsigned i,
    const char *host)
{
	const char *ifname = w->argv[i];
	char *key;
	bool joined;

	if (host == NULL)	/* a phantom block: no host to check against */
		return (true);
	if (!mention(p, host, ifname))
		return (true);
	key = if_key(host, ifname);
	joined = g_hash_table_contains(p->ends, key);
	g_free(key);
	if (!joined) {
		diag_error(p->d, w, i, "interface '%s' of host '%s' is joined "
		    "by no link", ifname, host);
		return (false);
	}
	return (true);
}

/*
 * `ifconfig em0 inet 10.0.0.1 netmask 255.255.255.0`, the other way
 * ifconfig(8) takes a mask: name the ADDR/PLEN the contract wants.
 * Returns true when it reported (the line is abandoned).
 */
static bool
netmask_form(struct parser *p, const struct scn_words *w, unsigned i)
{
	uint32_t addr, mask;
	unsigned plen;

	if (i + 2 >= w->argc || strcmp(w->argv[i + 1], "netmask") != 0 ||
	    strchr(w->argv[i], '/') != NULL ||
	    !str_addr(w->argv[i], strlen(w->argv[i]), &addr))
		return (false);
	if (!str_addr(w->argv[i + 2], strlen(w->argv[i + 2]), &mask)) {
		diag_error(p->d, w, i + 2, "bad netmask '%s'; write the "
		    "address as ADDR/PLEN", w->argv[i + 2]);
		return (true);
	}
	for (plen = 0; plen < 32 && (mask & (1u << (31 - plen))) != 0; plen++)
		;
	if (mask != plen_mask(plen)) {
		diag_error(p->d, w, i + 2, "netmask '%s' is not contiguous; "
		    "write the address as ADDR/PLEN", w->argv[i + 2]);
		return (true);
	}
	diag_error(p->d, w, i, "address '%s' needs a prefix length "
	    "(ADDR/PLEN); did you mean '%s/%u'?", w->argv[i], w->argv[i],
	    plen);
	return (true);
}

/*
 * A second `host NAME` block that gives an interface an address again,
 * without `alias`, would silently replace the first block's address (a
 * duplicated block pasted twice): an error.  Within one block, or in an
 * `at` command, replacing is ifconfig(8)'s ordinary behaviour.
 */
static bool
address_once(struct parser *p, const struct scn_words *w, unsigned i,
    const char *host, bool alias)
{
	struct addr_at *prev, *a;
	char *key;

	if (host == NULL || p->in_at || alias)
		return (true);
	key = if_key(host, w->argv[i]);
	prev = g_hash_table_lookup(p->addr_at, key);
	if (prev != NULL && prev->block != p->block) {
		diag_error(p->d, w, i, "interface '%s' of host '%s' already got "
		    "its address at line %u, in an earlier 'host %s' block "
		    "(a duplicated block?); add 'alias' for a second address",
		    w->argv[i], host, prev->line, host);
		g_free(key);
		return (false);
	}
	if (prev == NULL) {
		a = g_new(struct addr_at, 1);
		a->line = w->pos[0].line;
		a->block = p->block;
		g_hash_table_insert(p->addr_at, key, a);
	} else {
		g_free(key);
	}
	return (true);
}

/* ---- host commands --------------------------------------------------- */

typedef bool (*host_cmd_fn)(struct parser *, struct scn_words *, unsigned,
    const char *, struct scn_host_cmd *);

/* ifconfig IF inet ADDR/PLEN [alias] | ifconfig IF mtu N */
static bool
cmd_ifconfig(struct parser *p, struct scn_words *w, unsigned i,
    const char *host, struct scn_host_cmd *c)
{
	const char *ifname, *param;
	struct prelink *pl;
	uint64_t mtu;
	char *key;

	if (!need(p, w, i, "interface name"))
		return (false);
	ifname = w->argv[i];
	if (!valid_ifname(ifname)) {
		diag_error(p->d, w, i, "bad interface name '%s'", ifname);
		return (false);
	}
	if (!need(p, w, i + 1, "'inet' or 'mtu'"))
		return (false);
	param = w->argv[i + 1];
	if (strcmp(param, "inet") == 0) {
		c->kind = SCN_IFCONFIG_ADDR;
		if (netmask_form(p, w, i + 2))
			return (false);
		if (!parse_prefix(p, w, i + 2, "address", &c->u.ifaddr.addr,
		    &c->u.ifaddr.plen))
			return (false);
		if (i + 3 < w->argc && strcmp(w->argv[i + 3], "alias") == 0) {
			c->u.ifaddr.alias = true;
			if (!at_end(p, w, i + 4))
				return (false);
		} else if (!at_end(p, w, i + 3)) {
			return (false);
		}
		if (!ifconfig_mention(p, w, i, host) ||
		    !address_once(p, w, i, host, c->u.ifaddr.alias))
			return (false);
		c->u.ifaddr.ifname = g_strdup(ifname);
		return (true);
	}
	if (strcmp(param, "mtu") == 0) {
		c->kind = SCN_IFCONFIG_MTU;
		if (!parse_num(p, w, i + 2, "mtu", IF_MINMTU, IF_MAXMTU, &mtu) ||
		    !at_end(p, w, i + 3))
			return (false);
		if (!ifconfig_mention(p, w, i, host))
			return (false);
		key = host != NULL ? if_key(host, ifname) : NULL;
		pl = key != NULL ? g_hash_table_lookup(p->ends, key) : NULL;
		g_free(key);
		if (pl != NULL && pl->mtu != 0 && mtu > pl->mtu) {
			diag_error(p->d, w, i + 2, "mtu %" PRIu64 " of '%s:%s' "
			    "exceeds the mtu %" PRIu32 " of its link (line %u)",
			    mtu, host, ifname, pl->mtu, pl->line);
			return (false);
		}
		c->u.ifmtu.ifname = g_strdup(ifname);
		c->u.ifmtu.mtu = (uint32_t)mtu;
		return (true);
	}
	{
		static const char *const params[] = { "inet", "mtu", NULL };
		char dym[128];

		diag_error(p->d, w, i + 1, "unknown ifconfig parameter '%s' "
		    "(inet, mtu)%s", param, diag_did_you_mean(
		    diag_suggest_list(param, params), dym, sizeof(dym)));
	}
	return (false);
}

/* route add default GW | NET/PLEN GW | -net NET/PLEN GW | -host ADDR GW */
static bool
cmd_route(struct parser *p, struct scn_words *w, unsigned i,
    const char *host, struct scn_host_cmd *c)
{
	const char *dst;
	unsigned g;

	(void)host;
	if (!need(p, w, i, "'add'"))
		return (false);
	if (strcmp(w->argv[i], "add") != 0) {
		diag_error(p->d, w, i, "unknown route command '%s' (only "
		    "'add')", w->argv[i]);
		return (false);
	}
	if (!need(p, w, i + 1, "destination"))
		return (false);
	dst = w->argv[i + 1];
	g = i + 3;
	if (strcmp(dst, "default") == 0) {
		c->u.route.dst = 0;
		c->u.route.plen = 0;
		g = i + 2;
	} else if (strcmp(dst, "-host") == 0) {
		if (!parse_addr(p, w, i + 2, "host address", &c->u.route.dst))
			return (false);
		c->u.route.plen = 32;
	} else if (strcmp(dst, "-net") == 0) {
		if (!parse_prefix(p, w, i + 2, "network", &c->u.route.dst,
		    &c->u.route.plen))
			return (false);
	} else {
		if (!parse_prefix(p, w, i + 1, "network", &c->u.route.dst,
		    &c->u.route.plen))
			return (false);
		g = i + 2;
	}
	if (!parse_addr(p, w, g, "gateway", &c->u.route.gw) ||
	    !at_end(p, w, g + 1))
		return (false);
	/* route(8) installs the network part only (rt_maskedcopy()). */
	c->u.route.dst &= plen_mask(c->u.route.plen);
	return (true);
}

struct sysctl_name {
	const char	*name;
	enum scn_sysctl	 id;
};

/* Sorted by name for bsearch(); keep it sorted. */
static const struct sysctl_name sysctls[] = {
	{ "net.inet.icmp.icmplim", SYSCTL_ICMPLIM },
	{ "net.inet.ip.forwarding", SYSCTL_FORWARDING },
	{ "net.inet.ip.fw.autoinc_step", SYSCTL_FW_AUTOINC_STEP },
	{ "net.inet.ip.fw.default_to_accept", SYSCTL_FW_DEFAULT_TO_ACCEPT },
	{ "net.inet.ip.fw.enable", SYSCTL_FW_ENABLE },
	{ "net.inet.ip.fw.one_pass", SYSCTL_FW_ONE_PASS },
	{ "net.inet.ip.fw.verbose", SYSCTL_FW_VERBOSE },
};

static int
name_cmp(const void *key, const void *elt)
{

	/* Every table entry starts with its name. */
	return (strcmp(key, *(const char *const *)elt));
}

/* sysctl NAME=VALUE */
static bool
cmd_sysctl(struct parser *p, struct scn_words *w, unsigned i,
    const char *host, struct scn_host_cmd *c)
{
	const struct sysctl_name *sn;
	const char *eq;
	char *name;

	(void)host;
	if (!need(p, w, i, "NAME=VALUE"))
		return (false);
	eq = strchr(w->argv[i], '=');
	name = g_strndup(w->argv[i], eq != NULL ?
	    (gsize)(eq - w->argv[i]) : strlen(w->argv[i]));
	sn = bsearch(name, sysctls, G_N_ELEMENTS(sysctls), sizeof(sysctls[0]),
	    name_cmp);
	if (sn == NULL) {
		struct diag_suggest sg;
		char dym[128];
		size_t k;

		diag_suggest_init(&sg, name);
		for (k = 0; k < G_N_ELEMENTS(sysctls); k++)
			diag_suggest_offer(&sg, sysctls[k].name);
		diag_error(p->d, w, i, "unknown sysctl '%s'%s", name,
		    diag_did_you_mean(diag_suggest_best(&sg), dym,
		    sizeof(dym)));
		g_free(name);
		return (false);
	}
	g_free(name);
	if (eq == NULL) {
		diag_error(p->d, w, i, "missing '=VALUE' in '%s'", w->argv[i]);
		return (false);
	}
	if (sn->id == SYSCTL_ICMPLIM || sn->id == SYSCTL_FW_AUTOINC_STEP) {
		/* icmplim: responses a second (0: no limit); autoinc_step:
		 * any number, add_rule() clamps it to 1..1000. */
		guint64 v, max = sn->id == SYSCTL_ICMPLIM ? 1000000 :
		    UINT32_MAX;

		if (!g_ascii_string_to_unsigned(eq + 1, 10, 0, max, &v,
		    NULL)) {
			diag_error(p->d, w, i, "sysctl '%s' takes a number "
			    "0..%" G_GUINT64_FORMAT ", not '%s'", sn->name, max,
			    eq + 1);
			return (false);
		}
		if (!at_end(p, w, i + 1))
			return (false);
		c->u.sysctl.name = sn->id;
		c->u.sysctl.value = (int64_t)v;
		return (true);
	}
	if (strcmp(eq + 1, "0") != 0 && strcmp(eq + 1, "1") != 0) {
		diag_error(p->d, w, i, "sysctl '%s' takes 0 or 1, not '%s'",
		    sn->name, eq + 1);
		return (false);
	}
	if (!at_end(p, w, i + 1))
		return (false);
	c->u.sysctl.name = sn->id;
	c->u.sysctl.value = eq[1] - '0';
	return (true);
}

/* ipfw ...: the ipfw area parses the words after "ipfw". */
static bool
cmd_ipfw(struct parser *p, struct scn_words *w, unsigned i,
    const char *host, struct scn_host_cmd *c)
{
	GError *err = NULL;
	int bad_word = 0;
	int argc = (int)(w->argc - i);
	char *dir = g_path_get_dirname(p->s->path);
	const struct scn_host *sh = host != NULL ?
	    g_hash_table_lookup(p->s->host_index, host) : NULL;
	/* The host's ipfw(8): keywords of a later release are refused. */
	int rel = sh != NULL ? sh->release : p->release;

	/* `ipfw [-q] [-p m4|cpp ...] FILE`: FILE is next to the scenario. */
	if (ipfw_cmd_is_file(argc, &w->argv[i], dir))
		c->u.ipfw.cmd = ipfw_file_parse(rel, argc, &w->argv[i], dir,
		    &bad_word, &err);
	else
		c->u.ipfw.cmd = ipfw_cmd_parse_release(rel, argc,
		    &w->argv[i], &bad_word, &err);
	g_free(dir);
	if (c->u.ipfw.cmd != NULL)
		return (true);
	if (bad_word < 0)
		bad_word = 0;
	if (err != NULL && err->domain == IPFW_ERROR &&
	    (err->code == IPFW_ERR_UNKNOWN_ACTION ||
	    err->code == IPFW_ERR_UNKNOWN_OPTION ||
	    err->code == IPFW_ERR_UNKNOWN_COMMAND) &&
	    i + (unsigned)bad_word < w->argc) {
		GPtrArray *names = g_ptr_array_new();
		struct diag_suggest sg;
		char dym[128];

		ipfw_keyword_names((enum ipfw_error_code)err->code, names);
		diag_suggest_init(&sg, w->argv[i + (unsigned)bad_word]);
		for (guint k = 0; k < names->len; k++)
			diag_suggest_offer(&sg, g_ptr_array_index(names, k));
		diag_error(p->d, w, i + (unsigned)bad_word, "%s%s",
		    err->message, diag_did_you_mean(diag_suggest_best(&sg),
		    dym, sizeof(dym)));
		g_ptr_array_free(names, TRUE);
		g_error_free(err);
	} else if (err != NULL) {
		diag_gerror(p->d, w, i + (unsigned)bad_word, err);
		g_error_free(err);
	} else {
		diag_error(p->d, w, i + (unsigned)bad_word, "bad ipfw command");
	}
	return (false);
}

/*
 * Move words [from, w->argc) of w so that those with keep[] set come
 * first, the others after them, each group in its original order.  The
 * positions move with their words, so diagnostics still point right.
 */
static void
words_partition(struct scn_words *w, unsigned from, const bool *keep)
{
	char **argv;
	struct scn_pos *pos;
	unsigned n, k, j, pass;

	n = w->argc - from;
	argv = g_new(char *, n);
	pos = g_new(struct scn_pos, n);
	k = 0;
	for (pass = 0; pass < 2; pass++)
		for (j = 0; j < n; j++)
			if (keep[j] == (pass == 0)) {
				argv[k] = w->argv[from + j];
				pos[k++] = w->pos[from + j];
			}
	memcpy(&w->argv[from], argv, n * sizeof(*argv));
	memcpy(&w->pos[from], pos, n * sizeof(*pos));
	g_free(argv);
	g_free(pos);
}

/*
 * divert PORT PROGRAM [ARGS ...] [-u UID] [-t SERVICE] [-b RCVBUF]
 *
 * The options may stand anywhere after PORT.  They are taken out of the
 * program's arguments by moving their words to the end of the line, so
 * that argv[k] of the program is word argv_w0 + k of the line and the
 * program's own errors can be pointed at (scn_build.c).
 */
static bool divert_args(struct parser *p, struct scn_words *w, unsigned i,
    struct scn_host_cmd *c);

static bool
cmd_divert(struct parser *p, struct scn_words *w, unsigned i,
    const char *host, struct scn_host_cmd *c)
{

	(void)host;
	if (!parse_port(p, w, i, true, &c->u.divert.port))
		return (false);
	return (divert_args(p, w, i, c));
}

/*
 * exec PROGRAM [ARGS ...] [-u UID] [-t SERVICE] [-b RCVBUF]: a real
 * program that opens its own divert sockets, read as `divert 0 exec
 * PROGRAM ...` (its counters are HOST.proc.0.*).
 */
static bool
cmd_exec(struct parser *p, struct scn_words *w, unsigned i,
    const char *host, struct scn_host_cmd *c)
{
	char **argv;

	(void)host;
	c->u.divert.port = 0;
	if (!divert_args(p, w, i - 1, c))
		return (false);
	argv = g_new0(char *, (size_t)c->u.divert.argc + 2);
	argv[0] = c->u.divert.program;
	memcpy(argv + 1, c->u.divert.argv,
	    (size_t)c->u.divert.argc * sizeof(char *));
	g_free(c->u.divert.argv);
	c->u.divert.argv = argv;
	c->u.divert.argc++;
	c->u.divert.argv_w0--;
	c->u.divert.program = g_strdup("exec");
	return (true);
}

/* What follows PORT (word i): PROGRAM [ARGS ...] and the options. */
static bool
divert_args(struct parser *p, struct scn_words *w, unsigned i,
    struct scn_host_cmd *c)
{
	bool *keep;
	bool seen_u, seen_t, seen_b, ok;
	unsigned j, nkeep;
	uint64_t v;

	c->u.divert.uid = 0;
	c->u.divert.service_ns = DIVERT_DEFAULT_SERVICE_NS;
	c->u.divert.rcvbuf = DIVERT_DEFAULT_RCVBUF;
	keep = g_new0(bool, w->argc - i);
	seen_u = seen_t = seen_b = false;
	nkeep = 0;
	ok = true;
	for (j = i + 1; ok && j < w->argc; j++) {
		const char *o = w->argv[j];
		bool *seen;

		if (strcmp(o, "-u") == 0)
			seen = &seen_u;
		else if (strcmp(o, "-t") == 0)
			seen = &seen_t;
		else if (strcmp(o, "-b") == 0)
			seen = &seen_b;
		else {
			keep[j - i - 1] = true;
			nkeep++;
			continue;
		}
		if (*seen) {
			diag_error(p->d, w, j, "option '%s' given twice", o);
			ok = false;
			break;
		}
		*seen = true;
		if (o[1] == 'u') {
			ok = parse_num(p, w, j + 1, "user id", 0, UINT32_MAX,
			    &v);
			c->u.divert.uid = (uint32_t)v;
		} else if (o[1] == 't') {
			ok = parse_duration(p, w, j + 1,
			    &c->u.divert.service_ns);
		} else {
			ok = parse_num(p, w, j + 1, "receive buffer size", 1,
			    UINT32_MAX, &v);
			c->u.divert.rcvbuf = (uint32_t)v;
		}
		j++;
	}
	if (ok && nkeep == 0) {
		diag_error(p->d, w, w->argc, "missing program after '%s'",
		    w->argv[i]);
		ok = false;
	}
	if (ok) {
		words_partition(w, i + 1, keep);
		c->u.divert.program = g_strdup(w->argv[i + 1]);
		c->u.divert.argc = (int)(nkeep - 1);
		c->u.divert.argv = g_new0(char *, nkeep);
		for (j = 0; j + 1 < nkeep; j++)
			c->u.divert.argv[j] = g_strdup(w->argv[i + 2 + j]);
		c->u.divert.argv_w0 = i + 2;
	}
	g_free(keep);
	return (ok);
}

/* listen udp PORT [echo] */
/* listen tcp PORT [echo|discard|sink] [-r] */
static bool
listen_tcp(struct parser *p, struct scn_words *w, unsigned i,
    struct scn_host_cmd *c)
{
	static const char *const modes[] = { "discard", "echo", "sink" };
	unsigned j, m;

	c->kind = SCN_LISTEN_TCP;
	c->u.listen.mode = APP_TCP_DISCARD;
	if (!parse_port(p, w, i, false, &c->u.listen.port))
		return (false);
	for (j = i + 1; j < w->argc; j++) {
		if (strcmp(w->argv[j], "-r") == 0 && !c->u.listen.rst) {
			c->u.listen.rst = true;
			continue;
		}
		for (m = 0; m < G_N_ELEMENTS(modes); m++)
			if (strcmp(w->argv[j], modes[m]) == 0)
				break;
		if (m == G_N_ELEMENTS(modes) || j != i + 1) {
			diag_error(p->d, w, j, "unexpected word '%s' "
			    "(echo, discard or sink, then -r)", w->argv[j]);
			return (false);
		}
		c->u.listen.mode = m == 0 ? APP_TCP_DISCARD :
		    m == 1 ? APP_TCP_ECHO : APP_TCP_SINK;
	}
	return (true);
}

static bool
cmd_listen(struct parser *p, struct scn_words *w, unsigned i,
    const char *host, struct scn_host_cmd *c)
{

	(void)host;
	if (!need(p, w, i, "'udp' or 'tcp'"))
		return (false);
	if (strcmp(w->argv[i], "tcp") == 0)
		return (listen_tcp(p, w, i + 1, c));
	if (strcmp(w->argv[i], "udp") != 0) {
		diag_error(p->d, w, i, "unknown protocol '%s' (only 'udp' "
		    "or 'tcp')", w->argv[i]);
		return (false);
	}
	if (!parse_port(p, w, i + 1, false, &c->u.listen.port))
		return (false);
	if (i + 2 < w->argc && strcmp(w->argv[i + 2], "echo") == 0) {
		c->u.listen.echo = true;
		return (at_end(p, w, i + 3));
	}
	return (at_end(p, w, i + 2));
}

/*
 * Word j of an option list: an option letter from opts, each at most once
 * (seen[] by letter), or the one destination word (*dest).  Returns the
 * letter, 0 for the destination, -1 after an error.
 */
static int
opt_word(struct parser *p, const struct scn_words *w, unsigned j,
    const char *opts, bool seen[128], unsigned *dest)
{
	const char *o = w->argv[j];

	if (o[0] != '-') {
		if (*dest != 0) {
			diag_error(p->d, w, j, "unexpected word '%s'", o);
			return (-1);
		}
		*dest = j;
		return (0);
	}
	if (o[1] == '\0' || o[2] != '\0' || strchr(opts, o[1]) == NULL) {
		GString *l = g_string_new(NULL);

		for (const char *c = opts; *c != '\0'; c++)
			g_string_append_printf(l, "%s-%c", c == opts ? "" :
			    ", ", *c);
		diag_error(p->d, w, j, "unknown option '%s' (%s)", o, l->str);
		g_string_free(l, TRUE);
		return (-1);
	}
	if (seen[(unsigned char)o[1]]) {
		diag_error(p->d, w, j, "option '%s' given twice", o);
		return (-1);
	}
	seen[(unsigned char)o[1]] = true;
	return (o[1]);
}

/* Word i as ADDR:PORT, PORT 1..65535. */
static bool
parse_addr_port(struct parser *p, const struct scn_words *w, unsigned i,
    uint32_t *addr, uint16_t *port)
{
	const char *colon = strrchr(w->argv[i], ':');
	uint64_t v;

	if (colon == NULL || !str_addr(w->argv[i], (size_t)(colon -
	    w->argv[i]), addr) || !str_u64(colon + 1, &v) || v < 1 ||
	    v > 65535) {
		diag_error(p->d, w, i, "bad destination '%s' (ADDR:PORT, "
		    "port 1..65535)", w->argv[i]);
		return (false);
	}
	*port = (uint16_t)v;
	return (true);
}

/*
 * The options of ping and send udp, anywhere after the command, around one
 * destination word (ADDR for ping, ADDR:PORT for send udp).
 */
static bool
traffic_opts(struct parser *p, struct scn_words *w, unsigned i,
    struct scn_host_cmd *c, bool is_send)
{
	bool seen[128];
	unsigned j, dest, w_interval = 0;
	uint64_t v;
	const char *o;

	memset(seen, 0, sizeof(seen));
	c->u.traffic.count = 1;
	c->u.traffic.interval_ns = TRAFFIC_DEFAULT_INTERVAL_NS;
	c->u.traffic.size = is_send ? SEND_DEFAULT_SIZE : PING_DEFAULT_SIZE;
	c->u.traffic.ttl = TRAFFIC_DEFAULT_TTL;
	c->u.traffic.sport = 0;
	dest = 0;
	for (j = i; j < w->argc; j++) {
		o = w->argv[j];
		if (o[0] != '-') {
			if (dest != 0) {
				diag_error(p->d, w, j, "unexpected word '%s'",
				    o);
				return (false);
			}
			dest = j;
			continue;
		}
		if (o[1] == '\0' || o[2] != '\0' ||
		    strchr(is_send ? "cisDmp" : "cisDm", o[1]) == NULL) {
			/* "-c3": ping(8) takes it, the contract wants a word
			 * per value. */
			if (o[1] != '\0' && o[1] != 'D' && o[2] != '\0' &&
			    strchr(is_send ? "cismp" : "cism", o[1]) != NULL)
				diag_error(p->d, w, j, "unknown option '%s'; did "
				    "you mean '-%c %s'?", o, o[1], o + 2);
			else
				diag_error(p->d, w, j, "unknown option '%s' "
				    "(%s)", o, is_send ? "-c, -i, -s, -D, -m, "
				    "-p" : "-c, -i, -s, -D, -m");
			return (false);
		}
		if (seen[(unsigned char)o[1]]) {
			diag_error(p->d, w, j, "option '%s' given twice", o);
			return (false);
		}
		seen[(unsigned char)o[1]] = true;
		switch (o[1]) {
		case 'c':
			if (!parse_num(p, w, j + 1, "count", 1, UINT32_MAX,
			    &v))
				return (false);
			c->u.traffic.count = (uint32_t)v;
			break;
		case 'i':
			if (!parse_duration(p, w, j + 1,
			    &c->u.traffic.interval_ns))
				return (false);
			w_interval = j + 1;
			break;
		case 's':
			if (!parse_num(p, w, j + 1, "size", 0, MAX_PAYLOAD,
			    &v))
				return (false);
			c->u.traffic.size = (uint32_t)v;
			break;
		case 'D':
			c->u.traffic.df = true;
			continue;
		case 'm':
			if (!parse_num(p, w, j + 1, "ttl", 0, 255, &v))
				return (false);
			c->u.traffic.ttl = (uint8_t)v;
			break;
		case 'p':
			if (!parse_num(p, w, j + 1, "source port", 0, 65535,
			    &v))
				return (false);
			c->u.traffic.sport = (uint16_t)v;
			break;
		}
		j++;
	}
	if (dest == 0) {
		diag_error(p->d, w, w->argc, "missing destination %s",
		    is_send ? "ADDR:PORT" : "address");
		return (false);
	}
	/* All N at one instant: ping(8) refuses an interval of 0 too. */
	if (c->u.traffic.interval_ns == 0 && c->u.traffic.count != 1) {
		diag_error(p->d, w, w_interval, "interval '%s' must be "
		    "greater than zero with a count of %" PRIu32,
		    w->argv[w_interval], c->u.traffic.count);
		return (false);
	}
	if (!is_send)
		return (parse_addr(p, w, dest, "destination address",
		    &c->u.traffic.dst));
	return (parse_addr_port(p, w, dest, &c->u.traffic.dst,
	    &c->u.traffic.dport));
}

/* ping [-c N] [-i T] [-s SIZE] [-D] [-m TTL] DEST */
static bool
cmd_ping(struct parser *p, struct scn_words *w, unsigned i,
    const char *host, struct scn_host_cmd *c)
{

	(void)host;
	return (traffic_opts(p, w, i, c, false));
}

/* send udp DEST:PORT [-c N] [-i T] [-s SIZE] [-D] [-m TTL] [-p SPORT] */
static bool
cmd_send(struct parser *p, struct scn_words *w, unsigned i,
    const char *host, struct scn_host_cmd *c)
{

	(void)host;
	if (!need(p, w, i, "'udp'"))
		return (false);
	if (strcmp(w->argv[i], "udp") != 0) {
		diag_error(p->d, w, i, "unknown protocol '%s' (only 'udp')",
		    w->argv[i]);
		return (false);
	}
	return (traffic_opts(p, w, i + 1, c, true));
}

/* connect tcp DEST:PORT [-b BYTES] [-n COUNT] [-i INTERVAL] [-r] */
static bool
cmd_connect(struct parser *p, struct scn_words *w, unsigned i,
    const char *host, struct scn_host_cmd *c)
{
	bool seen[128];
	unsigned j, dest = 0;
	uint64_t v;
	const char *o;

	(void)host;
	if (!need(p, w, i, "'tcp'"))
		return (false);
	if (strcmp(w->argv[i], "tcp") != 0) {
		diag_error(p->d, w, i, "unknown protocol '%s' (only 'tcp')",
		    w->argv[i]);
		return (false);
	}
	memset(seen, 0, sizeof(seen));
	c->u.connect.count = 1;
	c->u.connect.interval_ns = TRAFFIC_DEFAULT_INTERVAL_NS;
	for (j = i + 1; j < w->argc; j++) {
		o = w->argv[j];
		switch (opt_word(p, w, j, "bnir", seen, &dest)) {
		case -1:
			return (false);
		case 0:
			continue;
		}
		switch (o[1]) {
		case 'b':
			if (!parse_num(p, w, j + 1, "bytes", 0,
			    CONNECT_MAX_BYTES, &c->u.connect.bytes))
				return (false);
			break;
		case 'n':
			if (!parse_num(p, w, j + 1, "connections", 1,
			    UINT32_MAX, &v))
				return (false);
			c->u.connect.count = (uint32_t)v;
			break;
		case 'i':
			if (!parse_duration(p, w, j + 1,
			    &c->u.connect.interval_ns))
				return (false);
			break;
		case 'r':
			c->u.connect.rst = true;
			continue;
		}
		j++;
	}
	if (dest == 0) {
		diag_error(p->d, w, w->argc, "missing destination ADDR:PORT");
		return (false);
	}
	if (c->u.connect.interval_ns == 0 && c->u.connect.count != 1) {
		diag_error(p->d, w, dest, "-i 0 needs -n 1");
		return (false);
	}
	return (parse_addr_port(p, w, dest, &c->u.connect.dst,
	    &c->u.connect.dport));
}

struct host_cmd_kw {
	const char	*name;
	enum scn_host_cmd_kind kind;
	host_cmd_fn	 fn;
};

/* Sorted by name for bsearch(); keep it sorted. */
static const struct host_cmd_kw host_cmds[] = {
	{ "connect", SCN_CONNECT_TCP, cmd_connect },
	{ "divert", SCN_DIVERT, cmd_divert },
	{ "exec", SCN_DIVERT, cmd_exec },
	{ "ifconfig", SCN_IFCONFIG_ADDR, cmd_ifconfig },
	{ "ipfw", SCN_IPFW, cmd_ipfw },
	{ "listen", SCN_LISTEN_UDP, cmd_listen },
	{ "ping", SCN_PING, cmd_ping },
	{ "route", SCN_ROUTE_ADD, cmd_route },
	{ "send", SCN_SEND_UDP, cmd_send },
	{ "sysctl", SCN_SYSCTL, cmd_sysctl },
};

static const struct host_cmd_kw *
host_cmd_lookup(const char *name)
{

	return (bsearch(name, host_cmds, G_N_ELEMENTS(host_cmds),
	    sizeof(host_cmds[0]), name_cmp));
}

static void
host_cmd_free(struct scn_host_cmd *c)
{

	if (c == NULL)
		return;
	switch (c->kind) {
	case SCN_IFCONFIG_ADDR:
		g_free(c->u.ifaddr.ifname);
		break;
	case SCN_IFCONFIG_MTU:
		g_free(c->u.ifmtu.ifname);
		break;
	case SCN_IPFW:
		if (c->u.ipfw.cmd != NULL)
			ipfw_cmd_free(c->u.ipfw.cmd);
		break;
	case SCN_DIVERT:
		g_free(c->u.divert.program);
		g_strfreev(c->u.divert.argv);
		break;
	case SCN_ROUTE_ADD:
	case SCN_SYSCTL:
	case SCN_LISTEN_UDP:
	case SCN_PING:
	case SCN_SEND_UDP:
	case SCN_LISTEN_TCP:
	case SCN_CONNECT_TCP:
		break;
	}
	g_free(c);
}

/* What a command of a keyword's kind takes: the union's member for it
 * (ifconfig may turn out to set an mtu, listen to be tcp). */
static size_t
host_cmd_size(enum scn_host_cmd_kind kind)
{
	const struct scn_host_cmd *c = NULL;
	size_t u = sizeof(c->u);

	switch (kind) {
	case SCN_IFCONFIG_ADDR:
	case SCN_IFCONFIG_MTU:
		u = MAX(sizeof(c->u.ifaddr), sizeof(c->u.ifmtu));
		break;
	case SCN_ROUTE_ADD:
		u = sizeof(c->u.route);
		break;
	case SCN_SYSCTL:
		u = sizeof(c->u.sysctl);
		break;
	case SCN_IPFW:
		u = sizeof(c->u.ipfw);
		break;
	case SCN_DIVERT:
	case SCN_PING:
	case SCN_SEND_UDP:
	case SCN_CONNECT_TCP:
		break;
	case SCN_LISTEN_UDP:
	case SCN_LISTEN_TCP:
		u = sizeof(c->u.listen);
		break;
	}
	return (offsetof(struct scn_host_cmd, u) + u);
}

/* The host command starting at word w0 of w, run on host; NULL on error. */
static struct scn_host_cmd *
parse_host_cmd(struct parser *p, struct scn_words *w, unsigned w0,
    const char *host)
{
	const struct host_cmd_kw *kw;
	struct scn_host_cmd *c;

	kw = host_cmd_lookup(w->argv[w0]);
	if (kw == NULL) {
		diag_error(p->d, w, w0, "unknown host command '%s'",
		    w->argv[w0]);
		return (NULL);
	}
	c = g_malloc0(host_cmd_size(kw->kind));
	c->kind = kw->kind;
	c->w = w;
	c->w0 = w0;
	c->argc = w->argc;
	c->line = w->line;
	c->off = w->off;
	if (!kw->fn(p, w, w0 + 1, host, c)) {
		host_cmd_free(c);
		return (NULL);
	}
	return (c);
}

/* ---- top-level commands ---------------------------------------------- */

/* A command that may appear once; false (reported) on the second. */
static bool
once(struct parser *p, struct scn_words *w, unsigned *line)
{

	if (*line != 0) {
		diag_error(p->d, w, 0, "'%s' given twice (first at line %u)",
		    w->argv[0], *line);
		return (false);
	}
	*line = w->pos[0].line;
	return (true);
}

static bool
declared(struct parser *p, const struct scn_words *w, unsigned i,
    const char *name)
{

	struct diag_suggest sg;
	char dym[128];
	guint k;

	if (g_hash_table_contains(p->declared, name))
		return (true);
	/* Its host line was reported already: once is enough. */
	if (g_hash_table_contains(p->bad_hosts, name))
		return (false);
	diag_suggest_init(&sg, name);
	for (k = 0; k < p->declared_order->len; k++)
		diag_suggest_offer(&sg, g_ptr_array_index(p->declared_order,
		    k));
	diag_error(p->d, w, i, "host '%s' not declared%s", name,
	    diag_did_you_mean(diag_suggest_best(&sg), dym, sizeof(dym)));
	return (false);
}

static void
top_title(struct parser *p, struct scn_words *w)
{

	if (!need(p, w, 1, "text") || !once(p, w, &p->title_line))
		return;
	g_free(p->s->title);
	p->s->title = g_strjoinv(" ", &w->argv[1]);
}

static void
top_seed(struct parser *p, struct scn_words *w)
{
	uint64_t v;

	if (!parse_num(p, w, 1, "seed", 0, UINT32_MAX, &v) ||
	    !at_end(p, w, 2) || !once(p, w, &p->seed_line))
		return;
	p->s->seed = (uint32_t)v;
}

static void
top_loop_limit(struct parser *p, struct scn_words *w)
{
	uint64_t v;

	if (!parse_num(p, w, 1, "loop limit", 1, UINT_MAX, &v) ||
	    !at_end(p, w, 2) || !once(p, w, &p->loop_line))
		return;
	p->s->loop_limit = (unsigned)v;
}

static bool
parse_release(struct parser *p, struct scn_words *w, unsigned i, int *rel)
{

	if (!need(p, w, i, "release"))
		return (false);
	if (strcmp(w->argv[i], "6") == 0)
		*rel = 6;
	else if (strcmp(w->argv[i], "14") == 0)
		*rel = 14;
	else {
		diag_error(p->d, w, i, "unknown release '%s' (6, 14)",
		    w->argv[i]);
		return (false);
	}
	return (true);
}

static void
top_release(struct parser *p, struct scn_words *w)
{
	int rel;

	if (!parse_release(p, w, 1, &rel) || !at_end(p, w, 2))
		return;
	p->release = rel;
}

/* host NAME [no-ipdivert] [release 6|14] */
static void
top_host(struct parser *p, struct scn_words *w)
{
	struct scn_host *h;
	const char *name;
	bool no_ipdivert;
	int rel;
	unsigned j;

	/*
	 * A host line whose name is unusable makes the commands under it
	 * unparseable against a host; they are skipped rather than reported
	 * one by one as being outside a host block.
	 */
	p->cur = NULL;
	p->phantom = true;
	p->block++;
	if (!need(p, w, 1, "host name"))
		return;
	name = w->argv[1];
	if (!valid_host_name(name)) {
		diag_error(p->d, w, 1, "bad host name '%s' (a letter, then "
		    "letters, digits, '-' or '_')", name);
		return;
	}
	if (strcmp(name, "sim") == 0) {
		diag_error(p->d, w, 1, "host name 'sim' is reserved for the "
		    "sim.* counters");
		return;
	}
	p->phantom = false;
	no_ipdivert = false;
	rel = 0;
	for (j = 2; j < w->argc; j++) {
		if (strcmp(w->argv[j], "no-ipdivert") == 0) {
			no_ipdivert = true;
		} else if (strcmp(w->argv[j], "release") == 0) {
			if (!parse_release(p, w, j + 1, &rel))
				break;
			j++;
		} else {
			static const char *const hopts[] = { "no-ipdivert",
			    "release", NULL };
			char dym[128];

			diag_error(p->d, w, j, "unknown host option '%s' "
			    "(no-ipdivert, release)%s", w->argv[j],
			    diag_did_you_mean(diag_suggest_list(w->argv[j],
			    hopts), dym, sizeof(dym)));
			break;
		}
	}
	h = scn_find_host(p->s, name);
	if (h == NULL) {
		h = g_new0(struct scn_host, 1);
		h->name = g_strdup(name);
		h->release = p->release;
		h->cmds = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)host_cmd_free);
		h->ifnames = g_ptr_array_new_with_free_func(g_free);
		h->pos = w->pos[1];
		g_ptr_array_add(p->s->hosts, h);
		g_hash_table_insert(p->s->host_index, h->name, h);
	}
	/* Reopening keeps the settings; flags given again update them. */
	if (no_ipdivert)
		h->no_ipdivert = true;
	if (rel != 0)
		h->release = rel;
	p->cur = h;
}

/* One end of a link, HOST:IF; fills host and ifname (allocated). */
static bool
link_end(struct parser *p, struct scn_words *w, unsigned i, char **host,
    char **ifname)
{
	const char *s, *colon;
	char *h;

	if (!need(p, w, i, "HOST:IF"))
		return (false);
	s = w->argv[i];
	colon = strchr(s, ':');
	if (colon == NULL || colon == s || !valid_ifname(colon + 1)) {
		diag_error(p->d, w, i, "bad link end '%s' (HOST:IF)", s);
		return (false);
	}
	h = g_strndup(s, (gsize)(colon - s));
	if (!declared(p, w, i, h)) {
		g_free(h);
		return (false);
	}
	if (strcmp(colon + 1, "lo0") == 0) {
		diag_error(p->d, w, i, "'lo0' cannot be joined by a link");
		g_free(h);
		return (false);
	}
	*host = h;
	*ifname = g_strdup(colon + 1);
	return (true);
}

static void
link_free(struct scn_link *l)
{

	if (l == NULL)
		return;
	g_free(l->a);
	g_free(l->ifa);
	g_free(l->b);
	g_free(l->ifb);
	g_free(l);
}

/* link A:IFA B:IFB [rate R] [delay T] [mtu N] [queue N] */
static void
top_link(struct parser *p, struct scn_words *w)
{
	struct scn_link *l;
	unsigned j, k, line;
	bool seen[4], ok;
	static const char *const opts[4] = { "rate", "delay", "mtu",
	    "queue" };
	uint64_t v;
	char *key[2];

	l = g_new0(struct scn_link, 1);
	l->rate_bps = LINK_DEFAULT_RATE_BPS;
	l->delay_ns = LINK_DEFAULT_DELAY_NS;
	l->mtu = LINK_DEFAULT_MTU;
	l->queue = LINK_DEFAULT_QUEUE;
	l->pos = w->pos[0];
	key[0] = key[1] = NULL;
	/* Both ends checked: each may hold a mistake of its own. */
	ok = link_end(p, w, 1, &l->a, &l->ifa);
	ok = link_end(p, w, 2, &l->b, &l->ifb) && ok;
	if (ok) {
		key[0] = if_key(l->a, l->ifa);
		key[1] = if_key(l->b, l->ifb);
		if (strcmp(key[0], key[1]) == 0) {
			diag_error(p->d, w, 2, "a link cannot join '%s' to "
			    "itself", key[0]);
			ok = false;
		}
	}
	for (k = 0; ok && k < 2; k++) {
		line = GPOINTER_TO_UINT(g_hash_table_lookup(p->joined,
		    key[k]));
		if (line != 0) {
			diag_error(p->d, w, 1 + k, "interface '%s' is already "
			    "joined by the link at line %u", key[k], line);
			ok = false;
		}
	}
	memset(seen, 0, sizeof(seen));
	for (j = 3; ok && j < w->argc; j += 2) {
		for (k = 0; k < 4; k++)
			if (strcmp(w->argv[j], opts[k]) == 0)
				break;
		if (k == 4) {
			static const char *const lopts[] = { "rate", "delay",
			    "mtu", "queue", NULL };
			char dym[128];

			diag_error(p->d, w, j, "unknown link option '%s' "
			    "(rate, delay, mtu, queue)%s", w->argv[j],
			    diag_did_you_mean(diag_suggest_list(w->argv[j],
			    lopts), dym, sizeof(dym)));
			ok = false;
			break;
		}
		if (seen[k]) {
			diag_error(p->d, w, j, "link option '%s' given twice",
			    opts[k]);
			ok = false;
			break;
		}
		seen[k] = true;
		switch (k) {
		case 0:
			ok = parse_rate(p, w, j + 1, &l->rate_bps);
			break;
		case 1:
			ok = parse_duration(p, w, j + 1, &l->delay_ns);
			break;
		case 2:
			ok = parse_num(p, w, j + 1, "mtu", IF_MINMTU,
			    IF_MAXMTU, &v);
			l->mtu = (uint32_t)v;
			break;
		default:
			ok = parse_num(p, w, j + 1, "queue length", 1,
			    UINT32_MAX, &v);
			l->queue = (uint32_t)v;
			break;
		}
	}
	if (ok) {
		for (k = 0; k < 2; k++)
			g_hash_table_insert(p->joined, g_strdup(key[k]),
			    GUINT_TO_POINTER(w->pos[0].line));
		mention(p, l->a, l->ifa);
		mention(p, l->b, l->ifb);
		g_ptr_array_add(p->s->links, l);
	} else {
		link_free(l);
	}
	g_free(key[0]);
	g_free(key[1]);
}

/* at TIME HOST COMMAND ... */
static void
top_at(struct parser *p, struct scn_words *w)
{
	struct scn_host_cmd *c;
	struct scn_at *at;
	uint64_t t;

	if (!parse_duration(p, w, 1, &t) || !need(p, w, 2, "host name") ||
	    !declared(p, w, 2, w->argv[2]) || !need(p, w, 3, "command"))
		return;
	p->in_at = true;
	c = parse_host_cmd(p, w, 3, w->argv[2]);
	p->in_at = false;
	if (c == NULL)
		return;
	at = g_new0(struct scn_at, 1);
	at->t_ns = t;
	at->host = g_strdup(w->argv[2]);
	at->cmd = c;
	at->seq = p->s->ats->len;
	g_ptr_array_add(p->s->ats, at);
}

static void
at_free(struct scn_at *at)
{

	g_free(at->host);
	host_cmd_free(at->cmd);
	g_free(at);
}

/* Dotted words of letters, digits, '-' and '_': "gw.divert.8668.read". */
static bool
valid_counter(const char *s)
{
	const char *c;
	bool empty;
	unsigned dots;

	empty = true;
	dots = 0;
	for (c = s; *c != '\0'; c++) {
		if (*c == '.') {
			if (empty)
				return (false);
			empty = true;
			dots++;
		} else if (g_ascii_isalnum(*c) || *c == '-' || *c == '_') {
			empty = false;
		} else {
			return (false);
		}
	}
	return (!empty && dots > 0);
}

/* expect COUNTER OP VALUE */
static void
top_expect(struct parser *p, struct scn_words *w)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
	static const enum scn_op opv[] = { SCN_EQ, SCN_NE, SCN_LT, SCN_LE,
	    SCN_GT, SCN_GE };
	struct scn_expect *e;
	unsigned k;
	uint64_t v;
	char *first;
	bool known;

	if (!need(p, w, 1, "counter name"))
		return;
	if (!valid_counter(w->argv[1])) {
		diag_error(p->d, w, 1, "bad counter name '%s'", w->argv[1]);
		return;
	}
	first = g_strndup(w->argv[1], strcspn(w->argv[1], "."));
	known = strcmp(first, "sim") == 0 || declared(p, w, 1, first);
	g_free(first);
	if (!known || !need(p, w, 2, "operator"))
		return;
	for (k = 0; k < G_N_ELEMENTS(ops); k++)
		if (strcmp(w->argv[2], ops[k]) == 0)
			break;
	if (k == G_N_ELEMENTS(ops)) {
		diag_error(p->d, w, 2, "unknown operator '%s' (==, !=, <, <=, "
		    ">, >=)", w->argv[2]);
		return;
	}
	if (!parse_num(p, w, 3, "value", 0, UINT64_MAX, &v) ||
	    !at_end(p, w, 4))
		return;
	e = g_new0(struct scn_expect, 1);
	e->counter = g_strdup(w->argv[1]);
	e->op = opv[k];
	e->value = v;
	e->text = g_strdup_printf("%s %s %s", w->argv[1], w->argv[2],
	    w->argv[3]);
	e->pos = w->pos[1];
	g_ptr_array_add(p->s->expects, e);
}

static void
expect_free(struct scn_expect *e)
{

	g_free(e->counter);
	g_free(e->text);
	g_free(e);
}

/* run [TIME] */
static void
top_run(struct parser *p, struct scn_words *w)
{
	uint64_t t;

	t = 0;
	if (w->argc > 1) {
		if (!parse_duration(p, w, 1, &t))
			return;
		/* 0 would read as "until no event is pending". */
		if (t == 0) {
			diag_error(p->d, w, 1, "run time '%s' must be greater "
			    "than zero", w->argv[1]);
			return;
		}
	}
	if (!at_end(p, w, 2) || !once(p, w, &p->run_line))
		return;
	p->s->has_run = true;
	p->s->run_until_ns = t;
}

struct top_kw {
	const char	*name;
	void		(*fn)(struct parser *, struct scn_words *);
};

/* Sorted by name for bsearch(); keep it sorted. */
static const struct top_kw top_cmds[] = {
	{ "at", top_at },
	{ "expect", top_expect },
	{ "host", top_host },
	{ "link", top_link },
	{ "loop-limit", top_loop_limit },
	{ "release", top_release },
	{ "run", top_run },
	{ "seed", top_seed },
	{ "title", top_title },
};

/* Every command word, for "did you mean". */
static const char *
suggest_command(const char *word)
{
	struct diag_suggest sg;
	size_t k;

	diag_suggest_init(&sg, word);
	for (k = 0; k < G_N_ELEMENTS(top_cmds); k++)
		diag_suggest_offer(&sg, top_cmds[k].name);
	for (k = 0; k < G_N_ELEMENTS(host_cmds); k++)
		diag_suggest_offer(&sg, host_cmds[k].name);
	return (diag_suggest_best(&sg));
}

static bool
is_top_cmd(const char *name)
{

	return (name != NULL && bsearch(name, top_cmds,
	    G_N_ELEMENTS(top_cmds), sizeof(top_cmds[0]), name_cmp) != NULL);
}

static void
parse_line(struct parser *p, struct scn_words *w)
{
	const struct top_kw *kw;
	struct scn_host_cmd *c;
	const char *best;
	char dym[128];

	kw = bsearch(w->argv[0], top_cmds, G_N_ELEMENTS(top_cmds),
	    sizeof(top_cmds[0]), name_cmp);
	if (kw != NULL) {
		kw->fn(p, w);
		return;
	}
	if (host_cmd_lookup(w->argv[0]) == NULL) {
		best = suggest_command(w->argv[0]);
		diag_error(p->d, w, 0, "unknown command '%s'%s", w->argv[0],
		    diag_did_you_mean(best, dym, sizeof(dym)));
		/*
		 * A misspelt top-level word ("hots gw") most likely opened a
		 * block: what follows must not be pinned on the host before
		 * it.  A misspelt host command leaves the block as it is.
		 */
		if (best == NULL || is_top_cmd(best)) {
			p->cur = NULL;
			p->phantom = true;
		}
		return;
	}
	if (p->cur == NULL && p->phantom) {
		/* Reported at the block's line; still check this one. */
		host_cmd_free(parse_host_cmd(p, w, 0, NULL));
		return;
	}
	if (p->cur == NULL) {
		diag_error(p->d, w, 0, "'%s' outside a host block",
		    w->argv[0]);
		return;
	}
	c = parse_host_cmd(p, w, 0, p->cur->name);
	if (c != NULL)
		g_ptr_array_add(p->cur->cmds, c);
}

/*
 * Pass 1, silent, a line at a time: the names of hosts (declared anywhere
 * in the file) and the interfaces links join, with the link's mtu when it
 * can be read.
 */
static void
prescan_line(struct parser *p, const struct scn_words *w)
{
	struct prelink *pl;
	unsigned j, k;
	uint64_t v;
	char *name;

	if (strcmp(w->argv[0], "host") == 0 && w->argc >= 2) {
		if (!valid_host_name(w->argv[1]) ||
		    strcmp(w->argv[1], "sim") == 0)
			g_hash_table_add(p->bad_hosts, g_strdup(w->argv[1]));
		else if (!g_hash_table_contains(p->declared, w->argv[1])) {
			/* The table's copy: the line does not stay. */
			name = g_strdup(w->argv[1]);
			g_hash_table_add(p->declared, name);
			g_ptr_array_add(p->declared_order, name);
		}
	} else if (w->argc >= 2 && !is_top_cmd(w->argv[0]) &&
	    host_cmd_lookup(w->argv[0]) == NULL &&
	    g_strcmp0(suggest_command(w->argv[0]), "host") == 0) {
		/* "hots gw": gw is reported once, at that line. */
		g_hash_table_add(p->bad_hosts, g_strdup(w->argv[1]));
	}
	if (strcmp(w->argv[0], "link") != 0 || w->argc < 3)
		return;
	for (k = 1; k <= 2; k++) {
		if (g_hash_table_contains(p->ends, w->argv[k]))
			continue;
		pl = g_new0(struct prelink, 1);
		pl->line = w->pos[0].line;
		pl->mtu = LINK_DEFAULT_MTU;
		for (j = 3; j + 1 < w->argc; j += 2)
			if (strcmp(w->argv[j], "mtu") == 0)
				pl->mtu = str_u64(w->argv[j + 1], &v) &&
				    v <= IF_MAXMTU ? (uint32_t)v : 0;
		g_hash_table_insert(p->ends, g_strdup(w->argv[k]), pl);
	}
}

/*
 * After pass 1: a link to "sever:em0" is reported at the link (did you
 * mean 'server'?); server's em0 then counts as joined, or its ifconfig
 * would be a second error for the same typo.  The ends are the keys of
 * p->ends (every link's, once).
 */
static void
prescan_suggest(struct parser *p)
{
	struct diag_suggest sg;
	GPtrArray *ends;
	GHashTableIter it;
	gpointer k;
	const char *colon, *end;
	unsigned i, j;
	char *h, *key;

	ends = g_ptr_array_new();
	g_hash_table_iter_init(&it, p->ends);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(ends, k);
	for (i = 0; i < ends->len; i++) {
		end = g_ptr_array_index(ends, i);
		colon = strchr(end, ':');
		if (colon == NULL)
			continue;
		h = g_strndup(end, (gsize)(colon - end));
		if (!g_hash_table_contains(p->declared, h) &&
		    !g_hash_table_contains(p->bad_hosts, h)) {
			diag_suggest_init(&sg, h);
			for (j = 0; j < p->declared_order->len; j++)
				diag_suggest_offer(&sg, g_ptr_array_index(
				    p->declared_order, j));
			if (diag_suggest_best(&sg) != NULL) {
				key = if_key(diag_suggest_best(&sg), colon + 1);
				if (!g_hash_table_contains(p->ends, key))
					g_hash_table_insert(p->ends, key,
					    g_new0(struct prelink, 1));
				else
					g_free(key);
			}
		}
		g_free(h);
	}
	g_ptr_array_free(ends, TRUE);
}

/* Each host's interfaces, in the order of their first mention. */
static void
collect_ifnames(struct parser *p)
{
	struct mention *m;
	struct scn_host *h;
	unsigned i;

	for (i = 0; i < p->mentions->len; i++) {
		m = g_ptr_array_index(p->mentions, i);
		h = scn_find_host(p->s, m->host);
		if (h != NULL)
			g_ptr_array_add(h->ifnames, g_strdup(m->ifname));
	}
}

static struct scenario *
scenario_new(const char *path)
{
	struct scenario *s;
	char *base;

	s = g_new0(struct scenario, 1);
	s->path = g_strdup(path);
	base = g_path_get_basename(path);
	if (g_str_has_suffix(base, ".scn") && strlen(base) > 4)
		base[strlen(base) - 4] = '\0';
	s->name = base;
	s->seed = 1;
	s->loop_limit = SCN_DEFAULT_LOOP_LIMIT;
	s->src = g_new0(struct scn_source, 1);
	s->hosts = g_ptr_array_new();
	s->host_index = g_hash_table_new(g_str_hash, g_str_equal);
	s->links = g_ptr_array_new_with_free_func((GDestroyNotify)link_free);
	s->ats = g_ptr_array_new_with_free_func((GDestroyNotify)at_free);
	s->expects = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)expect_free);
	return (s);
}

/*
 * Keep a line once parsed only when its words are used later: `at`, whose
 * command runs later and is narrated as written, `expect`, found again by
 * its counter's position, and `divert`, whose program arguments were
 * moved to the end of its words (words_partition()), so that lexing it
 * again would not give them.  Every record holds its own copy of what it
 * needs; a host's other commands lex their line again for a message
 * (scn_cmd_words()).
 */
static bool
line_kept(const struct scn_words *w)
{

	return (strcmp(w->argv[0], "at") == 0 ||
	    strcmp(w->argv[0], "expect") == 0 ||
	    strcmp(w->argv[0], "divert") == 0);
}

/* A line not kept: the command made from it (cur's last) forgets it. */
static void
cmd_unref_line(struct scn_host *cur, const struct scn_words *w)
{
	struct scn_host_cmd *c;

	if (cur == NULL || cur->cmds->len == 0)
		return;
	c = g_ptr_array_index(cur->cmds, cur->cmds->len - 1);
	if (c->w == w)
		c->w = NULL;
}

/* Words standing for a line that cannot be read again: no source. */
static struct scn_words *
words_blank(const struct scn_host_cmd *c)
{
	struct scn_words *w;
	static char empty[] = "";
	unsigned k;

	w = g_malloc0(sizeof(*w) + (c->argc + 1) * (sizeof(char *) +
	    sizeof(struct scn_pos)));
	w->argc = c->argc;
	w->argv = (char **)(void *)(w + 1);
	w->pos = (struct scn_pos *)(void *)(w->argv + c->argc + 1);
	for (k = 0; k < c->argc; k++)
		w->argv[k] = empty;
	for (k = 0; k <= c->argc; k++)
		w->pos[k] = (struct scn_pos){ c->line, 1 };
	w->line = c->line;
	w->off = c->off;
	return (w);
}

const struct scn_words *
scn_cmd_words(const struct scenario *s, const struct scn_host_cmd *c)
{
	struct scn_source *src = s->src;
	struct scn_words *w = NULL;
	gsize len;
	char *text;

	if (c->w != NULL)
		return (c->w);
	if (src->last != NULL && src->last->off == c->off &&
	    src->last->line == c->line)
		return (src->last);
	scn_words_free(src->last);
	src->last = NULL;
	if (src->text == NULL && src->reread && !src->changed) {
		if (g_file_get_contents(s->path, &text, &len, NULL) &&
		    len == src->len)
			src->text = text;
		else {
			g_free(text);
			src->changed = true;
		}
	}
	if (src->text != NULL)
		w = scn_lex_line(src->text, src->len, c->off, c->line);
	/* The same line, or the file changed under us. */
	if (w != NULL && (w->line != c->line || w->argc != c->argc)) {
		scn_words_free(w);
		w = NULL;
	}
	src->last = w != NULL ? w : words_blank(c);
	return (src->last);
}

static struct scenario *
parse_text(const char *path, const char *text, struct diag *d);

struct scenario *
scn_parse_text_diag(const char *path, const char *text, struct diag *d)
{
	struct scenario *s;

	s = parse_text(path, text, d);
	s->src->len = strlen(text);
	s->src->text = g_strndup(text, s->src->len);
	return (s);
}

static struct scenario *
parse_text(const char *path, const char *text, struct diag *d)
{
	struct parser p;
	struct scenario *s;
	const struct scn_words *sw;
	struct scn_words *w;
	struct scn_host *h;
	struct scn_lexer lx;
	struct diag quiet;
	GHashTable *err_hosts;
	GHashTableIter it;
	gpointer name;
	unsigned before;

	s = scenario_new(path);
	s->lines = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)scn_words_free);
	memset(&p, 0, sizeof(p));
	p.d = d;
	p.s = s;
	p.release = SCN_DEFAULT_RELEASE;
	p.declared = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	p.declared_order = g_ptr_array_new();
	p.bad_hosts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	p.addr_at = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	p.ends = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	p.joined = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	p.seen_if = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	p.mentions = g_ptr_array_new_with_free_func(mention_free);
	err_hosts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	/*
	 * Two passes over the text, each lexing a line at a time and letting
	 * it go: the file never exists as words all at once (a generated
	 * host's lines are several times its text).  The first is silent;
	 * the second reports the lexer's errors.
	 */
	diag_init(&quiet, path, NULL);
	scn_lexer_init(&lx, text, &quiet);
	while ((sw = scn_lexer_next_scratch(&lx)) != NULL)
		prescan_line(&p, sw);
	scn_lexer_done(&lx);
	prescan_suggest(&p);
	scn_lexer_init(&lx, text, d);
	while ((sw = scn_lexer_next_scratch(&lx)) != NULL) {
		/* The parser may reorder a line's words (words_partition()):
		 * a copy of its own for the lines kept. */
		w = line_kept(sw) ? scn_words_dup(sw) : (struct scn_words *)sw;
		s->nlines++;
		before = d->errors;
		parse_line(&p, w);
		if (d->errors != before) {
			/* Which host's world is incomplete now (scn_build.c
			 * stays quiet about what follows from it). */
			if (strcmp(w->argv[0], "at") == 0 && w->argc > 2)
				g_hash_table_add(err_hosts,
				    g_strdup(w->argv[2]));
			else if (host_cmd_lookup(w->argv[0]) != NULL &&
			    p.cur != NULL)
				g_hash_table_add(err_hosts,
				    g_strdup(p.cur->name));
		}
		if (line_kept(w))
			g_ptr_array_add(s->lines, w);
		else
			cmd_unref_line(p.cur, w);
	}
	scn_lexer_done(&lx);
	collect_ifnames(&p);
	g_hash_table_iter_init(&it, err_hosts);
	while (g_hash_table_iter_next(&it, &name, NULL))
		if ((h = scn_find_host(s, name)) != NULL)
			h->parse_errors = true;
	g_hash_table_destroy(err_hosts);
	g_hash_table_destroy(p.declared);
	g_ptr_array_free(p.declared_order, TRUE);
	g_hash_table_destroy(p.bad_hosts);
	g_hash_table_destroy(p.addr_at);
	g_hash_table_destroy(p.ends);
	g_hash_table_destroy(p.joined);
	g_hash_table_destroy(p.seen_if);
	g_ptr_array_free(p.mentions, TRUE);
	s->parse_errors = d->errors;
	return (s);
}

struct scenario *
scn_parse_string(const char *path, const char *text, FILE *errout,
    unsigned *nerrors)
{
	struct diag d;
	struct scenario *s;

	diag_init(&d, path, errout);
	diag_set_sorted(&d, true);
	s = scn_parse_text_diag(path, text, &d);
	diag_flush(&d);
	if (nerrors != NULL)
		*nerrors = d.errors;
	if (d.errors > 0) {
		scn_free(s);
		return (NULL);
	}
	return (s);
}

/*
 * The largest scenario read: room for a generated million-host topology
 * (a 1,000 x 1,000 grid is about 370 MB), and a bound on what a hostile
 * file can make lint read.  A regular file is measured before it is read.
 */
#define	SCN_MAX_FILE_BYTES	(1u << 30)

struct scenario *
scn_parse_file_diag(const char *path, struct diag *d)
{
	struct scenario *s;
	struct stat st;
	GString *text;
	FILE *f;
	bool regular;
	char buf[65536];
	size_t n;
	int error;

	f = fopen(path, "r");
	if (f == NULL) {
		diag_error_file(d, "cannot open: %s", strerror(errno));
		return (NULL);
	}
	regular = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
	if (regular && st.st_size > (off_t)SCN_MAX_FILE_BYTES) {
		fclose(f);
		diag_error_file(d, "file too large (more than %u MiB)",
		    SCN_MAX_FILE_BYTES >> 20);
		return (NULL);
	}
	/* Sized from the start: a big file is not copied as it grows. */
	text = g_string_sized_new(regular ? (gsize)st.st_size + 1 : 0);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (text->len + n > SCN_MAX_FILE_BYTES) {
			fclose(f);
			g_string_free(text, TRUE);
			diag_error_file(d, "file too large (more than %u MiB)",
			    SCN_MAX_FILE_BYTES >> 20);
			return (NULL);
		}
		g_string_append_len(text, buf, (gssize)n);
	}
	error = ferror(f) ? errno : 0;
	fclose(f);
	if (error != 0) {
		diag_error_file(d, "cannot read: %s", strerror(error));
		g_string_free(text, TRUE);
		return (NULL);
	}
	if (strlen(text->str) != text->len) {
		const char *c;
		unsigned line = 1;

		for (c = text->str; *c != '\0'; c++)
			if (*c == '\n')
				line++;
		diag_error_file(d, "NUL byte on line %u (not a text file?)",
		    line);
		g_string_free(text, TRUE);
		return (NULL);
	}
	s = parse_text(path, text->str, d);
	s->src->len = text->len;
	/* A regular file can be read again for a message; a pipe cannot. */
	if (regular) {
		s->src->reread = true;
		g_string_free(text, TRUE);
	} else
		s->src->text = g_string_free(text, FALSE);
	return (s);
}

struct scenario *
scn_parse_file(const char *path, FILE *errout, unsigned *nerrors)
{
	struct scenario *s;
	struct diag d;

	diag_init(&d, path, errout);
	diag_set_sorted(&d, true);
	s = scn_parse_file_diag(path, &d);
	diag_flush(&d);
	if (nerrors != NULL)
		*nerrors = d.errors;
	if (s != NULL && d.errors > 0) {
		scn_free(s);
		s = NULL;
	}
	return (s);
}

void
scn_free(struct scenario *s)
{
	struct scn_host *h;
	unsigned i;

	if (s == NULL)
		return;
	for (i = 0; i < s->hosts->len; i++) {
		h = g_ptr_array_index(s->hosts, i);
		g_free(h->name);
		scn_host_drop_cmds(h);
		scn_host_drop_ifnames(h);
		g_free(h);
	}
	g_hash_table_destroy(s->host_index);
	g_ptr_array_free(s->hosts, TRUE);
	g_ptr_array_free(s->links, TRUE);
	g_ptr_array_free(s->ats, TRUE);
	g_ptr_array_free(s->expects, TRUE);
	/* The records borrow the words: free the lines last. */
	if (s->lines != NULL)
		g_ptr_array_free(s->lines, TRUE);
	g_free(s->src->text);
	scn_words_free(s->src->last);
	g_free(s->src);
	g_free(s->path);
	g_free(s->name);
	g_free(s->title);
	g_free(s);
}

void
scn_host_drop_ifnames(struct scn_host *h)
{

	if (h->ifnames != NULL)
		g_ptr_array_free(h->ifnames, TRUE);
	h->ifnames = NULL;
}

void
scn_host_drop_cmds(struct scn_host *h)
{

	if (h->cmds != NULL)
		g_ptr_array_free(h->cmds, TRUE);
	h->cmds = NULL;
}

void
scn_drop_link(struct scenario *s, unsigned i)
{

	link_free(g_ptr_array_index(s->links, i));
	g_ptr_array_index(s->links, i) = NULL;
}

void
scn_drop_links(struct scenario *s)
{

	g_ptr_array_free(s->links, TRUE);
	s->links = g_ptr_array_new_with_free_func((GDestroyNotify)link_free);
}

struct scn_host *
scn_find_host(const struct scenario *s, const char *name)
{
	/* A hash, not a scan: generated scenarios have 10,000 hosts. */
	return (g_hash_table_lookup(s->host_index, name));
}
