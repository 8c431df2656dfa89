/*
 * ipfw(8) command lines into struct ipfw_cmd / struct ipfw_rule, as
 * sbin/ipfw/ipfw2.c's ipfw_add()/compile_rule() reads them.  The parser
 * knows nothing of packets; every error names the word at fault and its
 * index, and nothing is returned half-built.  Parse state lives in a
 * context struct, never in globals.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_check.h"
#include "ipfw/ipfw_nat.h"
#include "ipfw/ipfw_parse.h"
#include "ipfw/ipfw_rule.h"
#include "ipfw/ipfw_table.h"
#include "netinet/libalias.h"
#include "sim/sim_names.h"

#define	NATD_PORT	8668	/* /etc/services: natd 8668/divert */

/* Body parts, laid out in printing order once the whole rule is read. */
enum body_slot { B_PROTO, B_SRC, B_SPORT, B_DST, B_DPORT, B_NSLOTS };

struct ipfw_pctx {
	int		 argc;
	char *const	*argv;
	int		 i;		/* next word */
	int		*bad_word;
	GError		**err;
	struct ipfw_rule *rule;
	GArray		*addrs;		/* struct ipfw_addr */
	GArray		*ranges;	/* struct ipfw_range */
	GArray		*opts;		/* options after the body */
	GArray		*opt_words;	/* int, word of each entry of opts */
	struct ipfw_opt	 body[B_NSLOTS];
	bool		 has_body[B_NSLOTS];
	int		 body_word[B_NSLOTS];
	/* `{ X or Y ... }` in the protocol or an address: the alternatives
	 * after body[slot]. */
	struct ipfw_opt	 body_or[B_NSLOTS][IPFW_MAX_LIST];
	unsigned	 n_or[B_NSLOTS];
	int		 w_rulenum, w_set, w_prob, w_action, w_arg;
	int		 w_keep_state;
	int		 release;	/* 6 or 14 */
	bool		 port_names;	/* parse_ranges() reads ports */
};

/* ---- name tables ------------------------------------------------------ */

/* Keywords found by bsearch(): each table MUST stay sorted (strcmp). */
enum kw_option {
	KW_DIVERTED, KW_DIVERTED_LOOPBACK, KW_DIVERTED_OUTPUT, KW_DST_PORT,
	KW_FRAG, KW_ICMPTYPES, KW_IN, KW_IPID, KW_IPLEN, KW_IPOPTIONS,
	KW_IPTOS, KW_IPTTL, KW_KEEP_STATE, KW_NOT, KW_OUT, KW_PROTO, KW_RECV,
	KW_SRC_PORT, KW_VIA, KW_XMIT, KW_COMMENT, KW_ESTABLISHED,
	KW_IPVERSION, KW_SETUP, KW_TCPACK, KW_TCPDATALEN, KW_TCPFLAGS,
	KW_TCPMSS, KW_TCPOPTIONS, KW_TCPSEQ, KW_TCPWIN, KW_VERREVPATH,
	KW_VERSRCREACH, KW_ANTISPOOF, KW_SRC_IP, KW_DST_IP, KW_LIMIT,
	KW_TAGGED,
};

struct keyword {
	const char	*name;
	int		 value;
};

/* Sorted by name: searched with bsearch(). */
static const struct keyword option_kw[] = {
	{ "//",			KW_COMMENT },
	{ "antispoof",		KW_ANTISPOOF },
	{ "diverted",		KW_DIVERTED },
	{ "diverted-loopback",	KW_DIVERTED_LOOPBACK },
	{ "diverted-output",	KW_DIVERTED_OUTPUT },
	{ "dst-ip",		KW_DST_IP },
	{ "dst-port",		KW_DST_PORT },
	{ "estab",		KW_ESTABLISHED },
	{ "established",	KW_ESTABLISHED },
	{ "frag",		KW_FRAG },
	{ "fragment",		KW_FRAG },
	{ "icmptype",		KW_ICMPTYPES },
	{ "icmptypes",		KW_ICMPTYPES },
	{ "in",			KW_IN },
	{ "ipid",		KW_IPID },
	{ "iplen",		KW_IPLEN },
	{ "ipoptions",		KW_IPOPTIONS },
	{ "ipopts",		KW_IPOPTIONS },
	{ "iptos",		KW_IPTOS },
	{ "ipttl",		KW_IPTTL },
	{ "ipver",		KW_IPVERSION },
	{ "ipversion",		KW_IPVERSION },
	{ "keep-state",		KW_KEEP_STATE },
	{ "limit",		KW_LIMIT },
	{ "not",		KW_NOT },
	{ "out",		KW_OUT },
	{ "proto",		KW_PROTO },
	{ "recv",		KW_RECV },
	{ "setup",		KW_SETUP },
	{ "src-ip",		KW_SRC_IP },
	{ "src-port",		KW_SRC_PORT },
	{ "tagged",		KW_TAGGED },
	{ "tcpack",		KW_TCPACK },
	{ "tcpdatalen",		KW_TCPDATALEN },
	{ "tcpflags",		KW_TCPFLAGS },
	{ "tcpflgs",		KW_TCPFLAGS },
	{ "tcpmss",		KW_TCPMSS },
	{ "tcpoptions",		KW_TCPOPTIONS },
	{ "tcpopts",		KW_TCPOPTIONS },
	{ "tcpseq",		KW_TCPSEQ },
	{ "tcpwin",		KW_TCPWIN },
	{ "verrevpath",		KW_VERREVPATH },
	{ "versrcreach",	KW_VERSRCREACH },
	{ "via",		KW_VIA },
	{ "xmit",		KW_XMIT },
};

/* Sorted by name: searched with bsearch(). */
static const struct keyword action_kw[] = {
	{ "accept",		IPFW_ACT_ALLOW },
	{ "allow",		IPFW_ACT_ALLOW },
	{ "call",		IPFW_ACT_CALL },
	{ "check-state",	IPFW_ACT_CHECK_STATE },
	{ "count",		IPFW_ACT_COUNT },
	{ "deny",		IPFW_ACT_DENY },
	{ "divert",		IPFW_ACT_DIVERT },
	{ "drop",		IPFW_ACT_DENY },
	{ "forward",		IPFW_ACT_FWD },
	{ "fwd",		IPFW_ACT_FWD },
	{ "nat",		IPFW_ACT_NAT },
	{ "pass",		IPFW_ACT_ALLOW },
	{ "permit",		IPFW_ACT_ALLOW },
	{ "reass",		IPFW_ACT_REASS },
	{ "reject",		IPFW_ACT_UNREACH },
	{ "reset",		IPFW_ACT_UNREACH },
	{ "return",		IPFW_ACT_RETURN },
	{ "skipto",		IPFW_ACT_SKIPTO },
	{ "tee",		IPFW_ACT_TEE },
	{ "unreach",		IPFW_ACT_UNREACH },
};

/* Sorted by name: searched with bsearch(). */
/*
 * Protocol words ipfw(8) takes besides the /etc/protocols keywords
 * (inet_proto_number()): "all" and the IPv4 spellings of `ip`.
 */
static const struct keyword proto_kw[] = {
	{ "all",		0 },
	{ "ip4",		0 },
	{ "ipv4",		0 },
};

/* Indexed by code: ICMP_UNREACH_* names as ipfw2.c's icmpcodes[]. */
static const char *const unreach_names[] = {
	"net", "host", "protocol", "port", "needfrag", "srcfail",
	"net-unknown", "host-unknown", "isolated", "net-prohib",
	"host-prohib", "tosnet", "toshost", "filter-prohib",
	"host-precedence", "precedence-cutoff",
};

/* ipfw2.c's f_iptos[] order; congestion is the 6.x IPTOS_CE bit. */
const struct ipfw_flag_name ipfw_iptos_names[] = {
	{ "lowdelay",		0x10 },
	{ "throughput",		0x08 },
	{ "reliability",	0x04 },
	{ "mincost",		0x02 },
	{ "congestion",		0x01 },
	{ NULL,			0 },
};

/* ipfw2.c's f_tcpflags[] order, with the TH_* bits. */
const struct ipfw_flag_name ipfw_tcpflag_names[] = {
	{ "syn",		0x02 },
	{ "fin",		0x01 },
	{ "ack",		0x10 },
	{ "psh",		0x08 },
	{ "rst",		0x04 },
	{ "urg",		0x20 },
	{ NULL,			0 },
};

/* ipfw2.c's f_tcpopts[] order, IP_FW_TCPOPT_* bits ("maxseg" and
 * "timestamp" are read as aliases, see parse_flags()). */
const struct ipfw_flag_name ipfw_tcpopt_names[] = {
	{ "mss",		0x01 },
	{ "window",		0x02 },
	{ "sack",		0x04 },
	{ "ts",			0x08 },
	{ "cc",			0x10 },
	{ NULL,			0 },
};

/* ipfw2.c's f_ipopts[] order, with the IP_FW_IPOPT_* bits. */
const struct ipfw_flag_name ipfw_ipopt_names[] = {
	{ "ssrr",		0x01 },
	{ "lsrr",		0x02 },
	{ "rr",			0x04 },
	{ "ts",			0x08 },
	{ NULL,			0 },
};

static int
kw_cmp(const void *key, const void *elem)
{
	const struct keyword *kw = elem;

	return (strcmp(key, kw->name));
}

static const struct keyword *
kw_find(const struct keyword *table, size_t n, const char *word)
{
	return (bsearch(word, table, n, sizeof(table[0]), kw_cmp));
}

#define	KW_FIND(table, word)	kw_find((table), G_N_ELEMENTS(table), (word))

static bool
kw_sorted(const struct keyword *table, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(table[i - 1].name, table[i].name) >= 0)
			return (false);
	return (true);
}

bool
ipfw_parse_tables_sorted(void)
{
	return (kw_sorted(option_kw, G_N_ELEMENTS(option_kw)) &&
	    kw_sorted(action_kw, G_N_ELEMENTS(action_kw)) &&
	    kw_sorted(proto_kw, G_N_ELEMENTS(proto_kw)));
}

const char *
ipfw_unreach_name(uint32_t code)
{
	if (code < G_N_ELEMENTS(unreach_names))
		return (unreach_names[code]);
	return (NULL);
}

GQuark
ipfw_error_quark(void)
{
	return (g_quark_from_static_string("ipfw-error-quark"));
}

/* ---- helpers ------------------------------------------------------------ */

/*
 * Every keyword of FreeBSD 14's ipfw(8) rule grammar (the ipfw command's
 * rule_actions, rule_action_params, rule_eactions and rule_options tables,
 * log's logamount, the commands of main's dispatch), sorted, less those
 * the parser implements.  A word here that the parser does not take is
 * syntax not modelled yet, not a typo.
 */
static const char *const freebsd_keywords[] = {
	"!", "(", ")", "MAC", "abort", "abort6", "accept", "add",
	"allow", "altq", "bridged", "call", "check-state", "count",
	"defer-action", "defer-immediate-action", "delete", "disable",
	"divert", "diverted", "diverted-loopback", "diverted-output",
	"drop", "dscp", "dst-ip6", "dst-ipv6", "dst-port", "eaction",
	"enable", "ext6hdr", "fib", "flow", "flow-id",
	"flush", "frag", "fragment", "gid",
	"icmp6type", "icmp6types", "in", "internal", "ip4", "ip6",
	"ipid", "iplen", "ipoptions", "ipopts", "ipprecedence",
	"ipsec", "iptos", "ipttl", "ipv4", "ipv6", "jail",
	"keep-state", "layer2", "list", "log", "lookup", "mac",
	"mac-type", "nat64clat", "nat64lsn", "nat64stl",
	"netgraph", "ngtee", "not", "nptv6", "out", "pass", "permit",
	"pipe", "prob", "proto", "queue", "reass", "record-state",
	"recv", "reject", "reset6", "resetlog", "return", "sched",
	"set", "set-limit", "setdscp", "setfib", "show", "skipto",
	"sockarg", "src-ip6", "src-ipv6", "src-port", "tcp-setmss",
	"tee", "uid", "unreach", "unreach6", "via", "xmit", "zero",
	"|",
};

static int
str_cmp(const void *key, const void *elt)
{
	return (strcmp(key, *(const char *const *)elt));
}

/*
 * When word w of the command is ipfw(8) syntax the parser does not
 * implement (a keyword of the table above it does not know), report that
 * and return true.
 */
static bool	need_release(struct ipfw_pctx *, int, int, const char *);

static bool
not_modelled(struct ipfw_pctx *ctx, int word)
{
	const char *w = word < ctx->argc ? ctx->argv[word] : NULL;
	bool ours;

	if (w == NULL)
		return (false);
	ours = kw_find(option_kw, G_N_ELEMENTS(option_kw), w) != NULL ||
	    kw_find(action_kw, G_N_ELEMENTS(action_kw), w) != NULL;
	if ((ours || bsearch(w, freebsd_keywords,
	    G_N_ELEMENTS(freebsd_keywords), sizeof(freebsd_keywords[0]),
	    str_cmp) == NULL))
		return (false);
	*ctx->bad_word = word;
	g_set_error(ctx->err, IPFW_ERROR, IPFW_ERR_NOT_MODELLED, "'%s' is "
	    "ipfw(8) syntax divertsim does not model yet (see "
	    "docs/ipfw-subset.md)", w);
	return (true);
}

/* An unknown word: not modelled, or a typo (code for "did you mean"). */
static bool
fail_unknown(struct ipfw_pctx *ctx, int word, enum ipfw_error_code code,
    const char *what)
{
	if (not_modelled(ctx, word))
		return (false);
	*ctx->bad_word = word;
	g_set_error(ctx->err, IPFW_ERROR, (gint)code, "%s '%s'", what,
	    ctx->argv[word]);
	return (false);
}

void
ipfw_keyword_names(enum ipfw_error_code kind, GPtrArray *names)
{
	static const char *const cmds[] = { "add", "delete", "flush", "list",
	    "show", "zero" };

	switch (kind) {
	case IPFW_ERR_UNKNOWN_ACTION:
		for (size_t k = 0; k < G_N_ELEMENTS(action_kw); k++)
			g_ptr_array_add(names, (gpointer)action_kw[k].name);
		break;
	case IPFW_ERR_UNKNOWN_OPTION:
		for (size_t k = 0; k < G_N_ELEMENTS(option_kw); k++)
			g_ptr_array_add(names, (gpointer)option_kw[k].name);
		break;
	case IPFW_ERR_UNKNOWN_COMMAND:
		for (size_t k = 0; k < G_N_ELEMENTS(cmds); k++)
			g_ptr_array_add(names, (gpointer)cmds[k]);
		break;
	default:
		break;
	}
}

static bool G_GNUC_PRINTF(3, 4)
fail(struct ipfw_pctx *ctx, int word, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	*ctx->bad_word = word;
	g_set_error_literal(ctx->err, IPFW_ERROR, 0, msg);
	g_free(msg);
	return (false);
}

static const char *
peek(const struct ipfw_pctx *ctx)
{
	return (ctx->i < ctx->argc ? ctx->argv[ctx->i] : NULL);
}

/* A decimal number of digits only; false if not one.  Values above
 * UINT32_MAX saturate so that range errors can still name them. */
static bool
parse_number(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || *s == '\0')
		return (false);
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return (false);
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			v = (uint64_t)UINT32_MAX + 1;
	}
	*out = v;
	return (true);
}

/*
 * A port by number or by service name, as strtoport() reads it: names
 * come from the services database (getservbyname(3), /etc/services) for
 * the rule's protocol when it is TCP or UDP; a '-' inside a name is
 * written "\-" (ftp\-data).
 */
/*
 * getservbyname(3), remembered: every `from any to any` rule asks the
 * services database whether "to" names a port, and each question reads
 * /etc/services from the start (~300k instructions; a million rules took
 * minutes).  The database does not change during a run.  -1: no such
 * service.
 */
static int
serv_port(const char *name, const char *proto)
{
	static GHashTable *memo;	/* "proto/name" -> port + 1, 0 = none */
	const struct servent *se;
	char *key;
	gpointer hit;
	int port;

	if (memo == NULL)
		memo = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    NULL);
	key = g_strdup_printf("%s/%s", proto != NULL ? proto : "", name);
	if (g_hash_table_lookup_extended(memo, key, NULL, &hit)) {
		g_free(key);
		return (GPOINTER_TO_INT(hit) - 1);
	}
	se = getservbyname(name, proto);
	port = se == NULL ? -1 : ntohs((uint16_t)se->s_port);
	g_hash_table_insert(memo, key, GINT_TO_POINTER(port + 1));
	return (port);
}

static bool
parse_port_value(const struct ipfw_pctx *ctx, const char *s, uint64_t *v)
{
	const char *proto = NULL;
	int port;
	GString *name;

	if (parse_number(s, v))
		return (true);
	if (!isalpha((unsigned char)*s))
		return (false);
	if (ctx->has_body[B_PROTO] && !ctx->body[B_PROTO].negate)
		proto = ctx->body[B_PROTO].u.val == 6 ? "tcp" :
		    ctx->body[B_PROTO].u.val == 17 ? "udp" : NULL;
	name = g_string_new(NULL);
	for (; *s != '\0'; s++)
		if (*s != '\\')
			g_string_append_c(name, *s);
	port = serv_port(name->str, proto);
	g_string_free(name, TRUE);
	if (port < 0)
		return (false);
	*v = (uint64_t)port;
	return (true);
}

/* The '-' of a range, skipping "\-" inside a service name. */
static char *
range_dash(char *item)
{
	for (char *p = item; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '-' && p != item)
			return (p);
	}
	return (NULL);
}

/*
 * N, N-M and comma lists of them, each within 0..max, as fill_newports()
 * reads port lists (iplen, ipid and ipttl reuse it, as ipfw2.c does).
 */
static bool
parse_ranges(struct ipfw_pctx *ctx, const char *word, uint32_t max,
    uint16_t *first, uint16_t *n)
{
	gchar **items;
	bool ok = true;
	unsigned count = 0;

	*first = (uint16_t)ctx->ranges->len;
	items = g_strsplit(word, ",", -1);
	for (size_t k = 0; ok && items[k] != NULL; k++) {
		struct ipfw_range r;
		uint64_t lo, hi;
		char *dash = range_dash(items[k]);

		if (dash != NULL)
			*dash = '\0';
		ok = ctx->port_names ? parse_port_value(ctx, items[k], &lo) :
		    parse_number(items[k], &lo);
		hi = lo;
		if (ok && dash != NULL)
			ok = ctx->port_names ?
			    parse_port_value(ctx, dash + 1, &hi) :
			    parse_number(dash + 1, &hi);
		if (!ok || lo > max || hi > max || lo > hi) {
			ok = false;
			break;
		}
		if (++count > IPFW_MAX_LIST) {
			ok = false;
			break;
		}
		r.lo = (uint16_t)lo;
		r.hi = (uint16_t)hi;
		g_array_append_val(ctx->ranges, r);
	}
	g_strfreev(items);
	if (!ok || count == 0) {
		g_array_set_size(ctx->ranges, *first);
		return (false);
	}
	*n = (uint16_t)count;
	return (true);
}

/*
 * A word that is a port list: numbers, '-' and ',', or items that are
 * service names (add_ports() takes any word fill_newports() can read).
 */
static bool
looks_like_ports(struct ipfw_pctx *ctx, const char *w)
{
	uint16_t first, n;
	bool ok;

	if (w == NULL)
		return (false);
	if (isdigit((unsigned char)w[0]))
		return (strspn(w, "0123456789-,") == strlen(w));
	if (!isalpha((unsigned char)w[0]))
		return (false);
	ctx->port_names = true;
	ok = parse_ranges(ctx, w, 65535, &first, &n);
	ctx->port_names = false;
	if (ok)
		g_array_set_size(ctx->ranges, first);
	return (ok);
}

/* ---- addresses ---------------------------------------------------------- */

static bool
parse_one_addr(const char *s, struct ipfw_addr *a, bool *is_any)
{
	char buf[64];
	char *sep;
	struct in_addr in;
	uint32_t mask = 0xffffffffu;

	if (strlen(s) >= sizeof(buf) || *s == '\0')
		return (false);
	strcpy(buf, s);
	sep = strpbrk(buf, "/:");
	if (sep != NULL) {
		char kind = *sep;

		*sep++ = '\0';
		if (kind == '/') {
			uint64_t plen;

			if (!parse_number(sep, &plen) || plen > 32)
				return (false);
			mask = plen == 0 ? 0 :
			    (uint32_t)(0xffffffffu << (32 - plen));
		} else {
			if (inet_pton(AF_INET, sep, &in) != 1)
				return (false);
			mask = ntohl(in.s_addr);
		}
	}
	if (inet_pton(AF_INET, buf, &in) != 1)
		return (false);
	/* fill_ip() masks the base address with the mask. */
	a->mask = mask;
	a->addr = ntohl(in.s_addr) & mask;
	*is_any = mask == 0;
	return (true);
}

/*
 * any | me | A | A/PLEN | A:MASK | A,B,... | { A, B/24 } (the braces may be
 * separate words or glued to the addresses).  Fills slot with the option,
 * or leaves it absent for `any`.
 */
static bool
parse_addr(struct ipfw_pctx *ctx, enum body_slot slot, bool negate,
    int not_word)
{
	const char *w = peek(ctx);
	int start = ctx->i;
	GString *list;
	gchar **items;
	struct ipfw_opt o;
	unsigned count = 0;
	bool is_src = slot == B_SRC;
	bool ok = true;

	if (w == NULL)
		return (fail(ctx, ctx->argc, "missing %s address",
		    is_src ? "source" : "destination"));
	memset(&o, 0, sizeof(o));
	o.negate = negate;
	if (strcmp(w, "any") == 0) {
		ctx->i++;
		if (negate)
			return (fail(ctx, not_word, "not any never matches"));
		return (true);
	}
	if (strncmp(w, "table(", 6) == 0) {
		/* fill_ip(): table(N) or table(N,VALUE). */
		uint64_t num = 0, val = 0;
		char *inner = g_strdup(w + 6);
		char *comma, *close = strchr(inner, ')');
		bool ok2 = close != NULL && close[1] == '\0';
		uint32_t max = ctx->release < 12 ? 127 : 65535;

		if (ok2) {
			*close = '\0';
			if ((comma = strchr(inner, ',')) != NULL) {
				*comma = '\0';
				ok2 = parse_number(comma + 1, &val) &&
				    val <= UINT32_MAX;
				o.n = 1;
				o.u.val = (uint32_t)val;
			}
			ok2 = ok2 && parse_number(inner, &num);
		}
		g_free(inner);
		if (!ok2)
			return (fail(ctx, start, "bad table reference '%s'",
			    w));
		if (num > max)
			return (fail(ctx, start, "table number %llu out of "
			    "range 0..%u (release %d)", (unsigned long long)num,
			    max, ctx->release));
		ctx->i++;
		o.op = is_src ? IPFW_O_SRC_TABLE : IPFW_O_DST_TABLE;
		o.first = (uint16_t)num;
		ctx->body[slot] = o;
		ctx->has_body[slot] = true;
		ctx->body_word[slot] = start;
		return (true);
	}
	if (strcmp(w, "me") == 0) {
		ctx->i++;
		o.op = is_src ? IPFW_O_SRC_ME : IPFW_O_DST_ME;
		ctx->body[slot] = o;
		ctx->has_body[slot] = true;
		ctx->body_word[slot] = start;
		return (true);
	}
	if (w[0] != '{' && strchr(w, '{') != NULL) {
		/*
		 * fill_ip()'s sets: A/LEN{h,h-h,...} (LEN 24..32), the hosts
		 * of A/LEN whose last bits are listed.  Stored as the base
		 * (addrs[first]) and a 256-bit map (8 entries' addr words).
		 */
		struct ipfw_addr base, map[8];
		bool is_any;
		char *copy = g_strdup(w), *brace = strchr(copy, '{');
		char *close = strrchr(copy, '}');
		unsigned plen;
		gchar **items;
		bool ok2 = close != NULL && close[1] == '\0';

		*brace = '\0';
		if (ok2)
			*close = '\0';
		if (!ok2 || strchr(copy, '/') == NULL ||
		    !parse_one_addr(copy, &base, &is_any)) {
			g_free(copy);
			return (fail(ctx, start, "bad address set '%s'", w));
		}
		plen = (unsigned)__builtin_popcount(base.mask);
		if (plen < 24) {
			g_free(copy);
			return (fail(ctx, start, "invalid set with mask %u",
			    plen));
		}
		memset(map, 0, sizeof(map));
		items = g_strsplit(brace + 1, ",", -1);
		for (size_t k = 0; ok2 && items[k] != NULL; k++) {
			uint64_t lo, hi;
			char *dash = strchr(items[k], '-');

			if (dash != NULL)
				*dash = '\0';
			ok2 = parse_number(items[k], &lo);
			hi = lo;
			if (ok2 && dash != NULL)
				ok2 = parse_number(dash + 1, &hi);
			/* Host numbers within the mask's free bits. */
			if (!ok2 || lo > hi || hi > (~base.mask & 0xffu)) {
				ok2 = false;
				break;
			}
			for (uint64_t h = lo; h <= hi; h++)
				map[h / 32].addr |= 1u << (h % 32);
		}
		g_strfreev(items);
		g_free(copy);
		if (!ok2)
			return (fail(ctx, start, "bad address set '%s'", w));
		ctx->i++;
		o.op = is_src ? IPFW_O_SRC_SET : IPFW_O_DST_SET;
		o.first = (uint16_t)ctx->addrs->len;
		o.n = 9;
		g_array_append_val(ctx->addrs, base);
		g_array_append_vals(ctx->addrs, map, 8);
		ctx->body[slot] = o;
		ctx->has_body[slot] = true;
		ctx->body_word[slot] = start;
		return (true);
	}
	if (strpbrk(w, "{,") == NULL) {
		/* A lone A/0 is `any`: fill_ip() turns it into no test. */
		struct ipfw_addr a;
		bool is_any = false;

		if (parse_one_addr(w, &a, &is_any) && is_any) {
			ctx->i++;
			if (negate)
				return (fail(ctx, not_word,
				    "not any never matches"));
			return (true);
		}
	}
	list = g_string_new(NULL);
	if (w[0] == '{') {
		/* Gather words up to the one that closes the brace. */
		bool closed = false;

		while (ctx->i < ctx->argc) {
			const char *x = ctx->argv[ctx->i++];
			size_t len = strlen(x);

			g_string_append(list, x);
			g_string_append_c(list, ',');
			if (len > 0 && x[len - 1] == '}') {
				closed = true;
				break;
			}
		}
		if (!closed) {
			g_string_free(list, TRUE);
			return (fail(ctx, ctx->argc,
			    "missing '}' closing the address list at '%s'", w));
		}
		g_strdelimit(list->str, "{}", ',');
	} else {
		g_string_append(list, w);
		ctx->i++;
	}
	o.op = is_src ? IPFW_O_SRC_ADDR : IPFW_O_DST_ADDR;
	o.first = (uint16_t)ctx->addrs->len;
	items = g_strsplit(list->str, ",", -1);
	for (size_t k = 0; ok && items[k] != NULL; k++) {
		struct ipfw_addr a;
		bool is_any;
		char *item = g_strstrip(items[k]);

		if (*item == '\0')
			continue;
		if (!parse_one_addr(item, &a, &is_any)) {
			ok = not_modelled(ctx, start) ? false : fail(ctx,
			    start, "bad %s address '%s'",
			    is_src ? "source" : "destination", item);
			break;
		}
		if (is_any) {
			ok = fail(ctx, start, "'%s' (any) inside an address "
			    "list", item);
			break;
		}
		if (++count > IPFW_MAX_LIST) {
			ok = fail(ctx, start, "address list too long "
			    "(at most %d entries)", IPFW_MAX_LIST);
			break;
		}
		g_array_append_val(ctx->addrs, a);
	}
	g_strfreev(items);
	g_string_free(list, TRUE);
	if (!ok)
		return (false);
	if (count == 0)
		return (fail(ctx, start, "empty address list"));
	o.n = (uint16_t)count;
	ctx->body[slot] = o;
	ctx->has_body[slot] = true;
	ctx->body_word[slot] = start;
	return (true);
}

/* ---- the rule body ------------------------------------------------------ */

static bool
parse_proto_word(const char *w, uint32_t *proto)
{
	const struct keyword *kw;
	uint64_t v;
	int num;

	if ((kw = KW_FIND(proto_kw, w)) != NULL) {
		*proto = (uint32_t)kw->value;
		return (true);
	}
	if ((num = inet_proto_number(w)) >= 0) {
		*proto = (uint32_t)num;
		return (true);
	}
	if (parse_number(w, &v) && v >= 1 && v <= 255) {
		*proto = (uint32_t)v;
		return (true);
	}
	return (false);
}

static void
set_proto(struct ipfw_pctx *ctx, uint32_t proto, bool negate, int word)
{
	struct ipfw_opt o;

	/* `ip` (protocol 0) matches everything: no option, as add_proto(). */
	if (proto == 0 && !negate)
		return;
	memset(&o, 0, sizeof(o));
	o.op = IPFW_O_PROTO;
	o.negate = negate;
	o.u.val = proto;
	ctx->body[B_PROTO] = o;
	ctx->has_body[B_PROTO] = true;
	ctx->body_word[B_PROTO] = word;
}

static bool
parse_ports(struct ipfw_pctx *ctx, enum body_slot slot, bool negate,
    const char *what)
{
	const char *w = peek(ctx);
	struct ipfw_opt o;
	bool ok;

	if (w == NULL)
		return (fail(ctx, ctx->argc, "missing %s", what));
	if (ctx->has_body[slot])
		return (fail(ctx, ctx->i, "%s given twice at '%s'", what, w));
	memset(&o, 0, sizeof(o));
	if (strcmp(w, "any") == 0) {
		ctx->i++;
		return (true);
	}
	o.op = slot == B_SPORT ? IPFW_O_SRC_PORT : IPFW_O_DST_PORT;
	o.negate = negate;
	ctx->port_names = true;
	ok = parse_ranges(ctx, w, 65535, &o.first, &o.n);
	ctx->port_names = false;
	if (!ok)
		return (fail(ctx, ctx->i, "invalid %s '%s'", what, w));
	ctx->body[slot] = o;
	ctx->has_body[slot] = true;
	ctx->body_word[slot] = ctx->i;
	ctx->i++;
	return (true);
}

/* Optional `[not] PORTS` after an address. */
static bool
parse_opt_ports(struct ipfw_pctx *ctx, enum body_slot slot)
{
	const char *w = peek(ctx);
	bool negate = false;

	if (w != NULL && strcmp(w, "not") == 0 && ctx->i + 1 < ctx->argc &&
	    looks_like_ports(ctx, ctx->argv[ctx->i + 1])) {
		negate = true;
		ctx->i++;
		w = peek(ctx);
	}
	if (!negate && w != NULL && strcmp(w, "any") == 0) {
		/* compile_rule(): `any` as ports is no test. */
		ctx->i++;
		return (true);
	}
	if (!looks_like_ports(ctx, w))
		return (true);
	return (parse_ports(ctx, slot, negate,
	    slot == B_SPORT ? "source ports" : "destination ports"));
}

/*
 * NAME[,!NAME...] from a flag table, as ipfw2.c's fill_flags() reads
 * ipoptions, iptos, tcpflags and tcpoptions: names only, a number is an
 * invalid flag.
 */
static bool
parse_flags(const char *word, const struct ipfw_flag_name *names,
    uint8_t *set, uint8_t *clear)
{
	gchar **items = g_strsplit(word, ",", -1);
	bool ok = items[0] != NULL;

	*set = *clear = 0;
	for (size_t k = 0; ok && items[k] != NULL; k++) {
		const char *p = items[k];
		uint8_t *which = set;
		bool found = false;

		if (*p == '!') {
			which = clear;
			p++;
		}
		/* f_tcpopts[]'s second spellings. */
		if (names == ipfw_tcpopt_names && strcmp(p, "maxseg") == 0)
			p = "mss";
		else if (names == ipfw_tcpopt_names &&
		    strcmp(p, "timestamp") == 0)
			p = "ts";
		for (size_t j = 0; names[j].name != NULL; j++) {
			if (strcmp(p, names[j].name) == 0) {
				*which |= names[j].bit;
				found = true;
			}
		}
		ok = found;
	}
	g_strfreev(items);
	return (ok);
}

static bool
parse_icmptypes(const char *word, uint32_t *bits, const char **why)
{
	gchar **items = g_strsplit(word, ",", -1);
	bool ok = items[0] != NULL;

	*why = "invalid ICMP type";
	*bits = 0;
	for (size_t k = 0; ok && items[k] != NULL; k++) {
		uint64_t v;

		if (!parse_number(items[k], &v)) {
			ok = false;
		} else if (v > 31) {
			/* fill_icmptypes(): a 32-bit map of types. */
			*why = "ICMP type out of range";
			ok = false;
		} else {
			*bits |= 1u << v;
		}
	}
	g_strfreev(items);
	return (ok);
}

static void
add_opt(struct ipfw_pctx *ctx, const struct ipfw_opt *o, int word)
{
	g_array_append_val(ctx->opts, *o);
	g_array_append_val(ctx->opt_words, word);
}

static bool
parse_iface(struct ipfw_pctx *ctx, enum ipfw_op op, bool negate, int kw_word)
{
	const char *w = peek(ctx);
	struct ipfw_opt o;

	if (w == NULL)
		return (fail(ctx, ctx->argc, "recv, xmit, via require "
		    "interface name after '%s'", ctx->argv[kw_word]));
	ctx->i++;
	if (strcmp(w, "any") == 0)
		return (true);	/* fill_iface(): `any` is no test at all */
	if (isdigit((unsigned char)w[0]))
		return (fail(ctx, ctx->i - 1, "interface addresses are not "
		    "supported: '%s'", w));
	if (strlen(w) >= IPFW_IFNAMSIZ)
		return (fail(ctx, ctx->i - 1, "interface name '%s' too long",
		    w));
	memset(&o, 0, sizeof(o));
	o.op = (uint8_t)op;
	o.negate = negate;
	strcpy(o.u.ifname, w);
	/* Decided once here, not for every packet. */
	o.glob = strpbrk(w, "*?[") != NULL;
	add_opt(ctx, &o, kw_word);
	return (true);
}

static bool
parse_values(struct ipfw_pctx *ctx, enum ipfw_op op, bool negate,
    int kw_word, uint32_t max)
{
	const char *w = peek(ctx);
	const char *name = ctx->argv[kw_word];
	struct ipfw_opt o;

	if (w == NULL)
		return (fail(ctx, ctx->argc, "missing value after '%s'",
		    name));
	memset(&o, 0, sizeof(o));
	o.op = (uint8_t)op;
	o.negate = negate;
	if (!parse_ranges(ctx, w, max, &o.first, &o.n))
		return (fail(ctx, ctx->i, "invalid %s '%s'", name, w));
	/*
	 * Options refer to their list by a 16-bit index: past that many
	 * entries in one rule (repeated options) the index would wrap and
	 * name another option's list.
	 */
	if (ctx->ranges->len > IPFW_MAX_RULE_ENTRIES) {
		g_array_set_size(ctx->ranges, o.first);
		return (fail(ctx, ctx->i, "too many list entries in one rule "
		    "(at most %u)", IPFW_MAX_RULE_ENTRIES));
	}
	ctx->i++;
	add_opt(ctx, &o, kw_word);
	return (true);
}

/* A keyword the host's release does not have yet. */
static bool
need_release(struct ipfw_pctx *ctx, int word, int since, const char *what)
{
	if (ctx->release >= since)
		return (true);
	return (fail(ctx, word, "%s is ipfw(8) of FreeBSD %d and later; this "
	    "host runs release %d", what, since, ctx->release));
}

/* `// text...`: the rest of the words, as fill_comment() joins them. */
static bool
parse_comment(struct ipfw_pctx *ctx, int word)
{
	GString *c = g_string_new(NULL);

	/* fill_comment() skips the "//" word whole. */
	for (; ctx->i < ctx->argc; ctx->i++) {
		if (c->len > 0)
			g_string_append_c(c, ' ');
		g_string_append(c, ctx->argv[ctx->i]);
	}
	if (c->len > 80) {
		g_string_free(c, TRUE);
		return (fail(ctx, word, "comment too long (max 80 chars)"));
	}
	ctx->rule->comment = c->len > 0 ? g_strdup(c->str) : NULL;
	g_string_free(c, TRUE);
	return (true);
}

/* An optional `:name` after keep-state/check-state (FreeBSD 12+). */
static bool
parse_flow(struct ipfw_pctx *ctx)
{
	const char *w = peek(ctx);

	if (w == NULL || w[0] != ':')
		return (true);
	if (!need_release(ctx, ctx->i, 12, "a flow name (':name')"))
		return (false);
	/* ipfw_check_object_name(): letters, digits, '-', '_', '.'. */
	if (w[1] == '\0' || strlen(w + 1) > 63 ||
	    strspn(w + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_.") != strlen(w + 1))
		return (fail(ctx, ctx->i, "bad flow name '%s'", w));
	/* `:any` (every name) is only for check-state, as compile_rule()
	 * refuses it elsewhere. */
	if (strcmp(w + 1, "any") == 0 &&
	    ctx->rule->action != IPFW_ACT_CHECK_STATE)
		return (fail(ctx, ctx->i, "':any' is only for check-state"));
	/* `:default` is what no name means. */
	ctx->rule->flow = strcmp(w + 1, "default") == 0 ? NULL :
	    g_intern_string(w + 1);
	ctx->i++;
	return (true);
}

static bool
parse_u32(struct ipfw_pctx *ctx, struct ipfw_opt *o, int word)
{
	const char *v = peek(ctx);
	uint64_t n;

	if (v == NULL)
		return (fail(ctx, ctx->argc, "missing value after '%s'",
		    ctx->argv[word]));
	if (!parse_number(v, &n) || n > UINT32_MAX)
		return (fail(ctx, ctx->i, "invalid %s '%s'", ctx->argv[word],
		    v));
	o->u.val = (uint32_t)n;
	ctx->i++;
	add_opt(ctx, o, word);
	return (true);
}

static bool
parse_option(struct ipfw_pctx *ctx, bool negate, int not_word)
{
	const char *w = peek(ctx);
	const struct keyword *kw = KW_FIND(option_kw, w);
	int word = ctx->i;
	struct ipfw_opt o;
	const char *v;
	uint32_t proto;

	if (kw == NULL)
		return (fail_unknown(ctx, word, IPFW_ERR_UNKNOWN_OPTION,
		    "unknown option"));
	ctx->i++;
	memset(&o, 0, sizeof(o));
	o.negate = negate;
	switch ((enum kw_option)kw->value) {
	case KW_NOT:
		if (negate)
			return (fail(ctx, word, "double \"not\" not allowed"));
		if (peek(ctx) == NULL)
			return (fail(ctx, ctx->argc, "missing option after "
			    "'not'"));
		return (parse_option(ctx, true, word));
	case KW_IN:
	case KW_OUT:
		/* `out` is `not in` (compile_rule() toggles F_NOT). */
		o.op = IPFW_O_IN;
		o.negate = negate != (kw->value == KW_OUT);
		add_opt(ctx, &o, word);
		return (true);
	case KW_VIA:
		return (parse_iface(ctx, IPFW_O_VIA, negate, word));
	case KW_RECV:
		return (parse_iface(ctx, IPFW_O_RECV, negate, word));
	case KW_XMIT:
		return (parse_iface(ctx, IPFW_O_XMIT, negate, word));
	case KW_FRAG:
		o.op = IPFW_O_FRAG;
		add_opt(ctx, &o, word);
		return (true);
	case KW_IPOPTIONS:
		/* A flag spec is optional here: bare means "has options". */
		o.op = IPFW_O_IPOPT;
		v = peek(ctx);
		if (v != NULL && parse_flags(v, ipfw_ipopt_names,
		    &o.u.flags.set, &o.u.flags.clear))
			ctx->i++;
		else
			o.u.flags.set = o.u.flags.clear = 0;
		add_opt(ctx, &o, word);
		return (true);
	case KW_IPTOS:
		o.op = IPFW_O_IPTOS;
		v = peek(ctx);
		if (v == NULL)
			return (fail(ctx, ctx->argc, "missing argument for "
			    "iptos"));
		if (!parse_flags(v, ipfw_iptos_names, &o.u.flags.set,
		    &o.u.flags.clear))
			return (fail(ctx, ctx->i, "invalid iptos '%s'", v));
		ctx->i++;
		add_opt(ctx, &o, word);
		return (true);
	case KW_IPLEN:
		return (parse_values(ctx, IPFW_O_IPLEN, negate, word, 65535));
	case KW_IPID:
		return (parse_values(ctx, IPFW_O_IPID, negate, word, 65535));
	case KW_IPTTL:
		return (parse_values(ctx, IPFW_O_IPTTL, negate, word, 255));
	case KW_ICMPTYPES: {
		const char *why;

		o.op = IPFW_O_ICMPTYPE;
		v = peek(ctx);
		if (v == NULL)
			return (fail(ctx, ctx->argc, "icmptypes requires list "
			    "of types"));
		if (!parse_icmptypes(v, &o.u.val, &why))
			return (fail(ctx, ctx->i, "%s '%s'", why, v));
		ctx->i++;
		add_opt(ctx, &o, word);
		return (true);
	}
	case KW_KEEP_STATE:
		if (negate)
			return (fail(ctx, not_word, "'not' cannot apply to "
			    "keep-state"));
		if (ctx->rule->keep_state)
			return (fail(ctx, word, ctx->rule->limit_n != 0 ?
			    "only one of keep-state and limit is allowed" :
			    "keep-state given twice"));
		ctx->rule->keep_state = true;
		ctx->w_keep_state = word;
		return (parse_flow(ctx));
	case KW_LIMIT: {
		/* limit {src-addr|src-port|dst-addr|dst-port}... N */
		static const char *const masks[] = {
			"src-addr", "src-port", "dst-addr", "dst-port",
		};
		uint64_t n;

		if (negate)
			return (fail(ctx, not_word, "'not' cannot apply to "
			    "limit"));
		if (ctx->rule->keep_state)
			return (fail(ctx, word, "only one of keep-state and "
			    "limit is allowed"));
		for (;;) {
			bool found = false;

			v = peek(ctx);
			for (unsigned k = 0; v != NULL && k < 4; k++) {
				if (strcmp(v, masks[k]) == 0) {
					ctx->rule->limit_mask |=
					    (uint8_t)(1u << k);
					found = true;
				}
			}
			if (!found)
				break;
			ctx->i++;
		}
		if (ctx->rule->limit_mask == 0)
			return (fail(ctx, v != NULL ? ctx->i : ctx->argc,
			    "limit needs src-addr, src-port, dst-addr or "
			    "dst-port"));
		if (v == NULL || !parse_number(v, &n) || n < 1 ||
		    n > 65534)
			return (fail(ctx, v != NULL ? ctx->i : ctx->argc,
			    "illegal limit value '%s'", v != NULL ? v : ""));
		ctx->rule->limit_n = (uint32_t)n;
		ctx->rule->keep_state = true;
		ctx->w_keep_state = word;
		ctx->i++;
		return (parse_flow(ctx));
	}
	case KW_COMMENT:
		if (negate)
			return (fail(ctx, not_word, "'not' cannot apply to "
			    "a comment"));
		return (parse_comment(ctx, word));
	case KW_SETUP:
		/* compile_rule(): O_TCPFLAGS with syn set, ack clear. */
		o.op = IPFW_O_TCPFLAGS;
		o.u.flags.set = 0x02;
		o.u.flags.clear = 0x10;
		add_opt(ctx, &o, word);
		return (true);
	case KW_ESTABLISHED:
		o.op = IPFW_O_ESTAB;
		add_opt(ctx, &o, word);
		return (true);
	case KW_SRC_IP:
	case KW_DST_IP: {
		/* An address as an option: parsed as the body's, kept apart. */
		enum body_slot sl = kw->value == KW_SRC_IP ? B_SRC : B_DST;
		struct ipfw_opt saved = ctx->body[sl];
		bool had = ctx->has_body[sl];
		int saved_word = ctx->body_word[sl];

		if (peek(ctx) != NULL && strcmp(peek(ctx), "{") == 0)
			return (fail(ctx, ctx->i, "an or-block after '%s' is "
			    "not modelled", w));
		ctx->has_body[sl] = false;
		if (!parse_addr(ctx, sl, negate, not_word))
			return (false);
		if (ctx->has_body[sl]) {
			o = ctx->body[sl];
			o.opt_form = true;
			add_opt(ctx, &o, word);
		}
		ctx->body[sl] = saved;
		ctx->has_body[sl] = had;
		ctx->body_word[sl] = saved_word;
		return (true);
	}
	case KW_VERREVPATH:
	case KW_VERSRCREACH:
	case KW_ANTISPOOF:
		o.op = kw->value == KW_VERREVPATH ? IPFW_O_VERREVPATH :
		    kw->value == KW_VERSRCREACH ? IPFW_O_VERSRCREACH :
		    IPFW_O_ANTISPOOF;
		add_opt(ctx, &o, word);
		return (true);
	case KW_TCPFLAGS:
	case KW_TCPOPTIONS: {
		bool fl = kw->value == KW_TCPFLAGS;

		o.op = fl ? IPFW_O_TCPFLAGS : IPFW_O_TCPOPTS;
		v = peek(ctx);
		if (v == NULL)
			return (fail(ctx, ctx->argc, "missing argument for "
			    "%s", w));
		if (!parse_flags(v, fl ? ipfw_tcpflag_names :
		    ipfw_tcpopt_names, &o.u.flags.set, &o.u.flags.clear))
			return (fail(ctx, ctx->i, "invalid %s '%s'",
			    fl ? "tcp flag" : "tcp option", v));
		ctx->i++;
		add_opt(ctx, &o, word);
		return (true);
	}
	case KW_TCPSEQ:
		o.op = IPFW_O_TCPSEQ;
		return (parse_u32(ctx, &o, word));
	case KW_TCPACK:
		o.op = IPFW_O_TCPACK;
		return (parse_u32(ctx, &o, word));
	case KW_TCPWIN:
		return (parse_values(ctx, IPFW_O_TCPWIN, negate, word, 65535));
	case KW_TAGGED:
		return (parse_values(ctx, IPFW_O_TAGGED, negate, word, 65534));
	case KW_TCPDATALEN:
		return (parse_values(ctx, IPFW_O_TCPDATALEN, negate, word,
		    65535));
	case KW_TCPMSS:
		if (!need_release(ctx, word, 12, "'tcpmss'"))
			return (false);
		return (parse_values(ctx, IPFW_O_TCPMSS, negate, word, 65535));
	case KW_IPVERSION:
		/* Only 4 and 6 are accepted by compile_rule(). */
		o.op = IPFW_O_IPVER;
		v = peek(ctx);
		if (v == NULL)
			return (fail(ctx, ctx->argc, "missing argument for "
			    "ipversion"));
		if (strcmp(v, "4") != 0 && strcmp(v, "6") != 0)
			return (fail(ctx, ctx->i, "invalid ipversion '%s'", v));
		o.u.val = (uint32_t)(v[0] - '0');
		ctx->i++;
		add_opt(ctx, &o, word);
		return (true);
	case KW_DIVERTED:
	case KW_DIVERTED_LOOPBACK:
	case KW_DIVERTED_OUTPUT:
		/* The O_DIVERTED argument of compile_rule(). */
		o.op = IPFW_O_DIVERTED;
		o.u.val = kw->value == KW_DIVERTED ? 3 :
		    kw->value == KW_DIVERTED_LOOPBACK ? 1 : 2;
		add_opt(ctx, &o, word);
		return (true);
	case KW_SRC_PORT:
		return (parse_ports(ctx, B_SPORT, negate, "source ports"));
	case KW_DST_PORT:
		return (parse_ports(ctx, B_DPORT, negate, "destination ports"));
	case KW_PROTO:
		v = peek(ctx);
		if (v == NULL)
			return (fail(ctx, ctx->argc, "missing protocol"));
		if (!parse_proto_word(v, &proto))
			return (not_modelled(ctx, ctx->i) ? false :
			    fail(ctx, ctx->i, "invalid protocol '%s'", v));
		if (ctx->has_body[B_PROTO])
			return (fail(ctx, word, "protocol already given"));
		set_proto(ctx, proto, negate, ctx->i);
		ctx->i++;
		return (true);
	}
	return (fail_unknown(ctx, word, IPFW_ERR_UNKNOWN_OPTION,
	    "unknown option"));
}

/* Whether the words from ctx->i ("{" ...) hold an "or" before "}". */
static bool
is_or_block(const struct ipfw_pctx *ctx)
{
	const char *w = peek(ctx);

	if (w == NULL || strcmp(w, "{") != 0)
		return (false);
	for (int k = ctx->i + 1; k < ctx->argc; k++) {
		if (strcmp(ctx->argv[k], "}") == 0)
			return (false);
		if (strcmp(ctx->argv[k], "or") == 0)
			return (true);
	}
	return (false);
}

/*
 * After one alternative of an or-block: "or" goes on, "}" ends it.
 * Returns 1 for more, 0 at the end, -1 on error.
 */
static int
or_block_next(struct ipfw_pctx *ctx, int open_word)
{
	const char *w = peek(ctx);

	if (w == NULL) {
		fail(ctx, ctx->argc, "missing '}' closing the or-block at "
		    "word %d", open_word);
		return (-1);
	}
	ctx->i++;
	if (strcmp(w, "}") == 0)
		return (0);
	if (strcmp(w, "or") == 0)
		return (1);
	fail(ctx, ctx->i - 1, "expected 'or' or '}' in the or-block, not "
	    "'%s'", w);
	return (-1);
}

/* `{ P or P ... }` in the protocol position (each may have `not`). */
static bool
parse_proto_or(struct ipfw_pctx *ctx)
{
	int open_word = ctx->i++;
	int more;

	do {
		const char *w = peek(ctx);
		bool negate = false;
		uint32_t proto;

		if (w != NULL && strcmp(w, "not") == 0) {
			negate = true;
			w = ctx->argv[++ctx->i < ctx->argc ? ctx->i : 0];
			if (ctx->i >= ctx->argc)
				w = NULL;
		}
		if (w == NULL)
			return (fail(ctx, ctx->argc, "missing protocol"));
		if (!parse_proto_word(w, &proto))
			return (fail(ctx, ctx->i, "invalid protocol '%s'", w));
		if (proto == 0)
			return (fail(ctx, ctx->i, "'%s' in an or-block is "
			    "not modelled (it matches every packet)", w));
		if (!ctx->has_body[B_PROTO]) {
			set_proto(ctx, proto, negate, ctx->i);
		} else {
			struct ipfw_opt *o;

			if (ctx->n_or[B_PROTO] >= IPFW_MAX_LIST)
				return (fail(ctx, ctx->i, "or-block too long"));
			o = &ctx->body_or[B_PROTO][ctx->n_or[B_PROTO]++];
			memset(o, 0, sizeof(*o));
			o->op = IPFW_O_PROTO;
			o->negate = negate;
			o->u.val = proto;
		}
		ctx->i++;
	} while ((more = or_block_next(ctx, open_word)) == 1);
	return (more == 0);
}

/* `{ A or B ... }` as an address: each alternative is one address. */
static bool
parse_addr_or(struct ipfw_pctx *ctx, enum body_slot slot)
{
	int open_word = ctx->i++;
	int more;

	do {
		const char *w = peek(ctx);
		bool negate = false;
		int not_word = -1;
		struct ipfw_opt first;
		bool had = ctx->has_body[slot];

		if (w != NULL && strcmp(w, "not") == 0) {
			negate = true;
			not_word = ctx->i++;
		}
		if (peek(ctx) != NULL && (strcmp(peek(ctx), "any") == 0 ||
		    strcmp(peek(ctx), "{") == 0))
			return (fail(ctx, ctx->i, "'%s' in an or-block is not "
			    "modelled", peek(ctx)));
		first = ctx->body[slot];
		ctx->has_body[slot] = false;
		if (!parse_addr(ctx, slot, negate, not_word))
			return (false);
		if (!ctx->has_body[slot])
			return (fail(ctx, ctx->i - 1, "an address matching "
			    "everything in an or-block is not modelled"));
		if (had) {
			if (ctx->n_or[slot] >= IPFW_MAX_LIST)
				return (fail(ctx, ctx->i - 1,
				    "or-block too long"));
			ctx->body_or[slot][ctx->n_or[slot]++] =
			    ctx->body[slot];
			ctx->body[slot] = first;
			ctx->body_word[slot] = open_word;
		}
		ctx->has_body[slot] = true;
	} while ((more = or_block_next(ctx, open_word)) == 1);
	return (more == 0);
}

/* `{ OPTION or OPTION ... }` among the options. */
static bool
parse_option_or(struct ipfw_pctx *ctx)
{
	int open_word = ctx->i++;
	int more;

	do {
		unsigned before = ctx->opts->len;
		int opt_word = ctx->i;

		if (peek(ctx) == NULL)
			return (fail(ctx, ctx->argc, "missing option in the "
			    "or-block"));
		if (!parse_option(ctx, false, -1))
			return (false);
		if (ctx->opts->len != before + 1)
			return (fail(ctx, opt_word, "'%s' in an or-block is "
			    "not modelled", ctx->argv[opt_word]));
		more = or_block_next(ctx, open_word);
		if (more == 1)
			g_array_index(ctx->opts, struct ipfw_opt,
			    ctx->opts->len - 1).or_next = true;
	} while (more == 1);
	return (more == 0);
}

/* KEYWORD [not] ADDR [PORTS]: one side of "from ... to ...". */
static bool
parse_endpoint(struct ipfw_pctx *ctx, const char *keyword,
    enum body_slot addr_slot, enum body_slot port_slot)
{
	const char *w;
	bool negate = false;
	int not_word = -1;

	if ((w = peek(ctx)) == NULL || strcmp(w, keyword) != 0)
		return (fail(ctx, ctx->i, "missing '%s'%s%s%s", keyword,
		    w != NULL ? " at '" : "", w != NULL ? w : "",
		    w != NULL ? "'" : ""));
	ctx->i++;
	if (is_or_block(ctx))
		return (parse_addr_or(ctx, addr_slot) &&
		    parse_opt_ports(ctx, port_slot));
	if ((w = peek(ctx)) != NULL && strcmp(w, "not") == 0) {
		negate = true;
		not_word = ctx->i++;
	}
	return (parse_addr(ctx, addr_slot, negate, not_word) &&
	    parse_opt_ports(ctx, port_slot));
}

/* [not] PROTO from [not] SRC [[not] PORTS] to [not] DST [[not] PORTS] ... */
static bool
parse_body(struct ipfw_pctx *ctx)
{
	const char *w;
	bool negate;
	uint32_t proto;

	negate = false;
	if (is_or_block(ctx)) {
		if (!parse_proto_or(ctx))
			return (false);
	} else {
		if ((w = peek(ctx)) != NULL && strcmp(w, "not") == 0) {
			negate = true;
			ctx->i++;
		}
		if ((w = peek(ctx)) == NULL)
			return (fail(ctx, ctx->argc, "missing protocol"));
		if (!parse_proto_word(w, &proto))
			return (not_modelled(ctx, ctx->i) ? false :
			    fail(ctx, ctx->i, "invalid protocol '%s'", w));
		set_proto(ctx, proto, negate, ctx->i);
		ctx->i++;
	}

	if (!parse_endpoint(ctx, "from", B_SRC, B_SPORT) ||
	    !parse_endpoint(ctx, "to", B_DST, B_DPORT))
		return (false);

	while (peek(ctx) != NULL) {
		if (is_or_block(ctx)) {
			if (!parse_option_or(ctx))
				return (false);
		} else if (!parse_option(ctx, false, -1)) {
			return (false);
		}
	}
	return (true);
}

/* ---- the action ----------------------------------------------------------- */

/* `tablearg` (the word just read): FreeBSD 7 and later. */
static bool
parse_tablearg(struct ipfw_pctx *ctx, bool *flag)
{
	if (!need_release(ctx, ctx->i - 1, 7, "'tablearg'"))
		return (false);
	*flag = true;
	return (true);
}

/*
 * fwd|forward ADDR[,PORT] (O_FORWARD_IP; release 6 with the
 * IPFIREWALL_FORWARD kernel option, taken as built in): the next hop and
 * an optional port, as compile_rule() reads them; `tablearg` (FreeBSD 7
 * and later) takes the address from the lookup's value.
 */
static bool
parse_fwd(struct ipfw_pctx *ctx, const char *w)
{
	struct ipfw_addr a;
	const char *arg, *comma;
	char *addr;
	uint64_t v;
	bool is_any, ok;

	if ((arg = peek(ctx)) == NULL)
		return (fail(ctx, ctx->argc, "missing forward address after "
		    "'%s'", w));
	ctx->w_arg = ctx->i++;
	comma = strchr(arg, ',');
	addr = comma != NULL ? g_strndup(arg, (gsize)(comma - arg)) :
	    g_strdup(arg);
	if (strcmp(addr, "tablearg") == 0) {
		g_free(addr);
		if (!parse_tablearg(ctx, &ctx->rule->arg_targ))
			return (false);
	} else {
		ok = parse_one_addr(addr, &a, &is_any) && !is_any &&
		    a.mask == 0xffffffffu && a.addr != 0;
		g_free(addr);
		if (!ok)
			return (fail(ctx, ctx->w_arg, "bad forward address "
			    "'%s' (A or A,PORT)", arg));
		ctx->rule->arg = a.addr;
	}
	if (comma != NULL) {
		if (!parse_number(comma + 1, &v) || v == 0 || v > 65535)
			return (fail(ctx, ctx->w_arg, "bad forward port in "
			    "'%s' (1..65535)", arg));
		ctx->rule->fwd_port = (uint16_t)v;
	}
	return (true);
}

static bool
parse_action(struct ipfw_pctx *ctx)
{
	const char *w = peek(ctx);
	const struct keyword *kw;
	const char *a;
	uint64_t v;

	if (w == NULL)
		return (fail(ctx, ctx->argc, "missing action"));
	if ((kw = KW_FIND(action_kw, w)) == NULL)
		return (fail_unknown(ctx, ctx->i, IPFW_ERR_UNKNOWN_ACTION,
		    "unknown action"));
	ctx->w_action = ctx->i++;
	ctx->rule->action = (enum ipfw_act)kw->value;
	switch (ctx->rule->action) {
	case IPFW_ACT_UNREACH:
		if (strcmp(w, "reject") == 0) {
			ctx->rule->arg = 1;	/* ICMP_UNREACH_HOST */
			return (true);
		}
		if (strcmp(w, "reset") == 0) {
			ctx->rule->arg = IPFW_REJECT_RST;
			return (true);
		}
		if ((a = peek(ctx)) == NULL)
			return (fail(ctx, ctx->argc, "missing code after "
			    "'unreach'"));
		ctx->w_arg = ctx->i++;
		if (parse_number(a, &v) && v <= 255) {
			ctx->rule->arg = (uint32_t)v;
			return (true);
		}
		for (uint32_t c = 0; c < G_N_ELEMENTS(unreach_names); c++) {
			if (strcmp(a, unreach_names[c]) == 0) {
				ctx->rule->arg = c;
				return (true);
			}
		}
		return (fail(ctx, ctx->w_arg, "unknown ICMP unreachable code "
		    "'%s'", a));
	case IPFW_ACT_DIVERT:
	case IPFW_ACT_TEE:
		if ((a = peek(ctx)) == NULL)
			return (fail(ctx, ctx->argc, "missing port after "
			    "'%s'", w));
		ctx->w_arg = ctx->i++;
		if (strcmp(a, "tablearg") == 0)
			return (parse_tablearg(ctx, &ctx->rule->arg_targ));
		if (strcmp(a, "natd") == 0) {
			ctx->rule->arg = NATD_PORT;
			return (true);
		}
		if (!parse_number(a, &v))
			return (fail(ctx, ctx->w_arg, "illegal %s port '%s'",
			    w, a));
		ctx->rule->arg = (uint32_t)v;
		return (true);
	case IPFW_ACT_SKIPTO:
	case IPFW_ACT_CALL:
		if ((a = peek(ctx)) == NULL)
			return (fail(ctx, ctx->argc, "missing rule number "
			    "after '%s'", w));
		ctx->w_arg = ctx->i++;
		if (strcmp(a, "tablearg") == 0)
			return (parse_tablearg(ctx, &ctx->rule->arg_targ));
		if (!parse_number(a, &v))
			return (fail(ctx, ctx->w_arg, "illegal argument for "
			    "%s '%s'", w, a));
		ctx->rule->arg = (uint32_t)v;
		return (true);
	case IPFW_ACT_FWD:
		return (parse_fwd(ctx, w));
	case IPFW_ACT_NAT:
		/* In-kernel NAT (libalias in the kernel) came with FreeBSD
		 * 7.0: a release 6 host had only natd. */
		if (!need_release(ctx, ctx->w_action, 7, "in-kernel 'nat'"))
			return (false);
		if ((a = peek(ctx)) == NULL)
			return (fail(ctx, ctx->argc, "missing nat number"));
		ctx->w_arg = ctx->i++;
		if (strcmp(a, "tablearg") == 0)
			return (parse_tablearg(ctx, &ctx->rule->arg_targ));
		if (strcmp(a, "global") == 0)
			return (fail(ctx, ctx->w_arg, "'nat global' is not "
			    "modelled"));
		if (!parse_number(a, &v) || v == 0 || v > IPFW_MAX_RULENUM)
			return (fail(ctx, ctx->w_arg, "illegal nat number "
			    "'%s' (1..%u)", a, IPFW_MAX_RULENUM));
		ctx->rule->arg = (uint32_t)v;
		return (true);
	default:
		return (true);
	}
}

/* Lay the body and the options out in one array, body first. */
static void
finish_rule(struct ipfw_pctx *ctx, GArray *words)
{
	struct ipfw_rule *r = ctx->rule;
	GArray *all = g_array_new(FALSE, TRUE, sizeof(struct ipfw_opt));

	for (int s = 0; s < B_NSLOTS; s++) {
		if (!ctx->has_body[s])
			continue;
		g_array_append_val(all, ctx->body[s]);
		g_array_append_val(words, ctx->body_word[s]);
		for (unsigned k = 0; k < ctx->n_or[s]; k++) {
			g_array_index(all, struct ipfw_opt, all->len - 1)
			    .or_next = true;
			g_array_append_val(all, ctx->body_or[s][k]);
			g_array_append_val(words, ctx->body_word[s]);
		}
	}
	g_array_append_vals(all, ctx->opts->data, ctx->opts->len);
	g_array_append_vals(words, ctx->opt_words->data, ctx->opt_words->len);
	r->n_opts = all->len;
	r->opts = (struct ipfw_opt *)(void *)g_array_free(all, FALSE);
	r->n_addrs = ctx->addrs->len;
	r->addrs = (struct ipfw_addr *)(void *)g_array_free(ctx->addrs, FALSE);
	r->n_ranges = ctx->ranges->len;
	r->ranges = (struct ipfw_range *)(void *)g_array_free(ctx->ranges,
	    FALSE);
	ctx->addrs = ctx->ranges = NULL;
}

static int
check_field_word(const struct ipfw_pctx *ctx, GArray *words, int field)
{
	int w = -1;

	switch (field) {
	case IPFW_CK_RULENUM:
		w = ctx->w_rulenum;
		break;
	case IPFW_CK_SET:
		w = ctx->w_set;
		break;
	case IPFW_CK_PROB:
		w = ctx->w_prob;
		break;
	case IPFW_CK_ACTION:
		w = ctx->w_action;
		break;
	case IPFW_CK_ARG:
		w = ctx->w_arg >= 0 ? ctx->w_arg : ctx->w_action;
		break;
	case IPFW_CK_KEEP_STATE:
		w = ctx->w_keep_state;
		break;
	default:
		if (field >= IPFW_CK_OPT &&
		    (unsigned)(field - IPFW_CK_OPT) < words->len)
			w = g_array_index(words, int, field - IPFW_CK_OPT);
		break;
	}
	return (w >= 0 ? w : ctx->w_action);
}

/* add [NUM] [set N] [prob P] ACTION [log] BODY; ctx->i is after "add". */
static struct ipfw_rule *
parse_add(struct ipfw_pctx *ctx)
{
	struct ipfw_rule *r = ipfw_rule_new();
	const char *w;
	uint64_t v;
	bool ok = false;
	GArray *words = g_array_new(FALSE, FALSE, sizeof(int));
	int field;

	ctx->rule = r;
	r->release = ctx->release;
	ctx->addrs = g_array_new(FALSE, TRUE, sizeof(struct ipfw_addr));
	ctx->ranges = g_array_new(FALSE, TRUE, sizeof(struct ipfw_range));
	ctx->opts = g_array_new(FALSE, TRUE, sizeof(struct ipfw_opt));
	ctx->opt_words = g_array_new(FALSE, FALSE, sizeof(int));
	ctx->w_rulenum = ctx->w_set = ctx->w_prob = ctx->w_action = -1;
	ctx->w_arg = ctx->w_keep_state = -1;

	if ((w = peek(ctx)) != NULL && isdigit((unsigned char)w[0])) {
		if (!parse_number(w, &v)) {
			fail(ctx, ctx->i, "invalid rule number '%s'", w);
			goto out;
		}
		if (v > UINT32_MAX) {
			fail(ctx, ctx->i, "rule number %s out of range "
			    "1..%u", w, IPFW_MAX_RULENUM);
			goto out;
		}
		r->rulenum = (uint32_t)v;
		ctx->w_rulenum = ctx->i++;
	}
	if ((w = peek(ctx)) != NULL && strcmp(w, "set") == 0) {
		ctx->w_set = ++ctx->i;
		if ((w = peek(ctx)) == NULL) {
			fail(ctx, ctx->argc, "missing set number after 'set'");
			goto out;
		}
		if (!parse_number(w, &v)) {
			fail(ctx, ctx->i, "illegal set '%s'", w);
			goto out;
		}
		r->set = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
		ctx->i++;
	}
	if ((w = peek(ctx)) != NULL && strcmp(w, "prob") == 0) {
		char *end;

		ctx->w_prob = ++ctx->i;
		if ((w = peek(ctx)) == NULL) {
			fail(ctx, ctx->argc, "missing probability after "
			    "'prob'");
			goto out;
		}
		errno = 0;
		r->prob = g_ascii_strtod(w, &end);
		if (end == w || *end != '\0' || errno != 0) {
			fail(ctx, ctx->i, "illegal match prob. '%s'", w);
			goto out;
		}
		if (r->prob > 0 && r->prob <= 1) {
			r->prob_x = (uint32_t)(r->prob * IPFW_PROB_SCALE);
			/*
			 * ipfw_add() takes any value in (0, 1] and stores
			 * prob * 0x7fffffff; below one step that is 0, a
			 * rule that can never match and whose listing
			 * ("prob 0.000000") reads back as illegal: refused.
			 */
			if (r->prob_x == 0) {
				fail(ctx, ctx->i, "illegal match prob. '%s' "
				    "(below 1/%u, it could never match)", w,
				    IPFW_PROB_SCALE);
				goto out;
			}
		}
		ctx->i++;
	}
	if (!parse_action(ctx))
		goto out;
	if (r->action == IPFW_ACT_CHECK_STATE && !parse_flow(ctx))
		goto out;
	if ((w = peek(ctx)) != NULL && strcmp(w, "log") == 0) {
		r->log = true;
		ctx->i++;
		if ((w = peek(ctx)) != NULL && strcmp(w, "logamount") == 0) {
			ctx->i++;
			if ((w = peek(ctx)) == NULL) {
				fail(ctx, ctx->argc, "missing number after "
				    "'logamount'");
				goto out;
			}
			if (!parse_number(w, &v) || v > UINT32_MAX) {
				fail(ctx, ctx->i, "invalid logamount '%s'",
				    w);
				goto out;
			}
			r->logamount = r->log_left = (uint32_t)v;
			ctx->i++;
		}
	}
	/* Action modifiers: tag N / untag N (O_TAG, 1..65534). */
	if ((w = peek(ctx)) != NULL && (strcmp(w, "tag") == 0 ||
	    strcmp(w, "untag") == 0)) {
		r->untag = w[0] == 'u';
		ctx->i++;
		if ((w = peek(ctx)) == NULL) {
			fail(ctx, ctx->argc, "missing tag number");
			goto out;
		}
		if (strcmp(w, "tablearg") == 0) {
			ctx->i++;
			if (!parse_tablearg(ctx, &r->tag_targ))
				goto out;
		} else if (!parse_number(w, &v) || v < 1 || v > 65534) {
			fail(ctx, ctx->i, "illegal tag '%s' (1..65534)", w);
			goto out;
		} else {
			r->tag = (uint16_t)v;
			ctx->i++;
		}
	}
	/* check-state has no body in ipfw(8); one given here is matched. */
	if ((w = peek(ctx)) != NULL && strcmp(w, "//") == 0 &&
	    r->action == IPFW_ACT_CHECK_STATE) {
		ctx->i++;
		if (!parse_comment(ctx, ctx->i - 1))
			goto out;
	}
	if (r->action != IPFW_ACT_CHECK_STATE || peek(ctx) != NULL)
		if (!parse_body(ctx))
			goto out;
	finish_rule(ctx, words);
	if (!ipfw_rule_check(r, &field, ctx->err)) {
		*ctx->bad_word = check_field_word(ctx, words, field);
		goto out;
	}
	ok = true;
out:
	if (ctx->addrs != NULL)
		g_array_free(ctx->addrs, TRUE);
	if (ctx->ranges != NULL)
		g_array_free(ctx->ranges, TRUE);
	g_array_free(ctx->opts, TRUE);
	g_array_free(ctx->opt_words, TRUE);
	g_array_free(words, TRUE);
	if (!ok) {
		ipfw_rule_free(r);
		return (NULL);
	}
	return (r);
}

/*
 * table N create | add ADDR[/LEN] [VALUE] | delete ADDR[/LEN] | flush |
 * list, as ipfw_table_handler() reads them.
 */
static bool
parse_table_cmd(struct ipfw_pctx *ctx, struct ipfw_cmd *cmd)
{
	const char *w = peek(ctx), *op;
	uint64_t v;
	uint32_t max = ctx->release < 12 ? IPFW_TABLES_MAX_6 - 1 :
	    IPFW_TABLES_MAX_14 - 1;

	cmd->kind = IPFW_CMD_TABLE;
	cmd->release = ctx->release;
	if (w == NULL)
		return (fail(ctx, ctx->argc, "table number required"));
	if (!parse_number(w, &v))
		return (fail(ctx, ctx->i, "bad table number '%s'%s", w,
		    strcmp(w, "all") == 0 ? " ('all' is not modelled)" :
		    ""));
	if (v > max)
		return (fail(ctx, ctx->i, "table number %s out of range "
		    "0..%u (release %d)", w, max, ctx->release));
	cmd->table = (uint32_t)v;
	ctx->i++;
	if ((op = peek(ctx)) == NULL)
		return (fail(ctx, ctx->argc, "table needs command"));
	ctx->i++;
	if (strcmp(op, "create") == 0) {
		if (!need_release(ctx, ctx->i - 1, 11, "'table N create'"))
			return (false);
		cmd->table_op = IPFW_TABLE_CREATE;
		/* `type addr` is the only type modelled. */
		if ((w = peek(ctx)) != NULL && strcmp(w, "type") == 0 &&
		    ctx->i + 1 < ctx->argc &&
		    strcmp(ctx->argv[ctx->i + 1], "addr") == 0)
			ctx->i += 2;
	} else if (strcmp(op, "add") == 0 || strcmp(op, "delete") == 0 ||
	    strcmp(op, "del") == 0) {
		struct ipfw_addr a;
		bool is_any;

		cmd->table_op = op[0] == 'a' ? IPFW_TABLE_ADD :
		    IPFW_TABLE_DELETE;
		if ((w = peek(ctx)) == NULL)
			return (fail(ctx, ctx->argc, "IP address required"));
		if (strchr(w, ':') != NULL || !parse_one_addr(w, &a, &is_any))
			return (fail(ctx, ctx->i, "bad table key '%s' (IPv4 "
			    "A or A/LEN; other key types are not modelled)",
			    w));
		cmd->t_addr = a.addr;
		cmd->t_plen = (uint8_t)__builtin_popcount(a.mask);
		ctx->i++;
		if (cmd->table_op == IPFW_TABLE_ADD &&
		    (w = peek(ctx)) != NULL) {
			if (!parse_number(w, &v) || v > UINT32_MAX)
				return (fail(ctx, ctx->i, "bad table value "
				    "'%s'", w));
			cmd->t_value = (uint32_t)v;
			ctx->i++;
		}
	} else if (strcmp(op, "flush") == 0) {
		cmd->table_op = IPFW_TABLE_FLUSH;
	} else if (strcmp(op, "list") == 0) {
		cmd->table_op = IPFW_TABLE_LIST;
	} else {
		return (fail(ctx, ctx->i - 1, "table command '%s' not "
		    "modelled (create, add, delete, flush, list)", op));
	}
	return (true);
}

/* The words of `nat N config` ipfw(8) has and the model does not. */
static const char *const nat_not_modelled[] = {
	"log", "proxy_only", "redirect_addr", "redirect_proto", "reverse",
	"skip_global", "unreg_cgn", "port_range",
};

/* nat N config ..., as ipfw_config_nat() reads it; ctx->i after config. */
static bool
parse_nat_config(struct ipfw_pctx *ctx, struct ipfw_nat_cfg *cfg)
{
	struct libalias_redirect r;
	const char *w;
	struct ipfw_addr a;
	bool is_any;
	char *why;
	int bad;

	while ((w = peek(ctx)) != NULL) {
		int kw = ctx->i++;

		if (strcmp(w, "ip") == 0 || strcmp(w, "if") == 0) {
			if ((w = peek(ctx)) == NULL)
				return (fail(ctx, ctx->argc, "missing "
				    "argument for '%s'", ctx->argv[kw]));
			if (ctx->argv[kw][1] == 'p') {
				if (!parse_one_addr(w, &a, &is_any) ||
				    a.mask != 0xffffffffu)
					return (fail(ctx, ctx->i, "bad ip "
					    "address '%s'", w));
				cfg->ip = a.addr;
				cfg->if_name[0] = '\0';
			} else {
				if (strlen(w) >= sizeof(cfg->if_name))
					return (fail(ctx, ctx->i, "interface "
					    "name '%s' too long", w));
				g_strlcpy(cfg->if_name, w,
				    sizeof(cfg->if_name));
				cfg->ip = 0;
			}
			ctx->i++;
		} else if (strcmp(w, "deny_in") == 0) {
			cfg->mode |= PKT_ALIAS_DENY_INCOMING;
		} else if (strcmp(w, "same_ports") == 0) {
			cfg->mode |= PKT_ALIAS_SAME_PORTS;
		} else if (strcmp(w, "unreg_only") == 0) {
			cfg->mode |= PKT_ALIAS_UNREGISTERED_ONLY;
		} else if (strcmp(w, "reset") == 0) {
			cfg->mode |= PKT_ALIAS_RESET_ON_ADDR_CHANGE;
		} else if (strcmp(w, "redirect_port") == 0) {
			/* setup_redir_port(): "redirect_port: missing
			 * argument" when fewer than three words follow. */
			if (ctx->i + 2 >= ctx->argc)
				return (fail(ctx, ctx->argc, "redirect_port: "
				    "missing argument (tcp|udp ADDR:PORT[-PORT] "
				    "PORT[-PORT])"));
			why = libalias_redirect_parse(ctx->argv[ctx->i],
			    ctx->argv[ctx->i + 1], ctx->argv[ctx->i + 2], &r,
			    &bad);
			if (why != NULL) {
				fail(ctx, ctx->i + bad, "redirect_port: %s",
				    why);
				g_free(why);
				return (false);
			}
			ctx->i += 3;
			/* A remote address after the alias port. */
			if ((w = peek(ctx)) != NULL && g_ascii_isdigit(w[0]))
				return (fail(ctx, ctx->i, "redirect_port: a "
				    "remote address is not modelled"));
			g_array_append_val(cfg->redir, r);
		} else {
			for (size_t k = 0; k < G_N_ELEMENTS(nat_not_modelled);
			    k++)
				if (strcmp(w, nat_not_modelled[k]) == 0)
					return (fail(ctx, kw, "nat option '%s' "
					    "is not modelled (see "
					    "docs/ipfw-subset.md)", w));
			return (fail(ctx, kw, "unrecognised option ``%s''",
			    w));
		}
	}
	return (true);
}

/*
 * nat N config ... | nat N delete | nat N show config | nat show config
 * (release 7 and later).
 */
static bool
parse_nat_cmd(struct ipfw_pctx *ctx, struct ipfw_cmd *cmd)
{
	const char *w = peek(ctx), *op;
	uint64_t v;

	if (!need_release(ctx, ctx->i - 1, 7, "in-kernel 'nat'"))
		return (false);
	cmd->kind = IPFW_CMD_NAT;
	if (w == NULL)
		return (fail(ctx, ctx->argc, "nat needs instance number"));
	if (strcmp(w, "show") != 0) {
		if (!parse_number(w, &v) || v == 0 || v > IPFW_MAX_RULENUM)
			return (fail(ctx, ctx->i, "illegal nat number '%s' "
			    "(1..%u)", w, IPFW_MAX_RULENUM));
		cmd->nat_id = (uint32_t)v;
		ctx->i++;
	}
	if ((op = peek(ctx)) == NULL)
		return (fail(ctx, ctx->argc, "nat needs config, delete or "
		    "show config"));
	ctx->i++;
	if (strcmp(op, "config") == 0 && cmd->nat_id != 0) {
		cmd->nat_op = IPFW_NAT_CONFIG;
		cmd->nat = ipfw_nat_cfg_new();
		cmd->nat->id = cmd->nat_id;
		return (parse_nat_config(ctx, cmd->nat));
	}
	if (strcmp(op, "delete") == 0 && cmd->nat_id != 0) {
		cmd->nat_op = IPFW_NAT_DELETE;
		return (true);
	}
	if (strcmp(op, "show") == 0 || (cmd->nat_id == 0 &&
	    strcmp(op, "config") == 0)) {
		/* `nat N show config`, `nat show config`. */
		if (strcmp(op, "show") == 0) {
			if ((w = peek(ctx)) == NULL ||
			    strcmp(w, "config") != 0)
				return (fail(ctx, w == NULL ? ctx->argc :
				    ctx->i, "only 'nat N show config' is "
				    "modelled (the nat log is not)"));
			ctx->i++;
		}
		cmd->nat_op = IPFW_NAT_SHOW;
		return (true);
	}
	return (fail(ctx, ctx->i - 1, "unknown nat command '%s' (config, "
	    "delete, show config)", op));
}

/* NUM... for delete (at least one) and zero. */
static bool
parse_nums(struct ipfw_pctx *ctx, struct ipfw_cmd *cmd, bool need_one)
{
	const char *cmdword = ctx->argv[ctx->i - 1];
	GArray *nums = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	if (need_one && peek(ctx) == NULL) {
		g_array_free(nums, TRUE);
		return (fail(ctx, ctx->argc, "missing rule number after "
		    "'%s'", cmdword));
	}
	for (const char *w; (w = peek(ctx)) != NULL; ctx->i++) {
		uint64_t v;
		uint32_t n;

		if (!parse_number(w, &v)) {
			g_array_free(nums, TRUE);
			return (fail(ctx, ctx->i, "invalid rule number '%s'",
			    w));
		}
		if (v > IPFW_DEFAULT_RULE) {
			g_array_free(nums, TRUE);
			return (fail(ctx, ctx->i, "rule number %s out of "
			    "range 0..%u", w, IPFW_DEFAULT_RULE));
		}
		n = (uint32_t)v;
		g_array_append_val(nums, n);
	}
	cmd->n_nums = nums->len;
	cmd->nums = (uint32_t *)(void *)g_array_free(nums, FALSE);
	return (true);
}

struct ipfw_cmd *
ipfw_cmd_parse(int argc, char *const argv[], int *bad_word, GError **err)
{
	return (ipfw_cmd_parse_release(6, argc, argv, bad_word, err));
}

struct ipfw_cmd *
ipfw_cmd_parse_release(int release, int argc, char *const argv[],
    int *bad_word, GError **err)
{
	struct ipfw_pctx ctx;
	struct ipfw_cmd *cmd;
	const char *w;
	int dummy;
	bool ok = true;

	memset(&ctx, 0, sizeof(ctx));
	ctx.release = release;
	ctx.argc = argc;
	ctx.argv = argv;
	ctx.bad_word = bad_word != NULL ? bad_word : &dummy;
	ctx.err = err;
	cmd = g_new0(struct ipfw_cmd, 1);

	/* Flags before the command: -q (quiet), -f (force: no question). */
	while ((w = peek(&ctx)) != NULL && w[0] == '-' && w[1] != '\0') {
		for (const char *p = w + 1; ok && *p != '\0'; p++) {
			if (*p == 'q')
				cmd->quiet = true;
			else if (*p == 'd')
				cmd->dynamic = true;
			else if (*p != 'f')
				ok = fail(&ctx, ctx.i, "unknown flag '-%c' in "
				    "'%s'", *p, w);
		}
		if (!ok)
			goto bad;
		ctx.i++;
	}
	if ((w = peek(&ctx)) == NULL) {
		fail(&ctx, argc, "missing command");
		goto bad;
	}
	ctx.i++;
	if (strcmp(w, "add") == 0) {
		cmd->kind = IPFW_CMD_ADD;
		if ((cmd->rule = parse_add(&ctx)) == NULL)
			goto bad;
		return (cmd);
	} else if (strcmp(w, "delete") == 0) {
		cmd->kind = IPFW_CMD_DELETE;
		ok = parse_nums(&ctx, cmd, true);
	} else if (strcmp(w, "zero") == 0) {
		cmd->kind = IPFW_CMD_ZERO;
		ok = parse_nums(&ctx, cmd, false);
	} else if (strcmp(w, "table") == 0) {
		ok = parse_table_cmd(&ctx, cmd);
	} else if (strcmp(w, "nat") == 0) {
		ok = parse_nat_cmd(&ctx, cmd);
	} else if (strcmp(w, "flush") == 0) {
		cmd->kind = IPFW_CMD_FLUSH;
	} else if (strcmp(w, "show") == 0) {
		cmd->kind = IPFW_CMD_SHOW;
		cmd->release = release;
	} else if (strcmp(w, "list") == 0) {
		cmd->kind = IPFW_CMD_LIST;
		cmd->release = release;
	} else {
		fail_unknown(&ctx, ctx.i - 1, IPFW_ERR_UNKNOWN_COMMAND,
		    "unknown command");
		goto bad;
	}
	if (!ok)
		goto bad;
	if ((w = peek(&ctx)) != NULL) {
		fail(&ctx, ctx.i, "unexpected word '%s'", w);
		goto bad;
	}
	return (cmd);
bad:
	ipfw_cmd_free(cmd);
	return (NULL);
}

void
ipfw_cmd_free(struct ipfw_cmd *cmd)
{
	if (cmd == NULL)
		return;
	ipfw_rule_free(cmd->rule);
	ipfw_nat_cfg_free(cmd->nat);
	g_free(cmd->nums);
	for (unsigned k = 0; cmd->sub != NULL && cmd->sub[k] != NULL; k++)
		ipfw_cmd_free(cmd->sub[k]);
	g_free(cmd->sub);
	g_free(cmd->sub_line);
	g_free(cmd->file);
	g_free(cmd);
}

bool
ipfw_cmd_uses_divert(const struct ipfw_cmd *cmd)
{
	for (unsigned k = 0; cmd != NULL && k < cmd->n_sub; k++)
		if (ipfw_cmd_uses_divert(cmd->sub[k]))
			return (true);
	return (cmd != NULL && cmd->kind == IPFW_CMD_ADD &&
	    cmd->rule != NULL && (cmd->rule->action == IPFW_ACT_DIVERT ||
	    cmd->rule->action == IPFW_ACT_TEE));
}

const char *
ipfw_cmd_modern_action(const struct ipfw_cmd *cmd)
{
	if (cmd == NULL || cmd->kind != IPFW_CMD_ADD || cmd->rule == NULL)
		return (NULL);
	switch (cmd->rule->action) {
	case IPFW_ACT_CALL:
		return ("call");
	case IPFW_ACT_RETURN:
		return ("return");
	case IPFW_ACT_REASS:
		return ("reass");
	default:
		return (NULL);
	}
}
