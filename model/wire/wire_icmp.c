/* ICMP checks, checksum and icmp_repr parse/emit. */
#include <string.h>

#include "pkt/in_cksum.h"
#include "wire/wire_icmp.h"

bool
icmp_type_is_error(uint8_t type)
{

	/* FreeBSD's ICMP_INFOTYPE() is the complement of this list. */
	switch (type) {
	case ICMP_UNREACH:
	case 4:		/* source quench */
	case 5:		/* redirect */
	case ICMP_TIMXCEED:
	case 12:	/* parameter problem */
		return (true);
	default:
		return (false);
	}
}

enum icmp_check
icmp_check_len(const uint8_t *p, size_t len)
{

	(void)p;
	if (len < ICMP_MINLEN)
		return (ICMP_CHECK_TOOSHORT);
	return (ICMP_CHECK_OK);
}

uint16_t
icmp_sum_compute(const uint8_t *p, size_t len)
{
	uint32_t sum;

	sum = in_cksum_add(0, p, ICMP_F_SUM);
	sum = in_cksum_add(sum, p + ICMP_F_SUM + 2, len - (ICMP_F_SUM + 2));
	return (in_cksum_finish(sum));
}

bool
icmp_sum_ok(const uint8_t *p, size_t len)
{

	return (in_cksum(p, len) == 0);
}

void
icmp_sum_fill(uint8_t *p, size_t len)
{

	icmp_set_sum(p, icmp_sum_compute(p, len));
}

enum icmp_check
icmp_repr_parse(const uint8_t *p, size_t len, struct icmp_repr *r)
{
	enum icmp_check c;

	c = icmp_check_len(p, len);
	if (c != ICMP_CHECK_OK)
		return (c);
	memset(r, 0, sizeof(*r));
	r->type = icmp_get_type(p);
	r->code = icmp_get_code(p);
	if (r->type == ICMP_ECHO || r->type == ICMP_ECHOREPLY) {
		r->echo_id = icmp_get_echo_id(p);
		r->echo_seq = icmp_get_echo_seq(p);
	} else if (r->type == ICMP_UNREACH &&
	    r->code == ICMP_UNREACH_NEEDFRAG)
		r->nextmtu_bytes = icmp_get_nextmtu_bytes(p);
	r->data = p + ICMP_F_DATA;
	r->data_len_bytes = len - ICMP_F_DATA;
	return (ICMP_CHECK_OK);
}

size_t
icmp_repr_len(const struct icmp_repr *r)
{

	return (ICMP_MINLEN + r->data_len_bytes);
}

size_t
icmp_repr_emit(const struct icmp_repr *r, uint8_t *p)
{
	size_t len;

	len = icmp_repr_len(r);
	memset(p, 0, ICMP_MINLEN);
	icmp_set_type(p, r->type);
	icmp_set_code(p, r->code);
	if (r->type == ICMP_ECHO || r->type == ICMP_ECHOREPLY) {
		icmp_set_echo_id(p, r->echo_id);
		icmp_set_echo_seq(p, r->echo_seq);
	} else if (r->type == ICMP_UNREACH &&
	    r->code == ICMP_UNREACH_NEEDFRAG)
		icmp_set_nextmtu_bytes(p, r->nextmtu_bytes);
	if (r->data_len_bytes > 0)
		memmove(p + ICMP_F_DATA, r->data, r->data_len_bytes);
	icmp_sum_fill(p, len);
	return (len);
}
