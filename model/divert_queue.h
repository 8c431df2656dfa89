/*
 * divert(4) sockets of one host: the port table, bind rules, the receive
 * queue with its byte budget, what recvfrom() reports and what sendto()
 * does with a packet written back (div_output).  The contract is spelled out
 * at the top of divert_queue.c.
 */
#ifndef DIVERTSIM_DIVERT_QUEUE_H
#define DIVERTSIM_DIVERT_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct pkt;
struct divert_sock;

/* DIVRCVQ: 65536 + 100 bytes, FreeBSD's receive space for divert sockets. */
#define	DIVRCVQ		(65536u + 100u)

/* `entry` of a packet that met ipfw without a re-entry tag.  Tag 0 is not
 * the same: a written-back packet matches `diverted` rules. */
#define	DIVERT_ENTRY_FRESH	UINT32_MAX

/* The per-host table, created by host_new() via divert_tab_new(). */
struct divert_tab *divert_tab_new(void);
void		 divert_tab_free(struct divert_tab *t);

/*
 * socket(PF_INET, SOCK_RAW, IPPROTO_DIVERT): EPERM unless uid is 0.
 * Returns 0 and *so, or the errno.
 */
int		 div_attach(struct host *h, uint32_t uid, struct divert_sock **so);
/* bind(): only the port counts. EADDRINUSE when another socket has it. */
int		 div_bind(struct divert_sock *so, uint16_t port);
/* close(): unbinds; packets still queued are freed with the socket. */
void		 div_close(struct divert_sock *so);
void		 div_set_rcvbuf(struct divert_sock *so, uint32_t bytes);
/* Called (as a new event) when a packet is queued on an empty socket. */
void		 div_set_wakeup(struct divert_sock *so, void (*fn)(void *ctx),
		    void *ctx);
uint16_t	 div_port(const struct divert_sock *so);
/* Lineage of the packet last read (0 before the first read). */
uint64_t	 div_last_lineage(const struct divert_sock *so);
struct host	*div_host(const struct divert_sock *so);

/*
 * divert_packet(): ipfw hands m (consumed) to the socket bound to port.
 * incoming: caught on the IN pass. rulenum: the tag (matching rule number).
 * entry: the tag the packet entered that ipfw pass with, or
 * DIVERT_ENTRY_FRESH for a packet that carried none; used to recognise
 * loops.
 * Drops: no socket bound (divert.noport), kernel without IPDIVERT
 * (divert.disabled), receive buffer full (divert.PORT.dropped_full).
 */
void		 divert_packet(struct host *h, struct pkt *m, bool incoming,
		    uint16_t port, uint32_t rulenum, uint32_t entry);

/*
 * recvfrom(): copy the next queued packet into buf (truncated to len, as a
 * raw socket truncates) and fill *from as divert(4) says. Returns the
 * packet's length, or -1 with *err = EAGAIN when nothing is queued.
 */
ssize_t		 div_recvfrom(struct divert_sock *so, void *buf, size_t len,
		    struct sockaddr_in *from, int *err);
/*
 * sendto() (to != NULL, tolen its size) or write() (to == NULL): re-inject
 * the bytes (div_output). Returns len or -1 with *err set to the errno.
 */
ssize_t		 div_sendto(struct divert_sock *so, const void *buf, size_t len,
		    const struct sockaddr_in *to, size_t tolen, int *err);

/* The interface-name convention of sin_zero (at most 7 chars + NUL). */
void		 div_sin_zero_set(struct sockaddr_in *sin, const char *ifname);
/* Copies the name into out[8]; returns false when sin_zero holds none
 * (first byte NUL, or no NUL in the 8 bytes). */
bool		 div_sin_zero_get(const struct sockaddr_in *sin, char out[8]);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_DIVERT_QUEUE_H */
