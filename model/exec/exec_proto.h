/*
 * The control channel between the simulator and a real process running
 * under the preload shim (shim/divertsim_preload.c).  One stream socket,
 * strictly request/reply: the process sends a request and waits for its
 * reply; the simulator runs only while every process waits.  Plain C with
 * fixed-size integers, shared by both sides; no simulator type crosses.
 *
 * Every message is a struct exec_msg followed by len bytes of payload.
 */
#ifndef DIVERTSIM_EXEC_PROTO_H
#define DIVERTSIM_EXEC_PROTO_H

#include <stdint.h>

/* The environment variable naming the channel's fd in the process. */
#define	EXEC_ENV_FD	"DIVERTSIM_EXEC_FD"
/* FreeBSD's numbers, which a program passes unchanged to socket(2). */
#define	EXEC_IPPROTO_DIVERT	258
#define	EXEC_PF_DIVERT		44
/* The largest payload: a datagram and its address. */
#define	EXEC_MAXPAYLOAD		(65535u + 16u)
/* The most divert sockets one wait names. */
#define	EXEC_MAXWAIT		64

enum exec_op {
	EXEC_HELLO = 1,		/* a: pid                      -> rv 0 */
	EXEC_SOCKET,		/* a: domain, b: type, c: proto -> rv id */
	EXEC_BIND,		/* id, a: port                 -> rv 0 */
	EXEC_RECV,		/* id, a: nonblock, b: maxlen  -> rv len,
				   payload sockaddr_in(16) + bytes */
	EXEC_SEND,		/* id, a: address length (0: none),
				   payload address + bytes      -> rv len */
	EXEC_CLOSE,		/* id                           -> rv 0 */
	EXEC_SETRCVBUF,		/* id, a: bytes                 -> rv 0 */
	EXEC_WAIT,		/* a: deadline ns (-1: none), payload: ids
				   (int32)  -> rv n ready, payload: a byte
				   per id, 1 if readable */
};

struct exec_msg {
	uint32_t	op;
	int32_t		id;	/* the simulator's socket id */
	int64_t		a, b, c;
	int64_t		rv;	/* reply: result, or -errno */
	uint64_t	now;	/* reply: simulated time, ns */
	uint32_t	len;	/* payload bytes that follow */
	uint32_t	pad;
};

#endif /* DIVERTSIM_EXEC_PROTO_H */
