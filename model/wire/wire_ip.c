/*
 * IPv4 header checks, checksum and the ip_repr parse/emit pair (the view's
 * getters and setters are inline in wire_ip.h).
 */
#include <string.h>

#include "pkt/in_cksum.h"
#include "wire/wire_ip.h"

enum ip_check
ip_check_len(const uint8_t *p, size_t len)
{
	unsigned hlen;
	uint16_t ip_len;

	/* The order of ip_input()'s tests, so the first failure is the
	 * counter FreeBSD bumps. */
	if (len < IP_HDR_MIN_BYTES)
		return (IP_CHECK_TOOSHORT);
	if (ip_get_version(p) != 4)
		return (IP_CHECK_BADVERS);
	hlen = ip_get_hlen_bytes(p);
	if (hlen < IP_HDR_MIN_BYTES || hlen > len)
		return (IP_CHECK_BADHLEN);
	ip_len = ip_get_len_bytes(p);
	if (ip_len < hlen)
		return (IP_CHECK_BADLEN);
	if (ip_len > len)
		return (IP_CHECK_TRUNCATED);
	return (IP_CHECK_OK);
}

const char *
ip_check_name(enum ip_check c)
{

	switch (c) {
	case IP_CHECK_OK:
		return ("ok");
	case IP_CHECK_TOOSHORT:
		return ("tooshort");
	case IP_CHECK_BADVERS:
		return ("badvers");
	case IP_CHECK_BADHLEN:
		return ("badhlen");
	case IP_CHECK_BADLEN:
		return ("badlen");
	case IP_CHECK_TRUNCATED:
		return ("truncated");
	case IP_CHECK_BADADDR:
		return ("badaddr");
	case IP_CHECK_BADSUM:
		return ("badsum");
	}
	return ("unknown");
}

uint16_t
ip_sum_compute(const uint8_t *p)
{
	uint32_t sum;
	unsigned hlen;

	/* Sum around the checksum field instead of zeroing it: p may be
	 * read-only. */
	hlen = ip_get_hlen_bytes(p);
	sum = in_cksum_add(0, p, IP_F_SUM);
	sum = in_cksum_add(sum, p + IP_F_SUM + 2, hlen - (IP_F_SUM + 2));
	return (in_cksum_finish(sum));
}

bool
ip_sum_ok(const uint8_t *p)
{

	return (in_cksum(p, ip_get_hlen_bytes(p)) == 0);
}

void
ip_sum_fill(uint8_t *p)
{

	ip_set_sum(p, ip_sum_compute(p));
}

enum ip_check
ip_repr_parse(const uint8_t *p, size_t len, struct ip_repr *r)
{
	enum ip_check c;

	c = ip_check_len(p, len);
	if (c != IP_CHECK_OK)
		return (c);
	r->src = ip_get_src(p);
	r->dst = ip_get_dst(p);
	r->proto = ip_get_proto(p);
	r->ttl = ip_get_ttl(p);
	r->tos = ip_get_tos(p);
	r->id = ip_get_id(p);
	r->df = ip_get_df(p);
	r->mf = ip_get_mf(p);
	r->off_bytes = ip_get_off_bytes(p);
	r->hlen_bytes = (uint16_t)ip_get_hlen_bytes(p);
	r->payload_len_bytes = (uint16_t)(ip_get_len_bytes(p) - r->hlen_bytes);
	r->sum_ok = ip_sum_ok(p);
	return (IP_CHECK_OK);
}

enum ip_check
ip_input_check(const uint8_t *p, size_t len, bool on_loopback,
    struct ip_repr *r)
{
	enum ip_check c;

	/* One parse: the structural verdict, and the sum when it is OK. */
	c = ip_repr_parse(p, len, r);
	if (c == IP_CHECK_TOOSHORT || c == IP_CHECK_BADVERS ||
	    c == IP_CHECK_BADHLEN)
		return (c);
	/*
	 * The header is within len.  FreeBSD's ip_input() tests the addresses
	 * and the checksum before it looks at ip_len, so those come first
	 * even when ip_len is wrong too.
	 */
	if (!on_loopback && ((ip_get_src(p) >> 24) == 127 ||
	    (ip_get_dst(p) >> 24) == 127))
		return (IP_CHECK_BADADDR);
	if (c == IP_CHECK_OK ? !r->sum_ok : !ip_sum_ok(p))
		return (IP_CHECK_BADSUM);
	return (c);
}

size_t
ip_repr_emit(const struct ip_repr *r, uint8_t *p)
{

	memset(p, 0, IP_HDR_MIN_BYTES);
	ip_set_version(p, 4);
	ip_set_hlen_bytes(p, IP_HDR_MIN_BYTES);
	ip_set_tos(p, r->tos);
	ip_set_len_bytes(p, (uint16_t)(IP_HDR_MIN_BYTES +
	    r->payload_len_bytes));
	ip_set_id(p, r->id);
	ip_set_off_field(p, (uint16_t)((r->df ? IP_DF : 0) |
	    (r->mf ? IP_MF : 0) | ((r->off_bytes >> 3) & IP_OFFMASK)));
	ip_set_ttl(p, r->ttl);
	ip_set_proto(p, r->proto);
	ip_set_src(p, r->src);
	ip_set_dst(p, r->dst);
	ip_sum_fill(p);
	return (IP_HDR_MIN_BYTES);
}
