/*
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * Byte order: every function works on the bytes as they are on the wire,
 * reading each 16-bit word big-endian, and every uint16_t it takes or
 * returns is the numeric value of a 16-bit field as read big-endian (the
 * host-order value).  So the value returned for a header is the one to pass
 * to a wire setter such as ip_set_sum() or to wire_put16(); it is NOT
 * meant to be memcpy'd into the packet.  Example: for the IPv4 header
 * 45 00 00 73 00 00 40 00 40 11 [00 00] c0 a8 00 01 c0 a8 00 c7,
 * in_cksum() returns 0xb861, stored as the bytes b8 61.
 *
 * Verifying: the checksum over data that includes a correct checksum
 * field is 0 (in_cksum(hdr, hlen) == 0 for a valid IPv4 header).
 */
#ifndef DIVERTSIM_IN_CKSUM_H
#define DIVERTSIM_IN_CKSUM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Add the 16-bit big-endian words of buf to sum (not folded, not
 * complemented).  For a buffer split into pieces, every piece but the last
 * must have an even length.
 */
uint32_t	 in_cksum_add(uint32_t sum, const void *buf, size_t len);
/* Fold a running sum to 16 bits and complement it: the field value. */
uint16_t	 in_cksum_finish(uint32_t sum);
/* The checksum of len bytes at buf (RFC 1071). */
uint16_t	 in_cksum(const void *buf, size_t len);
/*
 * The checksum of a UDP/TCP segment with the IPv4 pseudo-header: src, dst
 * (host order), protocol, and l4_len (the segment length in the
 * pseudo-header, normally len).  The caller maps a result of 0 to 0xffff
 * for UDP (RFC 768), see udp_sum_compute().
 */
uint16_t	 in_cksum_pseudo(uint32_t src, uint32_t dst, uint8_t proto,
		    uint16_t l4_len, const void *buf, size_t len);
/*
 * RFC 1624 eqn. 3: the new checksum after one 16-bit word covered by
 * old_sum changed from old_word to new_word: HC' = ~(~HC + ~m + m').
 */
uint16_t	 in_cksum_update(uint16_t old_sum, uint16_t old_word,
		    uint16_t new_word);
/* The same for a 32-bit field (an address): two word updates. */
uint16_t	 in_cksum_update32(uint16_t old_sum, uint32_t old_val,
		    uint32_t new_val);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IN_CKSUM_H */
