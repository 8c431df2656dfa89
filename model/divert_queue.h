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

#include "netinet/ip_var.h"

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct pkt;
struct divert_sock;

/* DIVRCVQ: 65536 + 100 bytes, FreeBSD's receive space for divert sockets. */
#define	DIVRCVQ		(65536u + 100u)
/* DIVSNDQ: the send space, the same size. */
#define	DIVSNDQ		(65536u + 100u)

/*
 * divert_attach(): load divert(4) into h's kernel (div_modevent(MOD_LOAD)):
 * creates the port table, freed with the host, and, when the kernel has
 * IPDIVERT (h->ipdivert), sets h->ip_divert_ptr to divert_packet() so that
 * ipfw's divert and tee reach the sockets (drops there: no socket bound,
 * divert.noport; a loop, divert.PORT.loops; receive buffer full,
 * divert.PORT.dropped_full).  Without IPDIVERT sockets can still be made
 * and bound, but ipfw drops what it would divert.  Call once, after
 * h->ipdivert is settled.
 */
void		 divert_attach(struct host *h);
/* Divert sockets open on h, bound or not (0 before divert_attach()). */
unsigned	 divert_nsocks(const struct host *h);

/*
 * socket(PF_INET, SOCK_RAW, IPPROTO_DIVERT): EPROTONOSUPPORT before
 * divert_attach(), EPERM unless uid is 0.
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
/* Packets waiting in the receive buffer (what makes poll() say POLLIN). */
unsigned	 div_rcv_queued(const struct divert_sock *so);

/*
 * The packet recvfrom() would read next, left in the buffer: its bytes
 * (*len of them) and *from; NULL when nothing is queued.
 */
const uint8_t	*div_rcv_peek(const struct divert_sock *so,
		    struct sockaddr_in *from, size_t *len);

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
