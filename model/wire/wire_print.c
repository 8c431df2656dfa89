/*
 * tcpdump-like one-line summaries of IPv4 datagrams (see wire_print.h for
 * the format).  Written with a tiny appender instead of snprintf because
 * the event log calls it for every packet event.
 */
#include <netinet/in.h>
#include <string.h>

#include "sim/sim_bytes.h"
#include "sim/sim_names.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"
#include "wire/wire_tcp.h"
#include "wire/wire_print.h"
#include "wire/wire_udp.h"

struct pr {
	char	*buf;
	size_t	 size;		/* > 0 */
	size_t	 pos;		/* chars written, < size */
};

/*
 * n bytes of s, cut at the end of the buffer.  Inline, so that a literal's
 * copy (pr_lit) is a few moves: these run for every packet event.
 */
static inline void
pr_mem(struct pr *o, const char *s, size_t n)
{
	size_t room = o->size - 1 - o->pos;

	if (n <= room) {
		sim_short_copy(o->buf + o->pos, s, n);
		o->pos += n;
	} else {
		memcpy(o->buf + o->pos, s, room);
		o->pos += room;
	}
	o->buf[o->pos] = '\0';
}

#define	pr_lit(o, lit)	pr_mem((o), "" lit "", sizeof(lit) - 1)

static void
pr_str(struct pr *o, const char *s)
{
	pr_mem(o, s, strlen(s));
}

/* v in decimal, or in hexadecimal when base is 16. */
static void
pr_uint(struct pr *o, uint64_t v, unsigned base)
{
	char tmp[20], *p;
	size_t i = sizeof(tmp);

	if (base == 16) {
		do {
			tmp[--i] = "0123456789abcdef"[v & 15];
			v >>= 4;
		} while (v != 0);
		pr_mem(o, tmp + i, sizeof(tmp) - i);
		return;
	}
	p = sim_u64_dec(tmp + sizeof(tmp), v);
	pr_mem(o, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void
pr_addr(struct pr *o, uint32_t addr)
{
	char a[INET_ADDRSTRLEN];

	/* Straight into the buffer when it has room (the usual case). */
	if (o->size - 1 - o->pos >= INET_ADDRSTRLEN) {
		o->pos += inet_addr_fmt(addr, o->buf + o->pos);
		return;
	}
	pr_str(o, inet_addr_str(addr, a));
}

/* The transport headers summarised here (a short one prints "[|udp]"). */
static bool
dissected(uint8_t proto)
{
	return (proto == IPPROTO_ICMP || proto == IPPROTO_TCP ||
	    proto == IPPROTO_UDP);
}

static void
pr_proto(struct pr *o, uint8_t proto)
{
	const char *name;

	/* tcpdump names 0 "hopopt" (IPv6), not "ip": leave it a number. */
	name = proto != 0 ? inet_proto_name(proto) : NULL;
	if (name != NULL)
		pr_str(o, name);
	else {
		pr_lit(o, "ip-proto-");
		pr_uint(o, proto, 10);
	}
}

/* Words of print-icmp.c for each unreachable code; %a is the address. */
static const char *const unreach_fmt[] = {
	[ICMP_UNREACH_NET] = "net %a unreachable",
	[ICMP_UNREACH_HOST] = "host %a unreachable",
	[ICMP_UNREACH_PROTOCOL] = NULL,		/* built in pr_unreach */
	[ICMP_UNREACH_PORT] = NULL,		/* built in pr_unreach */
	[ICMP_UNREACH_NEEDFRAG] = NULL,		/* built in pr_unreach */
	[ICMP_UNREACH_SRCFAIL] = "%a unreachable - source route failed",
	[ICMP_UNREACH_NET_UNKNOWN] = "net %a unreachable - unknown",
	[ICMP_UNREACH_HOST_UNKNOWN] = "host %a unreachable - unknown",
	[ICMP_UNREACH_ISOLATED] = "%a unreachable - source host isolated",
	[ICMP_UNREACH_NET_PROHIB] = "net %a unreachable - admin prohibited",
	[ICMP_UNREACH_HOST_PROHIB] = "host %a unreachable - admin prohibited",
	[ICMP_UNREACH_TOSNET] = "net %a unreachable - tos prohibited",
	[ICMP_UNREACH_TOSHOST] = "host %a unreachable - tos prohibited",
	[ICMP_UNREACH_FILTER_PROHIB] =
	    "host %a unreachable - admin prohibited filter",
	[ICMP_UNREACH_HOST_PRECEDENCE] =
	    "host %a unreachable - host precedence violation",
	[ICMP_UNREACH_PRECEDENCE_CUTOFF] =
	    "host %a unreachable - precedence cutoff",
};

static void
pr_fmt_addr(struct pr *o, const char *fmt, uint32_t addr)
{
	const char *a;

	a = strstr(fmt, "%a");
	if (a == NULL) {
		pr_str(o, fmt);
		return;
	}
	for (const char *c = fmt; c < a; c++) {
		char one[2] = { *c, '\0' };

		pr_str(o, one);
	}
	pr_addr(o, addr);
	pr_str(o, a + 2);
}

/* "ICMP ... unreachable" from the quoted datagram q (qlen bytes). */
static void
pr_unreach(struct pr *o, uint8_t code, uint16_t mtu, const uint8_t *q,
    size_t qlen)
{
	unsigned qhlen;
	uint32_t qdst;

	if (qlen < IP_HDR_MIN_BYTES || ip_get_version(q) != 4) {
		pr_lit(o, "unreachable code ");
		pr_uint(o, code, 10);
		return;
	}
	qdst = ip_get_dst(q);
	qhlen = ip_get_hlen_bytes(q);
	switch (code) {
	case ICMP_UNREACH_PROTOCOL:
		pr_addr(o, qdst);
		pr_lit(o, " protocol ");
		pr_uint(o, ip_get_proto(q), 10);
		pr_lit(o, " unreachable");
		break;
	case ICMP_UNREACH_PORT:
		pr_addr(o, qdst);
		pr_lit(o, " ");
		pr_proto(o, ip_get_proto(q));
		if (qhlen >= IP_HDR_MIN_BYTES && qlen >= qhlen + 4) {
			pr_lit(o, " port ");
			pr_uint(o, wire_get16(q + qhlen + 2), 10);
		}
		pr_lit(o, " unreachable");
		break;
	case ICMP_UNREACH_NEEDFRAG:
		pr_addr(o, qdst);
		pr_lit(o, " unreachable - need to frag (mtu ");
		pr_uint(o, mtu, 10);
		pr_lit(o, ")");
		break;
	default:
		if (code < sizeof(unreach_fmt) / sizeof(unreach_fmt[0]) &&
		    unreach_fmt[code] != NULL)
			pr_fmt_addr(o, unreach_fmt[code], qdst);
		else {
			pr_addr(o, qdst);
			pr_lit(o, " unreachable code ");
			pr_uint(o, code, 10);
		}
		break;
	}
}

/*
 * A TCP header as tcpdump -S prints it: "Flags [S.], seq A[:B], ack N,
 * win W, length L" (flags in tcpdump's order F S R P . U E W, absolute
 * sequence numbers).  len is the segment length from ip_len.
 */
static void
pr_tcp(struct pr *o, const uint8_t *th, size_t len)
{
	static const struct {
		uint8_t	 bit;
		char	 c[2];
	} fl[] = {
		{ TH_FIN, "F" }, { TH_SYN, "S" }, { TH_RST, "R" },
		{ TH_PUSH, "P" }, { TH_ACK, "." }, { TH_URG, "U" },
		{ TH_ECE, "E" }, { TH_CWR, "W" },
	};
	size_t i, dlen = len - tcp_get_off_bytes(th);
	uint8_t flags = tcp_get_flags(th);

	pr_lit(o, ": Flags [");
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (flags & fl[i].bit)
			pr_str(o, fl[i].c);
	if (flags == 0)
		pr_lit(o, "none");
	pr_lit(o, "], seq ");
	pr_uint(o, tcp_get_seq(th), 10);
	if (dlen > 0) {
		pr_lit(o, ":");
		pr_uint(o, (uint32_t)(tcp_get_seq(th) + dlen), 10);
	}
	if (flags & TH_ACK) {
		pr_lit(o, ", ack ");
		pr_uint(o, tcp_get_ack(th), 10);
	}
	pr_lit(o, ", win ");
	pr_uint(o, tcp_get_win(th), 10);
	pr_lit(o, ", length ");
	pr_uint(o, dlen, 10);
}

static void
pr_icmp(struct pr *o, const uint8_t *p, size_t avail, size_t icmp_len)
{
	uint8_t type, code;

	type = icmp_get_type(p);
	code = icmp_get_code(p);
	pr_lit(o, "ICMP ");
	switch (type) {
	case ICMP_ECHO:
	case ICMP_ECHOREPLY:
		pr_str(o, type == ICMP_ECHO ? "echo request, id " :
		    "echo reply, id ");
		pr_uint(o, icmp_get_echo_id(p), 10);
		pr_lit(o, ", seq ");
		pr_uint(o, icmp_get_echo_seq(p), 10);
		break;
	case ICMP_UNREACH:
		pr_unreach(o, code, icmp_get_nextmtu_bytes(p),
		    p + ICMP_F_DATA, avail - ICMP_F_DATA);
		break;
	case ICMP_TIMXCEED:
		if (code == ICMP_TIMXCEED_INTRANS)
			pr_lit(o, "time exceeded in-transit");
		else if (code == ICMP_TIMXCEED_REASS)
			pr_lit(o, "ip reassembly time exceeded");
		else {
			pr_lit(o, "time exceeded code ");
			pr_uint(o, code, 10);
		}
		break;
	default:
		pr_lit(o, "type-#");
		pr_uint(o, type, 10);
		break;
	}
	pr_lit(o, ", length ");
	pr_uint(o, icmp_len, 10);
}

size_t
wire_print_ip(char *buf, size_t size, const uint8_t *p, size_t len)
{
	struct pr o = { buf, size, 0 };
	unsigned hlen;
	uint16_t ip_len, off;
	uint8_t proto;
	size_t avail, plen;
	const uint8_t *l4;

	if (size == 0)
		return (0);
	buf[0] = '\0';
	if (len < IP_HDR_MIN_BYTES) {
		pr_lit(&o, "[|ip] length ");
		pr_uint(&o, len, 10);
		return (o.pos);
	}
	if (ip_get_version(p) != 4) {
		pr_lit(&o, "[ip version ");
		pr_uint(&o, ip_get_version(p), 10);
		pr_lit(&o, "] length ");
		pr_uint(&o, len, 10);
		return (o.pos);
	}
	hlen = ip_get_hlen_bytes(p);
	ip_len = ip_get_len_bytes(p);
	off = ip_get_off_field(p);
	proto = ip_get_proto(p);
	if (hlen < IP_HDR_MIN_BYTES || hlen > len) {
		pr_addr(&o, ip_get_src(p));
		pr_lit(&o, " > ");
		pr_addr(&o, ip_get_dst(p));
		pr_lit(&o, ": [bad hlen ");
		pr_uint(&o, hlen, 10);
		pr_lit(&o, "]");
		return (o.pos);
	}
	/* The transport bytes present: up to ip_len, never past len. */
	avail = ip_len < len ? ip_len : len;
	plen = avail > hlen ? avail - hlen : 0;
	l4 = p + hlen;

	if ((off & IP_OFFMASK) == 0 && proto == IPPROTO_UDP &&
	    plen >= UDP_HDR_BYTES) {
		pr_addr(&o, ip_get_src(p));
		pr_lit(&o, ".");
		pr_uint(&o, udp_get_sport(l4), 10);
		pr_lit(&o, " > ");
		pr_addr(&o, ip_get_dst(p));
		pr_lit(&o, ".");
		pr_uint(&o, udp_get_dport(l4), 10);
		if (udp_get_len_bytes(l4) < UDP_HDR_BYTES) {
			pr_lit(&o, ": UDP, bad length ");
			pr_uint(&o, udp_get_len_bytes(l4), 10);
		} else {
			pr_lit(&o, ": UDP, length ");
			pr_uint(&o, udp_get_len_bytes(l4) - UDP_HDR_BYTES, 10);
		}
	} else if ((off & IP_OFFMASK) == 0 && proto == IPPROTO_TCP &&
	    plen >= 4) {
		pr_addr(&o, ip_get_src(p));
		pr_lit(&o, ".");
		pr_uint(&o, wire_get16(l4), 10);
		pr_lit(&o, " > ");
		pr_addr(&o, ip_get_dst(p));
		pr_lit(&o, ".");
		pr_uint(&o, wire_get16(l4 + 2), 10);
		/* The whole header present and sane: tcpdump's line; else
		 * only the length, as for a truncated capture. */
		if (ip_len >= hlen && ip_len - hlen <= plen &&
		    tcp_check_len(l4, ip_len - hlen) == TCP_CHECK_OK)
			pr_tcp(&o, l4, ip_len - hlen);
		else {
			pr_lit(&o, ": tcp ");
			pr_uint(&o, ip_len >= hlen ? ip_len - hlen : 0, 10);
		}
	} else {
		pr_addr(&o, ip_get_src(p));
		pr_lit(&o, " > ");
		pr_addr(&o, ip_get_dst(p));
		pr_lit(&o, ": ");
		if ((off & IP_OFFMASK) == 0 && proto == IPPROTO_ICMP &&
		    plen >= ICMP_MINLEN)
			pr_icmp(&o, l4, plen, ip_len - hlen);
		else if ((off & IP_OFFMASK) == 0 && dissected(proto) &&
		    ip_len >= hlen) {
			/* First fragment too short for its header. */
			pr_lit(&o, "[|");
			pr_proto(&o, proto);
			pr_lit(&o, "]");
		} else
			pr_proto(&o, proto);
	}

	if ((off & (IP_MF | IP_OFFMASK)) != 0) {
		pr_lit(&o, " (frag ");
		pr_uint(&o, ip_get_id(p), 10);
		pr_lit(&o, ":");
		pr_uint(&o, ip_len >= hlen ? ip_len - hlen : 0, 10);
		pr_lit(&o, "@");
		pr_uint(&o, (uint32_t)(off & IP_OFFMASK) << 3, 10);
		pr_str(&o, (off & IP_MF) != 0 ? "+)" : ")");
	}
	pr_lit(&o, " ttl ");
	pr_uint(&o, ip_get_ttl(p), 10);
	if (!ip_sum_ok(p)) {
		pr_lit(&o, " [bad cksum ");
		pr_uint(&o, ip_get_sum(p), 16);
		pr_lit(&o, "!]");
	}
	if (ip_len < hlen) {
		pr_lit(&o, " [bad ip_len ");
		pr_uint(&o, ip_len, 10);
		pr_lit(&o, "]");
	} else if (ip_len > len) {
		pr_lit(&o, " [truncated-ip - ");
		pr_uint(&o, ip_len - len, 10);
		pr_lit(&o, " bytes missing!]");
	}
	return (o.pos);
}

void
wire_print_ip_gstring(GString *s, const uint8_t *p, size_t len)
{
	char buf[WIRE_PRINT_MAX];
	size_t n;

	n = wire_print_ip(buf, sizeof(buf), p, len);
	g_string_append_len(s, buf, (gssize)n);
}
