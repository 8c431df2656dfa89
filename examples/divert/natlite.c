/*
 * natlite ALIAS PORT EXPIRE_MS: a small natd(8) in the FreeBSD style, for
 * UDP and ICMP echo.  It reads divert port PORT with blocking recvfrom(),
 * waiting in poll() with a timeout so that it can expire idle links, as
 * natd's main loop does with select().
 *
 * Outgoing (sin_addr INADDR_ANY, as natd's DoAliasing() decides): the
 * source address becomes ALIAS; the source port (UDP) or echo id keeps its
 * value when no other flow holds it, else takes the next from 0x8000.
 * Incoming to ALIAS for a port or id it gave: the destination goes back.
 * Checksums are adjusted, not computed again (RFC 1624, as libalias
 * does).  Everything is written back with the address read.  A link idle for
 * EXPIRE_MS is forgotten; each expiry is reported on stderr.
 *
 *	cc -include divertsim/freebsd_divert.h -o natlite natlite.c
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <arpa/inet.h>

#include <err.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define	NLINKS	256

struct link {
	int		 used;
	uint8_t		 proto;
	struct in_addr	 orig;
	uint16_t	 oport, aport;	/* network order */
	uint64_t	 last_ms;
};

static struct link links[NLINKS];
static struct in_addr alias;
static uint16_t next_port = 0x8000;

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static struct link *
find_alias(uint8_t proto, uint16_t aport)
{
	for (int i = 0; i < NLINKS; i++)
		if (links[i].used && links[i].proto == proto &&
		    links[i].aport == aport)
			return (&links[i]);
	return (NULL);
}

static struct link *
link_out(uint8_t proto, struct in_addr src, uint16_t port)
{
	struct link *l, *free_l = NULL;

	for (int i = 0; i < NLINKS; i++) {
		l = &links[i];
		if (l->used && l->proto == proto &&
		    l->orig.s_addr == src.s_addr && l->oport == port)
			return (l);
		if (!l->used && free_l == NULL)
			free_l = l;
	}
	if (free_l == NULL)
		return (NULL);
	l = free_l;
	l->used = 1;
	l->proto = proto;
	l->orig = src;
	l->oport = port;
	/* Keep the port when nobody holds it, as libalias tries to. */
	if (find_alias(proto, port) == NULL || find_alias(proto, port) == l)
		l->aport = port;
	else {
		do
			l->aport = htons(next_port++ | 0x8000);
		while (find_alias(proto, l->aport) != l &&
		    find_alias(proto, l->aport) != NULL);
	}
	return (l);
}

/* ports (UDP) or id (ICMP echo): where the 16 bits we translate live */
static uint16_t *
port_of(struct ip *ip, size_t len, int out)
{
	size_t hl = (size_t)ip->ip_hl << 2;

	if (ip->ip_p == IPPROTO_UDP && len >= hl + sizeof(struct udphdr)) {
		struct udphdr *uh = (struct udphdr *)((char *)ip + hl);

		return (out ? &uh->uh_sport : &uh->uh_dport);
	}
	if (ip->ip_p == IPPROTO_ICMP && len >= hl + 8) {
		struct icmp *ic = (struct icmp *)((char *)ip + hl);

		if ((out && ic->icmp_type == ICMP_ECHO) ||
		    (!out && ic->icmp_type == ICMP_ECHOREPLY))
			return (&ic->icmp_id);
	}
	return (NULL);
}

/*
 * Adjust a checksum for 16-bit words changed from old to new (RFC 1624,
 * what libalias's DifferentialChecksum() does): a stale checksum stays
 * exactly as stale, as with natd.
 */
static void
sum_adjust(uint16_t *sum, const void *old, const void *new, int nwords)
{
	const uint8_t *o = old, *n = new;
	uint32_t acc = (uint16_t)~ntohs(*sum);

	for (int i = 0; i < nwords; i++) {
		acc += (uint16_t)~(o[2 * i] << 8 | o[2 * i + 1]);
		acc += (uint16_t)(n[2 * i] << 8 | n[2 * i + 1]);
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	*sum = htons((uint16_t)~acc);
}

static void
translate(unsigned char *buf, size_t len, int out)
{
	struct ip *ip = (struct ip *)buf;
	size_t hl = (size_t)ip->ip_hl << 2;
	struct in_addr *addr, oaddr;
	struct link *l;
	uint16_t *port, oport;

	if (len < sizeof(struct ip) || (ip->ip_off & htons(IP_OFFMASK)) != 0)
		return;
	port = port_of(ip, len, out);
	if (port == NULL)
		return;
	addr = out ? &ip->ip_src : &ip->ip_dst;
	oaddr = *addr;
	oport = *port;
	if (out) {
		l = link_out(ip->ip_p, ip->ip_src, *port);
		if (l == NULL)
			return;
		*addr = alias;
		*port = l->aport;
	} else {
		if (ip->ip_dst.s_addr != alias.s_addr ||
		    (l = find_alias(ip->ip_p, *port)) == NULL)
			return;
		*addr = l->orig;
		*port = l->oport;
	}
	l->last_ms = now_ms();
	sum_adjust(&ip->ip_sum, &oaddr, addr, 2);
	if (ip->ip_p == IPPROTO_UDP) {
		struct udphdr *uh = (struct udphdr *)(buf + hl);

		/* 0 is "no checksum" and stays; a computed 0 is sent as ~0. */
		if (uh->uh_sum != 0) {
			sum_adjust(&uh->uh_sum, &oaddr, addr, 2);
			sum_adjust(&uh->uh_sum, &oport, port, 1);
			if (uh->uh_sum == 0)
				uh->uh_sum = 0xffff;
		}
	} else {
		struct icmp *ic = (struct icmp *)(buf + hl);

		sum_adjust(&ic->icmp_cksum, &oport, port, 1);
	}
}

static void
expire(uint64_t idle_ms)
{
	uint64_t now = now_ms();
	int n = 0;

	for (int i = 0; i < NLINKS; i++)
		if (links[i].used && now - links[i].last_ms >= idle_ms) {
			links[i].used = 0;
			n++;
		}
	if (n > 0)
		fprintf(stderr, "natlite: expired %d link(s) at %llu ms\n", n,
		    (unsigned long long)now);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	socklen_t sinlen;
	unsigned char buf[65535];
	uint64_t idle_ms;
	ssize_t len;
	int fd, n;

	if (argc != 4 || inet_aton(argv[1], &alias) == 0)
		errx(2, "usage: natlite ALIAS PORT EXPIRE_MS");
	idle_ms = strtoull(argv[3], NULL, 10);
	fd = socket(PF_INET, SOCK_RAW, IPPROTO_DIVERT);
	if (fd == -1)
		err(1, "socket");
	memset(&sin, 0, sizeof(sin));
#ifndef DIVERTSIM_NO_SIN_LEN
	sin.sin_len = sizeof(sin);
#endif
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[2]));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind");
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		n = poll(&pfd, 1, (int)idle_ms);
		if (n == -1)
			err(1, "poll");
		expire(idle_ms);
		if (n == 0)
			continue;
		sinlen = sizeof(sin);
		len = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&sin, &sinlen);
		if (len == -1)
			err(1, "recvfrom");
		translate(buf, (size_t)len, sin.sin_addr.s_addr == INADDR_ANY);
		if (sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&sin,
		    sinlen) == -1)
			warn("sendto");
	}
}
