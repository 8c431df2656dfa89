/*
 * The errno and IP protocol name tables; see sim_names.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim/sim_names.h"

#define	N_ELEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Every errno the model returns or counts. */
static const struct {
	int		 err;
	const char	*name;
} errno_names[] = {
	{ EPERM, "EPERM" },
	{ EACCES, "EACCES" },
	{ EFAULT, "EFAULT" },
	{ EINVAL, "EINVAL" },
	{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },
	{ EMSGSIZE, "EMSGSIZE" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ENETUNREACH, "ENETUNREACH" },
	{ ENOBUFS, "ENOBUFS" },
	{ ENOTCONN, "ENOTCONN" },
	{ EDESTADDRREQ, "EDESTADDRREQ" },
	{ EHOSTDOWN, "EHOSTDOWN" },
	{ EHOSTUNREACH, "EHOSTUNREACH" },
};

const char *
errno_name(int err, char buf[ERRNO_NAMELEN])
{
	for (size_t i = 0; i < N_ELEMS(errno_names); i++)
		if (errno_names[i].err == err)
			return (errno_names[i].name);
	snprintf(buf, ERRNO_NAMELEN, "E%d", err);
	return (buf);
}

/* FreeBSD's /etc/protocols keywords, by number. */
static const struct {
	uint8_t		 p;
	const char	*name;
} proto_names[] = {
	{ 0, "ip" },
	{ 1, "icmp" },
	{ 2, "igmp" },
	{ 6, "tcp" },
	{ 17, "udp" },
	{ 41, "ipv6" },
	{ 47, "gre" },
	{ 50, "esp" },
	{ 51, "ah" },
	{ 58, "ipv6-icmp" },
	{ 89, "ospf" },
	{ 103, "pim" },
	{ 132, "sctp" },
};

const char *
inet_proto_name(uint8_t p)
{
	for (size_t i = 0; i < N_ELEMS(proto_names); i++)
		if (proto_names[i].p == p)
			return (proto_names[i].name);
	return (NULL);
}

int
inet_proto_number(const char *name)
{
	for (size_t i = 0; i < N_ELEMS(proto_names); i++)
		if (strcmp(proto_names[i].name, name) == 0)
			return (proto_names[i].p);
	return (-1);
}

/*
 * "a.b.c.d" and its length, without snprintf: the event log and the
 * printers call it per packet.  Each octet is four bytes of a table made
 * at the first call: its digits, then its length in the last byte.
 */
size_t
inet_addr_fmt(uint32_t addr, char buf[INET_ADDRSTRLEN])
{
	static char oct[256][4];
	static bool ready;
	size_t pos = 0;

	if (!ready) {
		for (unsigned b = 0; b < 256; b++) {
			char *o = oct[b];
			size_t n = 0;

			if (b >= 100)
				o[n++] = (char)('0' + b / 100);
			if (b >= 10)
				o[n++] = (char)('0' + b / 10 % 10);
			o[n++] = (char)('0' + b % 10);
			o[3] = (char)n;
		}
		ready = true;
	}
	for (int shift = 24; shift >= 0; shift -= 8) {
		const char *o = oct[(addr >> shift) & 0xff];

		/* Three digits copied whatever the length: buf has room. */
		memcpy(buf + pos, o, 3);
		pos += (size_t)o[3];
		buf[pos++] = '.';
	}
	buf[--pos] = '\0';
	return (pos);
}

char *
inet_addr_str(uint32_t addr, char buf[INET_ADDRSTRLEN])
{
	(void)inet_addr_fmt(addr, buf);
	return (buf);
}
