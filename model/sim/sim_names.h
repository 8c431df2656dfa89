/*
 * Names of the facts several layers print, each kept in one table:
 *  - errno_name(): the <errno.h> symbol of an errno ("EACCES"), as the
 *    divert.PORT.errno.NAME counters and the divert-write event spell it;
 *    an errno without an entry is written "E<n>" (its number), never
 *    another errno's name, so that nothing is misreported;
 *  - inet_proto_name() / inet_proto_number(): the IP protocol keywords of
 *    FreeBSD's /etc/protocols (what getprotobynumber(3) gives ipfw(8) and
 *    tcpdump), for the protocols divertsim knows;
 *  - inet_addr_str(): an IPv4 address as a dotted quad, the one formatter
 *    of every printer and of the event log.
 */
#ifndef DIVERTSIM_SIM_NAMES_H
#define DIVERTSIM_SIM_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Room for "E" and any int. */
#define	ERRNO_NAMELEN	16

/* The name of err; buf is used (and returned) when err has no entry. */
const char	*errno_name(int err, char buf[ERRNO_NAMELEN]);
/* The keyword of protocol p ("icmp", "tcp", "ip" for 0), or NULL. */
const char	*inet_proto_name(uint8_t p);
/* The number of keyword name, or -1 when it is not one. */
int		 inet_proto_number(const char *name);
/* Write addr (host order) as a dotted quad into buf (INET_ADDRSTRLEN, 16,
 * from <netinet/in.h>); returns buf. */
char		*inet_addr_str(uint32_t addr, char buf[INET_ADDRSTRLEN]);
/* inet_addr_str() returning the length. */
size_t		 inet_addr_fmt(uint32_t addr, char buf[INET_ADDRSTRLEN]);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_SIM_NAMES_H */
