/*
 * The Internet checksum (RFC 1071) computed on wire bytes, and the
 * incremental update of RFC 1624.  See in_cksum.h for the byte-order
 * convention: values are the big-endian reading of the 16-bit field.
 */
#include "pkt/in_cksum.h"

uint32_t
in_cksum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;
	size_t i = 0;

	/*
	 * Sum 32-bit big-endian words into a 64-bit accumulator: one's
	 * complement addition is associative, so the 16-bit halves can be
	 * folded at the end (RFC 1071 section 2, "deferred carries").
	 */
	for (; i + 4 <= len; i += 4)
		acc += ((uint32_t)p[i] << 24) | ((uint32_t)p[i + 1] << 16) |
		    ((uint32_t)p[i + 2] << 8) | p[i + 3];
	for (; i + 2 <= len; i += 2)
		acc += ((uint32_t)p[i] << 8) | p[i + 1];
	/* An odd last byte is padded with a zero byte on the right. */
	if (i < len)
		acc += (uint32_t)p[i] << 8;
	while (acc >> 32 != 0)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	/* Keep the result below 2^17 so later additions cannot overflow. */
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return ((uint32_t)acc);
}

uint16_t
in_cksum_finish(uint32_t sum)
{

	while (sum >> 16 != 0)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

uint16_t
in_cksum(const void *buf, size_t len)
{

	return (in_cksum_finish(in_cksum_add(0, buf, len)));
}

uint16_t
in_cksum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4_len,
    const void *buf, size_t len)
{
	uint32_t sum;

	/* RFC 768 pseudo-header: src, dst, zero, protocol, length. */
	sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	    proto + l4_len;
	return (in_cksum_finish(in_cksum_add(sum, buf, len)));
}

uint16_t
in_cksum_update(uint16_t old_sum, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum;

	/* RFC 1624 eqn. 3, in one's complement arithmetic. */
	sum = (uint16_t)~old_sum;
	sum += (uint16_t)~old_word;
	sum += new_word;
	return (in_cksum_finish(sum));
}

uint16_t
in_cksum_update32(uint16_t old_sum, uint32_t old_val, uint32_t new_val)
{
	uint16_t s;

	s = in_cksum_update(old_sum, (uint16_t)(old_val >> 16),
	    (uint16_t)(new_val >> 16));
	return (in_cksum_update(s, (uint16_t)old_val, (uint16_t)new_val));
}
