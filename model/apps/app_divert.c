/*
 * The simple divert programs of the scenario language: reinject, drop,
 * retag, outgoing, incoming, corrupt and rewrite.  Each reads a packet with
 * the address recvfrom() gave and writes it back with sendto() (or
 * write()), changing only what its name says, so that a scenario can
 * exercise every case of divert(4)'s WRITING PACKETS section.  The
 * per-packet work of rewrite is the pure function rewrite_apply(), tested
 * without a socket.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "apps/app_divert_priv.h"
#include "divertsim/program.h"
#include "pkt/in_cksum.h"
#include "wire/wire_ip.h"

bool
app_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (s == NULL || *s == '\0')
		return (false);
	v = 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (false);
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return (false);
	}
	*out = v;
	return (true);
}

bool
app_parse_addr(const char *s, struct in_addr *out)
{

	/* inet_pton() takes only the four-part dotted quad, as ifconfig. */
	return (s != NULL && inet_pton(AF_INET, s, out) == 1);
}

/* The programs without arguments have no state either. */
static bool
noargs_init(const char *name, int argc, void **state, int *bad_arg,
    GError **err)
{

	*state = NULL;
	if (argc > 0) {
		*bad_arg = 0;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "%s takes no arguments", name);
		return (false);
	}
	return (true);
}

static void
write_back(struct proc *p, const uint8_t *buf, size_t len,
    const struct sockaddr_in *to)
{

	/* The result is counted by proc_sendto(); nothing else to do. */
	(void)proc_sendto(p, buf, len, to, sizeof(*to));
}

/* reinject: the address read, unchanged (the canonical loop-free use). */
static bool
reinject_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{

	(void)argv;
	return (noargs_init("reinject", argc, state, bad_arg, err));
}

static void
reinject_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{

	(void)state;
	write_back(p, buf, len, from);
}

const struct divert_program divert_prog_reinject = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "reinject",
	.usage = "reinject",
	.init = reinject_init,
	.packet = reinject_packet,
	.fini = NULL,
};

/*
 * drop [EVERY]: read and never write; the packet ends in the process.
 * With EVERY = N only the Nth, 2Nth, ... packet read ends there and the
 * others are written back as read: a lossy path made by a program, the
 * way a divert-based loss emulator works.
 */
struct drop_state {
	uint64_t	 every;		/* 0: every packet */
	uint64_t	 nread;
};

static bool
drop_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{
	struct drop_state *st;
	uint64_t every = 0;

	if (argc > 1 || (argc == 1 && (!app_parse_uint(argv[0], UINT32_MAX,
	    &every) || every == 0))) {
		*bad_arg = argc > 1 ? 1 : 0;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    argc > 1 ? "drop takes at most one argument" :
		    "EVERY must be a number from 1 to 4294967295");
		return (false);
	}
	st = g_new0(struct drop_state, 1);
	st->every = every;
	*state = st;
	return (true);
}

static void
drop_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{
	struct drop_state *st = state;

	st->nread++;
	if (st->every != 0 && st->nread % st->every != 0)
		write_back(p, buf, len, from);
}

const struct divert_program divert_prog_drop = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "drop",
	.usage = "drop [EVERY]",
	.init = drop_init,
	.packet = drop_packet,
	.fini = g_free,
};

/*
 * retag RULE: sin_port = RULE.  divert(4) keeps the tag in host order in
 * sin_port (div_send() adds 1 to the raw field), so no htons() here.
 */
static bool
retag_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{
	uint16_t *tag;
	uint64_t v;

	if (argc < 1) {
		*bad_arg = 0;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "retag needs a RULE number (0..65535)");
		return (false);
	}
	if (!app_parse_uint(argv[0], 65535, &v)) {
		*bad_arg = 0;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "retag: RULE must be a number from 0 to 65535, not '%s'",
		    argv[0]);
		return (false);
	}
	if (argc > 1) {
		*bad_arg = 1;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "retag takes one argument, RULE; unexpected '%s'", argv[1]);
		return (false);
	}
	tag = g_new(uint16_t, 1);
	*tag = (uint16_t)v;
	*state = tag;
	return (true);
}

static void
retag_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{
	struct sockaddr_in to;

	to = *from;
	to.sin_port = *(const uint16_t *)state;
	write_back(p, buf, len, &to);
}

const struct divert_program divert_prog_retag = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "retag",
	.usage = "retag RULE",
	.init = retag_init,
	.packet = retag_packet,
	.fini = g_free,
};

/*
 * outgoing: sin_addr = INADDR_ANY, which div_send() takes as "output";
 * the tag and the interface name stay as read.
 */
static bool
outgoing_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{

	(void)argv;
	return (noargs_init("outgoing", argc, state, bad_arg, err));
}

static void
outgoing_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{
	struct sockaddr_in to;

	(void)state;
	to = *from;
	to.sin_addr.s_addr = htonl(INADDR_ANY);
	write_back(p, buf, len, &to);
}

const struct divert_program divert_prog_outgoing = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "outgoing",
	.usage = "outgoing",
	.init = outgoing_init,
	.packet = outgoing_packet,
	.fini = NULL,
};

/*
 * incoming ADDR: sin_addr = ADDR and sin_zero cleared, so that
 * div_output_inbound() picks the interface by address (ifa_ifwithaddr)
 * and fails with EADDRNOTAVAIL when ADDR is not local.
 */
static bool
incoming_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{
	struct in_addr *addr;
	struct in_addr a;

	if (argc < 1) {
		*bad_arg = 0;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "incoming needs an ADDR (a local IPv4 address)");
		return (false);
	}
	if (!app_parse_addr(argv[0], &a)) {
		*bad_arg = 0;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "incoming: '%s' is not an IPv4 address", argv[0]);
		return (false);
	}
	if (argc > 1) {
		*bad_arg = 1;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "incoming takes one argument, ADDR; unexpected '%s'",
		    argv[1]);
		return (false);
	}
	addr = g_new(struct in_addr, 1);
	*addr = a;
	*state = addr;
	return (true);
}

static void
incoming_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{
	struct sockaddr_in to;

	to = *from;
	to.sin_addr = *(const struct in_addr *)state;
	memset(to.sin_zero, 0, sizeof(to.sin_zero));
	write_back(p, buf, len, &to);
}

const struct divert_program divert_prog_incoming = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "incoming",
	.usage = "incoming ADDR",
	.init = incoming_init,
	.packet = incoming_packet,
	.fini = g_free,
};

/*
 * corrupt: flip the lowest bit of ip_sum.  A correct checksum changed by
 * one in its last bit can never verify (the only two encodings of one
 * value, 0x0000 and 0xffff, differ in every bit), so an incoming write is
 * dropped by ip_input() as "bad checksum", while an outgoing write is
 * repaired by ip_output(), which recomputes the sum.
 */
static bool
corrupt_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{

	(void)argv;
	return (noargs_init("corrupt", argc, state, bad_arg, err));
}

static void
corrupt_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{

	(void)state;
	if (len >= IP_F_SUM + 2)
		buf[IP_F_SUM + 1] ^= 0x01;
	write_back(p, buf, len, from);
}

const struct divert_program divert_prog_corrupt = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "corrupt",
	.usage = "corrupt",
	.init = corrupt_init,
	.packet = corrupt_packet,
	.fini = NULL,
};

/*
 * rewrite FIELD=VALUE ...
 */
enum rw_kind {
	RWK_NUM,	/* decimal 0..max */
	RWK_ADDR,	/* dotted quad */
	RWK_NAME,	/* sin_zero: interface name or empty */
	RWK_FLAG,	/* no value */
	RWK_SUM,	/* number or "bad" */
	RWK_BOOL,	/* 0 or 1 */
};

static const struct rw_field {
	const char	*name;
	unsigned	 bit;
	enum rw_kind	 kind;
	uint64_t	 max;
} rw_fields[] = {
	{ "sin_port",	RW_SIN_PORT,	RWK_NUM,  65535 },
	{ "sin_addr",	RW_SIN_ADDR,	RWK_ADDR, 0 },
	{ "sin_zero",	RW_SIN_ZERO,	RWK_NAME, 0 },
	{ "noaddr",	RW_NOADDR,	RWK_FLAG, 0 },
	{ "ip_src",	RW_IP_SRC,	RWK_ADDR, 0 },
	{ "ip_dst",	RW_IP_DST,	RWK_ADDR, 0 },
	{ "ip_ttl",	RW_IP_TTL,	RWK_NUM,  255 },
	{ "ip_tos",	RW_IP_TOS,	RWK_NUM,  255 },
	{ "ip_len",	RW_IP_LEN,	RWK_NUM,  65535 },
	{ "ip_sum",	RW_IP_SUM,	RWK_SUM,  65535 },
	{ "df",		RW_DF,		RWK_BOOL, 1 },
	{ "truncate",	RW_TRUNCATE,	RWK_NUM,  65535 },
	{ "fixsum",	RW_FIXSUM,	RWK_FLAG, 0 },
};

#define	RW_FIELD_LIST	"sin_port, sin_addr, sin_zero, noaddr, ip_src, " \
	"ip_dst, ip_ttl, ip_tos, ip_len, ip_sum, df, truncate, fixsum"
#define	RW_ADDR_BITS	(RW_SIN_PORT | RW_SIN_ADDR | RW_SIN_ZERO)

static bool
rw_value(const struct rw_field *f, const char *val, struct rewrite_spec *rs,
    GError **err)
{
	struct in_addr a;
	uint64_t v;
	size_t n;

	a.s_addr = 0;
	v = 0;
	switch (f->kind) {
	case RWK_NUM:
	case RWK_BOOL:
		if (!app_parse_uint(val, f->max, &v)) {
			g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
			    "bad value '%s' for %s: expected %s", val,
			    f->name, f->kind == RWK_BOOL ? "0 or 1" :
			    f->max == 255 ? "a number from 0 to 255" :
			    "a number from 0 to 65535");
			return (false);
		}
		break;
	case RWK_SUM:
		if (strcmp(val, "bad") == 0) {
			rs->set |= RW_IP_SUM_BAD;
			return (true);
		}
		if (!app_parse_uint(val, f->max, &v)) {
			g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
			    "bad value '%s' for ip_sum: expected a number "
			    "from 0 to 65535 or 'bad'", val);
			return (false);
		}
		break;
	case RWK_ADDR:
		if (!app_parse_addr(val, &a)) {
			g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
			    "bad value '%s' for %s: expected an IPv4 address",
			    val, f->name);
			return (false);
		}
		break;
	case RWK_NAME:
		n = strlen(val);
		if (n > sizeof(rs->sin_zero)) {
			g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
			    "bad value '%s' for sin_zero: it holds at most "
			    "8 bytes", val);
			return (false);
		}
		/* 8 bytes leave no NUL: div_send() then ignores the name. */
		memset(rs->sin_zero, 0, sizeof(rs->sin_zero));
		memcpy(rs->sin_zero, val, n);
		rs->set |= f->bit;
		return (true);
	case RWK_FLAG:
		g_assert_not_reached();
	}

	rs->set |= f->bit;
	switch (f->bit) {
	case RW_SIN_PORT:
		rs->sin_port = (uint16_t)v;
		break;
	case RW_SIN_ADDR:
		rs->sin_addr = a;
		break;
	case RW_IP_SRC:
		rs->ip_src = a;
		break;
	case RW_IP_DST:
		rs->ip_dst = a;
		break;
	case RW_IP_TTL:
		rs->ip_ttl = (uint8_t)v;
		break;
	case RW_IP_TOS:
		rs->ip_tos = (uint8_t)v;
		break;
	case RW_IP_LEN:
		rs->ip_len = (uint16_t)v;
		break;
	case RW_IP_SUM:
		rs->ip_sum = (uint16_t)v;
		break;
	case RW_DF:
		rs->df = v != 0;
		break;
	case RW_TRUNCATE:
		rs->truncate_bytes = (uint32_t)v;
		break;
	default:
		g_assert_not_reached();
	}
	return (true);
}

bool
rewrite_parse(int argc, char *const argv[], struct rewrite_spec *rs,
    int *bad_arg, GError **err)
{
	const struct rw_field *f;
	const char *eq, *val;
	size_t i, nlen;
	int ai;

	memset(rs, 0, sizeof(*rs));
	if (argc < 1) {
		*bad_arg = 0;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "rewrite needs at least one FIELD=VALUE (fields: "
		    RW_FIELD_LIST ")");
		return (false);
	}
	for (ai = 0; ai < argc; ai++) {
		*bad_arg = ai;
		eq = strchr(argv[ai], '=');
		nlen = eq != NULL ? (size_t)(eq - argv[ai]) : strlen(argv[ai]);
		f = NULL;
		for (i = 0; i < G_N_ELEMENTS(rw_fields); i++) {
			if (strlen(rw_fields[i].name) == nlen &&
			    strncmp(rw_fields[i].name, argv[ai], nlen) == 0) {
				f = &rw_fields[i];
				break;
			}
		}
		if (f == NULL) {
			g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
			    "unknown rewrite field '%.*s' (fields: "
			    RW_FIELD_LIST ")", (int)nlen, argv[ai]);
			return (false);
		}
		if ((rs->set & f->bit) != 0 || (f->bit == RW_IP_SUM &&
		    (rs->set & RW_IP_SUM_BAD) != 0)) {
			g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
			    "rewrite field '%s' given twice", f->name);
			return (false);
		}
		if (f->kind == RWK_FLAG) {
			if (eq != NULL) {
				g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
				    "rewrite field '%s' takes no value",
				    f->name);
				return (false);
			}
			rs->set |= f->bit;
		} else {
			if (eq == NULL) {
				g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
				    "rewrite field '%s' needs a value "
				    "(%s=VALUE)", f->name, f->name);
				return (false);
			}
			val = eq + 1;
			if (!rw_value(f, val, rs, err))
				return (false);
		}
		if ((rs->set & RW_FIXSUM) != 0 &&
		    (rs->set & (RW_IP_SUM | RW_IP_SUM_BAD)) != 0) {
			g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
			    "fixsum and ip_sum= exclude each other");
			return (false);
		}
		if ((rs->set & RW_NOADDR) != 0 &&
		    (rs->set & RW_ADDR_BITS) != 0) {
			g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
			    "noaddr writes without an address: it excludes "
			    "sin_port, sin_addr and sin_zero");
			return (false);
		}
	}
	return (true);
}

void
rewrite_apply(const struct rewrite_spec *rs, uint8_t *buf, size_t *len,
    struct sockaddr_in *to, bool *use_write)
{
	size_t hlen;
	uint16_t off, sum;

	/* 1. The address handed to sendto(). */
	*use_write = (rs->set & RW_NOADDR) != 0;
	if ((rs->set & RW_SIN_PORT) != 0)
		to->sin_port = rs->sin_port;	/* host order: the tag */
	if ((rs->set & RW_SIN_ADDR) != 0)
		to->sin_addr = rs->sin_addr;
	if ((rs->set & RW_SIN_ZERO) != 0)
		memcpy(to->sin_zero, rs->sin_zero, sizeof(to->sin_zero));

	/* 2. Header fields; a packet without a whole header keeps its. */
	if (*len >= IP_HDR_MIN_BYTES) {
		if ((rs->set & RW_IP_SRC) != 0)
			memcpy(buf + IP_F_SRC, &rs->ip_src, 4);
		if ((rs->set & RW_IP_DST) != 0)
			memcpy(buf + IP_F_DST, &rs->ip_dst, 4);
		if ((rs->set & RW_IP_TTL) != 0)
			ip_set_ttl(buf, rs->ip_ttl);
		if ((rs->set & RW_IP_TOS) != 0)
			ip_set_tos(buf, rs->ip_tos);
		if ((rs->set & RW_IP_LEN) != 0)
			ip_set_len_bytes(buf, rs->ip_len);
		if ((rs->set & RW_DF) != 0) {
			off = ip_get_off_field(buf);
			off = rs->df ? (uint16_t)(off | IP_DF) :
			    (uint16_t)(off & ~IP_DF);
			ip_set_off_field(buf, off);
		}

		/*
		 * 3. The checksum, over the header as changed above and as
		 * long as the header length field says (when it fits).
		 */
		hlen = ip_get_hlen_bytes(buf);
		if ((rs->set & RW_IP_SUM) != 0) {
			ip_set_sum(buf, rs->ip_sum);
		} else if ((rs->set & (RW_IP_SUM_BAD | RW_FIXSUM)) != 0 &&
		    hlen >= IP_HDR_MIN_BYTES && hlen <= *len) {
			ip_set_sum(buf, 0);
			sum = in_cksum(buf, hlen);
			if ((rs->set & RW_IP_SUM_BAD) != 0)
				sum ^= 0x0001;
			ip_set_sum(buf, sum);
		}
	}

	/* 4. Truncation last, so the checksum covered the whole header. */
	if ((rs->set & RW_TRUNCATE) != 0 && rs->truncate_bytes < *len)
		*len = rs->truncate_bytes;
}

static bool
rewrite_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{
	struct rewrite_spec *rs;

	rs = g_new0(struct rewrite_spec, 1);
	if (!rewrite_parse(argc, argv, rs, bad_arg, err)) {
		g_free(rs);
		return (false);
	}
	*state = rs;
	return (true);
}

static void
rewrite_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{
	struct sockaddr_in to;
	bool use_write;

	to = *from;
	rewrite_apply(state, buf, &len, &to, &use_write);
	if (use_write)
		(void)proc_write(p, buf, len);
	else
		write_back(p, buf, len, &to);
}

const struct divert_program divert_prog_rewrite = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "rewrite",
	.usage = "rewrite FIELD=VALUE ...",
	.init = rewrite_init,
	.packet = rewrite_packet,
	.fini = g_free,
};
