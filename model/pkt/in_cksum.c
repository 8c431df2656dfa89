/*
 * The Internet checksum (RFC 1071) computed on wire bytes, and the
 * incremental update of RFC 1624.  See in_cksum.h for the byte-order
 * convention: values are the big-endian reading of the 16-bit field.
 */
#include <stdbool.h>
#include <string.h>

#include "pkt/in_cksum.h"

/* Folded to a constant by the compiler. */
static inline bool
host_is_little_endian(void)
{
	const uint16_t one = 1;

	return (*(const uint8_t *)&one == 1);
}

uint32_t
in_cksum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t acc = 0;
	uint16_t tail;
	uint32_t native;

	/*
	 * RFC 1071 section 2: the one's complement sum does not depend on
	 * byte order ("byte order independence") and carries can be
	 * deferred.  So sum the buffer in the machine's own order, 64 bits
	 * at a time (two 32-bit halves into a 64-bit accumulator, which
	 * cannot overflow for any IP datagram), fold, and swap the two bytes
	 * of the result on a little-endian machine to get the big-endian
	 * reading the rest of the code uses.
	 */
	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;

		memcpy(&w, p, sizeof(w));
		acc += (w & 0xffffffffu) + (w >> 32);
	}
	for (; len >= 2; p += 2, len -= 2) {
		uint16_t w;

		memcpy(&w, p, sizeof(w));
		acc += w;
	}
	/* An odd last byte is padded with a zero byte on the right. */
	if (len == 1) {
		uint8_t pad[2] = { p[0], 0 };

		memcpy(&tail, pad, sizeof(tail));
		acc += tail;
	}
	while (acc >> 16 != 0)
		acc = (acc & 0xffff) + (acc >> 16);
	native = (uint32_t)acc;
	if (host_is_little_endian())
		native = ((native & 0xff) << 8) | (native >> 8);
	/* Keep the result below 2^17 so later additions cannot overflow. */
	sum = (sum & 0xffff) + (sum >> 16);
	sum += native;
	return ((sum & 0xffff) + (sum >> 16));
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
