/*
 * The control channel between the simulator and a real process running
 * under the preload shim (shim/divertsim_preload.c).  Plain C with
 * fixed-size integers, shared by both sides; no simulator type crosses.
 *
 * The channel is a region of shared memory (struct exec_shm, a memfd both
 * map).  The two sides take turns, told by exec_shm.turn: the process
 * writes a request and hands the turn over; the simulator answers (reply
 * and payload in the region) and hands it back.  The simulator runs only
 * while it has the turn.  A side waiting for the turn may spin a little,
 * then sleeps in FUTEX_WAIT on the turn word after saying so
 * (exec_shm.sleeps[]); the other side then wakes it with FUTEX_WAKE.
 * The simulator sees the process end with waitid() when a wait times
 * out; the process sees the simulator end by PR_SET_PDEATHSIG.
 *
 * Posted messages need no reply: the process appends them to
 * exec_shm.post while it runs and goes on; the simulator takes them, in
 * order, before the next request (or when the process ends), at the same
 * simulated instant, so the order of everything is unchanged.  The shim
 * posts a sendto only when its result is known (see EXEC_RECV), and a
 * recvfrom only when it is the process's first call on the channel after
 * a wait whose reply showed the packet it reads (see EXEC_WAIT): the
 * simulator then reads that packet at the wait's instant, holds the
 * process for the service time as for a recvfrom asked, and only then
 * takes the posts after it and the next request, which the process made
 * at that later instant.
 */
#ifndef DIVERTSIM_EXEC_PROTO_H
#define DIVERTSIM_EXEC_PROTO_H

#include <stdint.h>

/* The environment variable naming the channel's memfd in the process. */
#define	EXEC_ENV_FD	"DIVERTSIM_EXEC_FD"
/* FreeBSD's numbers, which a program passes unchanged to socket(2). */
#define	EXEC_IPPROTO_DIVERT	258
#define	EXEC_PF_DIVERT		44
/* The largest payload: a datagram and its address. */
#define	EXEC_MAXPAYLOAD		(65535u + 16u)
/* The most divert sockets one wait names. */
#define	EXEC_MAXWAIT		64
/* Where a wait's reply shows the next packet (after the ready bytes). */
#define	EXEC_PEEK_OFF		EXEC_MAXWAIT
/* Room for posted messages before a post waits for the simulator. */
#define	EXEC_POSTMAX		(256u * 1024u)

enum exec_op {
	EXEC_HELLO = 1,		/* a: pid       -> rv 0, a: 1 on release 14 */
	EXEC_SOCKET,		/* a: domain, b: type, c: proto -> rv id */
	EXEC_BIND,		/* id, a: port                 -> rv 0 */
	EXEC_RECV,		/* id, a: nonblock, b: maxlen  -> rv len,
				   payload sockaddr_in(16) + bytes; a: 1
				   when a sendto back to that address (not
				   0.0.0.0) passes div_output()'s address
				   tests until the process next waits */
	EXEC_SEND,		/* id, a: address length (0: none),
				   payload address + bytes      -> rv len */
	EXEC_CLOSE,		/* id                           -> rv 0 */
	EXEC_SETRCVBUF,		/* id, a: bytes                 -> rv 0 */
	EXEC_WAIT,		/* a: deadline ns (-1: none), payload: ids
				   (int32)  -> rv n ready, payload: a byte
				   per id, 1 if readable; a: the id whose
				   next packet is shown (0: none), at
				   EXEC_PEEK_OFF: sockaddr_in(16) + the
				   whole packet; b: EXEC_RECV's a for it;
				   c: the service time, ns */
	EXEC_SETITIMER,		/* ITIMER_REAL: a: value ns (0: disarm),
				   b: interval ns -> rv 0, a: old value,
				   b: old interval */
	EXEC_GETITIMER,		/* -> rv 0, a: value, b: interval */
};

struct exec_msg {
	uint32_t	op;
	int32_t		id;	/* the simulator's socket id */
	int64_t		a, b, c;
	int64_t		rv;	/* reply: result, or -errno */
	uint64_t	now;	/* reply: simulated time, ns */
	uint64_t	epoch;	/* reply: how many times the process waited */
	uint32_t	len;	/* payload bytes */
	/*
	 * reply: a signal to deliver (SIGALRM of ITIMER_REAL) as the call
	 * returns; a wait it cut short has rv -EINTR and c its deadline.
	 */
	int32_t		sig;
};

enum { EXEC_TURN_PROC = 0, EXEC_TURN_SIM = 1 };

struct exec_shm {
	uint32_t	turn;		/* EXEC_TURN_*, atomically */
	uint32_t	sleeps[2];	/* by turn: that side sleeps in futex */
	uint32_t	posted;		/* bytes used in post[] */
	struct exec_msg	req, rep;
	/* The request's payload, then the reply's (the same bytes). */
	uint8_t		data[EXEC_MAXPAYLOAD];
	/* Posted messages: struct exec_msg and payload, 8-byte aligned. */
	uint8_t		post[EXEC_POSTMAX] __attribute__((aligned(8)));
};

/* A pause in a spin loop, kind to the other hardware thread. */
static inline void
exec_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

#endif /* DIVERTSIM_EXEC_PROTO_H */
