/* UDP header checks, pseudo-header checksum and udp_repr parse/emit. */
#include <netinet/in.h>

#include "pkt/in_cksum.h"
#include "wire/wire_udp.h"

enum udp_check
udp_check_len(const uint8_t *p, size_t len)
{
	uint16_t ulen;

	if (len < UDP_HDR_BYTES)
		return (UDP_CHECK_TOOSHORT);
	ulen = udp_get_len_bytes(p);
	if (ulen < UDP_HDR_BYTES || ulen > len)
		return (UDP_CHECK_BADLEN);
	return (UDP_CHECK_OK);
}

uint16_t
udp_sum_compute(const uint8_t *p, uint32_t src, uint32_t dst)
{
	uint16_t ulen, sum;
	uint32_t acc;

	ulen = udp_get_len_bytes(p);
	/* Pseudo-header, then the datagram around the checksum field. */
	acc = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	    IPPROTO_UDP + ulen;
	acc = in_cksum_add(acc, p, UDP_F_SUM);
	acc = in_cksum_add(acc, p + UDP_HDR_BYTES, ulen - UDP_HDR_BYTES);
	sum = in_cksum_finish(acc);
	/* RFC 768: a computed zero is sent as all ones; 0 means none. */
	return (sum == 0 ? 0xffff : sum);
}

bool
udp_sum_ok(const uint8_t *p, uint32_t src, uint32_t dst)
{
	uint16_t ulen;

	if (udp_get_sum(p) == 0)
		return (true);
	ulen = udp_get_len_bytes(p);
	return (in_cksum_pseudo(src, dst, IPPROTO_UDP, ulen, p, ulen) == 0);
}

void
udp_sum_fill(uint8_t *p, uint32_t src, uint32_t dst)
{

	udp_set_sum(p, udp_sum_compute(p, src, dst));
}

enum udp_check
udp_repr_parse(const uint8_t *p, size_t len, struct udp_repr *r)
{
	enum udp_check c;

	c = udp_check_len(p, len);
	if (c != UDP_CHECK_OK)
		return (c);
	r->sport = udp_get_sport(p);
	r->dport = udp_get_dport(p);
	r->payload_len_bytes = (uint16_t)(udp_get_len_bytes(p) -
	    UDP_HDR_BYTES);
	return (UDP_CHECK_OK);
}

size_t
udp_repr_emit(const struct udp_repr *r, uint8_t *p, uint32_t src,
    uint32_t dst, bool with_sum)
{

	udp_set_sport(p, r->sport);
	udp_set_dport(p, r->dport);
	udp_set_len_bytes(p, (uint16_t)(UDP_HDR_BYTES +
	    r->payload_len_bytes));
	udp_set_sum(p, 0);
	if (with_sum)
		udp_sum_fill(p, src, dst);
	return (UDP_HDR_BYTES);
}
