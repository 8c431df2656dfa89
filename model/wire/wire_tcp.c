/* TCP header checks, pseudo-header checksum and the MSS option walk. */
#include <netinet/in.h>

#include "pkt/in_cksum.h"
#include "wire/wire_tcp.h"

enum tcp_check
tcp_check_len(const uint8_t *p, size_t len)
{
	unsigned off;

	if (len < TCP_HDR_MIN_BYTES)
		return (TCP_CHECK_TOOSHORT);
	off = tcp_get_off_bytes(p);
	/* tcp_input(): off < sizeof(struct tcphdr) || off > tlen is bad. */
	if (off < TCP_HDR_MIN_BYTES || off > len)
		return (TCP_CHECK_BADOFF);
	return (TCP_CHECK_OK);
}

uint16_t
tcp_sum_compute(const uint8_t *p, uint16_t seg_len, uint32_t src,
    uint32_t dst)
{
	uint32_t acc;

	/* Pseudo-header, then the segment around the checksum field. */
	acc = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	    IPPROTO_TCP + seg_len;
	acc = in_cksum_add(acc, p, TCP_F_SUM);
	acc = in_cksum_add(acc, p + TCP_F_URP, (size_t)seg_len - TCP_F_URP);
	return (in_cksum_finish(acc));
}

bool
tcp_sum_ok(const uint8_t *p, uint16_t seg_len, uint32_t src, uint32_t dst)
{

	return (in_cksum_pseudo(src, dst, IPPROTO_TCP, seg_len, p,
	    seg_len) == 0);
}

void
tcp_sum_fill(uint8_t *p, uint16_t seg_len, uint32_t src, uint32_t dst)
{

	tcp_set_sum(p, tcp_sum_compute(p, seg_len, src, dst));
}

bool
tcp_opt_mss(const uint8_t *p, uint16_t *mss)
{
	const uint8_t *cp = p + TCP_HDR_MIN_BYTES;
	unsigned cnt = tcp_get_off_bytes(p) - TCP_HDR_MIN_BYTES, optlen;
	bool found = false;

	for (; cnt > 0; cnt -= optlen, cp += optlen) {
		if (cp[0] == TCPOPT_EOL)
			break;
		if (cp[0] == TCPOPT_NOP)
			optlen = 1;
		else {
			if (cnt < 2)
				break;
			optlen = cp[1];
			if (optlen < 2 || optlen > cnt)
				break;
		}
		if (cp[0] != TCPOPT_MAXSEG || optlen != TCPOLEN_MAXSEG ||
		    (tcp_get_flags(p) & TH_SYN) == 0)
			continue;
		*mss = wire_get16(cp + 2);
		found = true;
	}
	return (found);
}
