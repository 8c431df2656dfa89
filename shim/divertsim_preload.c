/*
 * libdivertsim_preload.so: loaded with LD_PRELOAD into a real program that
 * the simulator starts (`divert PORT exec PROGRAM ...`).  It serves the
 * program's divert sockets and its clock from the simulator, over the
 * control channel whose fd is in $DIVERTSIM_EXEC_FD, and passes every
 * other call to the C library.  Without that variable it does nothing.
 *
 * A divert socket is a real placeholder fd (an AF_UNIX datagram socket), so
 * fd numbers, close() and select()/poll() on mixed sets keep working; what
 * the program reads and writes through it goes to the simulator.  Time is
 * the simulation's: it stands still while the program computes, and a
 * sleep or a timeout is a wait in simulated time.
 *
 * Single-threaded programs only (one request at a time on the channel).
 * This library must not link the simulator: it is built on its own.
 */
/* fcntl() and fcntl64() are both defined here, under their own names. */
#undef	_FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include "exec/exec_proto.h"

/* The placeholder fds a divert socket can have (fds above are refused). */
#define	DFD_MAX		1024
/* FreeBSD's defaults: DIVRCVQ and DIVSNDQ, 65536 + 100 bytes. */
#define	DIV_SPACE	(65536 + 100)
/* gettimeofday()/CLOCK_REALTIME at simulated time 0: 2026-01-01 UTC. */
#define	SIM_EPOCH_S	1767225600ll
#define	NS_PER_S	1000000000ll

/*
 * A divert socket as the program holds it: what dup() shares (the open
 * file: its flags, its address), referenced by each fd that names it.
 */
struct dsock {
	int32_t		 id;		/* the simulator's socket id */
	int		 refs;		/* fds naming it (dup) */
	bool		 nonblock;
	uint16_t	 port;		/* bound port, host order */
	int		 rcvbuf, sndbuf, broadcast;
	/* The address of the packet last read, and whether a sendto back
	   to it is known to succeed until the process next waits. */
	struct sockaddr_in from;
	bool		 from_ok;
	uint64_t	 from_epoch;
};

static int ctl_fd = -1;			/* the channel's memfd; -1: inactive,
					   pass everything */
static pid_t sim_pid;			/* the simulator: our parent */
static struct exec_shm *shm;
static uint64_t sim_now_ns;		/* from the last reply */
static uint64_t cur_epoch;		/* from the last reply */
static bool release14;			/* the host's release, from HELLO */
static int64_t spin_ns = 0;		/* $DIVERTSIM_EXEC_SPIN_NS */
static bool no_posts;			/* $DIVERTSIM_EXEC_SYNC: every call
					   waits for its answer (a test) */
static struct dsock *dfds[DFD_MAX];
/* In a child the program forked: the divert fds it inherited. */
static bool orphan[DFD_MAX];
static struct exec_msg last_reply;
/*
 * The last wait's reply showed the next packet of the socket peek_id (0:
 * none) at EXEC_PEEK_OFF in shm->data: until the process next asks or
 * posts, a recvfrom on it is answered here and posted.
 */
static int32_t peek_id;
static int64_t peek_ok, peek_service;
/* The last reply carried a signal that cuts a blocking call short. */
static bool sig_interrupts, sig_restarts;

#define	REAL(name)	real_##name
#define	DEFINE_REAL(ret, name, args)					\
	static ret (*real_##name) args;					\
	static void resolve_##name(void)				\
	{								\
		if (real_##name == NULL)				\
			real_##name = (ret (*) args)dlsym(RTLD_NEXT, #name); \
	}

DEFINE_REAL(int, socket, (int, int, int))
DEFINE_REAL(int, bind, (int, const struct sockaddr *, socklen_t))
DEFINE_REAL(int, getsockname, (int, struct sockaddr *, socklen_t *))
DEFINE_REAL(ssize_t, recvfrom, (int, void *, size_t, int, struct sockaddr *,
    socklen_t *))
DEFINE_REAL(ssize_t, recv, (int, void *, size_t, int))
DEFINE_REAL(ssize_t, recvmsg, (int, struct msghdr *, int))
DEFINE_REAL(ssize_t, read, (int, void *, size_t))
DEFINE_REAL(ssize_t, sendto, (int, const void *, size_t, int,
    const struct sockaddr *, socklen_t))
DEFINE_REAL(ssize_t, send, (int, const void *, size_t, int))
DEFINE_REAL(ssize_t, sendmsg, (int, const struct msghdr *, int))
DEFINE_REAL(ssize_t, write, (int, const void *, size_t))
DEFINE_REAL(int, close, (int))
DEFINE_REAL(int, dup, (int))
DEFINE_REAL(int, dup2, (int, int))
DEFINE_REAL(int, dup3, (int, int, int))
DEFINE_REAL(int, setsockopt, (int, int, int, const void *, socklen_t))
DEFINE_REAL(int, getsockopt, (int, int, int, void *, socklen_t *))
DEFINE_REAL(int, fcntl, (int, int, ...))
DEFINE_REAL(int, ioctl, (int, unsigned long, ...))
DEFINE_REAL(int, poll, (struct pollfd *, nfds_t, int))
DEFINE_REAL(int, clock_gettime, (clockid_t, struct timespec *))
DEFINE_REAL(int, setitimer, (__itimer_which_t, const struct itimerval *,
    struct itimerval *))
DEFINE_REAL(int, getitimer, (__itimer_which_t, struct itimerval *))

/* ---- the channel ------------------------------------------------------ */

/* The simulator is gone: nothing may outlive it, our children included. */
static void
ctl_lost(void)
{
	kill(0, SIGKILL);
	_exit(125);
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	resolve_clock_gettime();
	(void)REAL(clock_gettime)(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec);
}

/* Hand the turn to the simulator, waking it if it sleeps. */
static void
hand_to_sim(void)
{
	__atomic_store_n(&shm->turn, EXEC_TURN_SIM, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&shm->sleeps[EXEC_TURN_SIM], __ATOMIC_SEQ_CST) != 0)
		(void)syscall(SYS_futex, &shm->turn, FUTEX_WAKE, 1, NULL, NULL,
		    0);
}

/*
 * Wait for the turn (the reply): spin a little if asked, then sleep in
 * FUTEX_WAIT on the turn word, which the simulator wakes.  A simulator
 * that died cannot wake us: PR_SET_PDEATHSIG kills us then, and a second
 * look at the parent each second covers a lost death signal.
 */
static void
await_turn(void)
{
	struct timespec second = { 1, 0 };
	uint64_t t0 = 0;
	unsigned i;

	for (i = 0; ; i++) {
		if (__atomic_load_n(&shm->turn, __ATOMIC_ACQUIRE) ==
		    EXEC_TURN_PROC)
			return;
		if (spin_ns <= 0)
			break;
		if (i == 0)
			t0 = mono_ns();
		else if (i % 64 == 63 && mono_ns() - t0 >= (uint64_t)spin_ns)
			break;
		exec_cpu_relax();
	}
	for (;;) {
		__atomic_store_n(&shm->sleeps[EXEC_TURN_PROC], 1,
		    __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&shm->turn, __ATOMIC_SEQ_CST) ==
		    EXEC_TURN_PROC) {
			__atomic_store_n(&shm->sleeps[EXEC_TURN_PROC], 0,
			    __ATOMIC_SEQ_CST);
			return;
		}
		/* Returns at once if the turn is no longer the simulator's. */
		if (syscall(SYS_futex, &shm->turn, FUTEX_WAIT, EXEC_TURN_SIM,
		    &second, NULL, 0) != 0 && errno == ETIMEDOUT &&
		    getppid() != sim_pid)
			ctl_lost();
	}
}

/*
 * The reply carries a signal (SIGALRM of ITIMER_REAL): deliver it as the
 * kernel would on the way out of the call, and say whether it cuts a
 * blocking call short: a caught, unmasked signal does; an ignored one is
 * not even sent; a masked one stays pending.
 */
static void
deliver(int sig, bool *interrupts, bool *restarts)
{
	struct sigaction sa;
	sigset_t mask;

	*interrupts = *restarts = false;
	if (sigaction(sig, NULL, &sa) != 0 ||
	    sigprocmask(SIG_BLOCK, NULL, &mask) != 0)
		return;
	if (!(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_IGN)
		return;
	if (!sigismember(&mask, sig) &&
	    ((sa.sa_flags & SA_SIGINFO) || sa.sa_handler != SIG_DFL)) {
		*interrupts = true;
		*restarts = (sa.sa_flags & SA_RESTART) != 0;
	}
	/* SIG_DFL: SIGALRM's default action ends the process, here. */
	(void)raise(sig);
}

/*
 * One request and its reply (in last_reply; its payload in shm->data,
 * *rlen bytes).  Returns the reply's rv; errno is preserved for the
 * caller.  The simulator takes what was posted first.
 */
static int64_t
rpc(struct exec_msg *m, const void *p1, size_t n1, const void *p2,
    size_t n2, uint32_t *rlen)
{
	static uint8_t keep[EXEC_MAXPAYLOAD];
	struct exec_msg r;
	bool intr = false, restart = false;
	int saved = errno;

	peek_id = 0;
	m->len = (uint32_t)(n1 + n2);
	if (n1 > 0)
		memcpy(shm->data, p1, n1);
	if (n2 > 0)
		memcpy(shm->data + n1, p2, n2);
	shm->req = *m;
	hand_to_sim();
	await_turn();
	r = shm->rep;
	if (r.len > EXEC_MAXPAYLOAD)
		ctl_lost();
	sim_now_ns = r.now;
	cur_epoch = r.epoch;
	if (r.sig != 0) {
		/*
		 * The handler runs here and may itself call the shim: what
		 * this reply brought is kept aside meanwhile.
		 */
		memcpy(keep, shm->data, r.len);
		deliver(r.sig, &intr, &restart);
		memcpy(shm->data, keep, r.len);
	}
	sig_interrupts = intr;
	sig_restarts = restart;
	last_reply = r;
	if (rlen != NULL)
		*rlen = r.len;
	errno = saved;
	return (r.rv);
}

static int
fail(int err)
{
	errno = err;
	return (-1);
}

static long
env_long(const char *name, long dflt)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return (dflt);
	n = strtol(v, &end, 10);
	return (*end == '\0' ? n : dflt);
}

__attribute__((constructor))
static void
shim_init(void)
{
	struct exec_msg m;
	long fd = env_long(EXEC_ENV_FD, -1);
	void *p;

	if (fd < 0)
		return;
	p = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED,
	    (int)fd, 0);
	if (p == MAP_FAILED)
		return;
	/*
	 * The variables stay: a program that execs (a wrapper script that
	 * ends in `exec python3 ...`) hands the channel on, and the new image
	 * says HELLO again.  fork() below cuts children off.
	 */
	shm = p;
	sim_pid = getppid();
	ctl_fd = (int)fd;
	spin_ns = env_long("DIVERTSIM_EXEC_SPIN_NS", spin_ns);
	no_posts = env_long("DIVERTSIM_EXEC_SYNC", 0) != 0;
	memset(&m, 0, sizeof(m));
	m.op = EXEC_HELLO;
	m.a = getpid();
	(void)rpc(&m, NULL, 0, NULL, 0, NULL);
	release14 = last_reply.a != 0;
}

/*
 * A child of the program is not simulated: it would share the channel.
 * It and what it execs run as ordinary processes (without divert
 * sockets); only the process the simulator started is served.
 */
pid_t
fork(void)
{
	static pid_t (*real_fork)(void);
	pid_t pid;

	if (real_fork == NULL)
		real_fork = (pid_t (*)(void))dlsym(RTLD_NEXT, "fork");
	pid = real_fork();
	if (pid == 0 && ctl_fd >= 0) {
		/*
		 * It dies with the program, which dies with the simulator:
		 * a simulator killed outright leaves neither behind.
		 */
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		(void)syscall(SYS_close, ctl_fd);
		(void)munmap(shm, sizeof(*shm));
		shm = NULL;
		ctl_fd = -1;
		unsetenv(EXEC_ENV_FD);
		for (int fd = 0; fd < DFD_MAX; fd++)
			orphan[fd] = dfds[fd] != NULL;
		memset(dfds, 0, sizeof(dfds));
	}
	return (pid);
}

/*
 * A divert fd inherited by a child of the program is not served (the
 * child runs outside the simulation): reading or writing it is EBADF,
 * said once on stderr, rather than a wait that never ends.
 */
static bool
orphaned(int fd)
{
	static bool told;

	if (fd < 0 || fd >= DFD_MAX || !orphan[fd])
		return (false);
	if (!told) {
		told = true;
		dprintf(STDERR_FILENO, "divertsim shim: pid %ld: a divert "
		    "socket is served only in the process the simulator "
		    "started, not in a child it forked: EBADF\n",
		    (long)getpid());
	}
	return (true);
}

static struct dsock *
dfd_of(int fd)
{
	if (ctl_fd < 0 || fd < 0 || fd >= DFD_MAX)
		return (NULL);
	return (dfds[fd]);
}

/* ---- sockets ------------------------------------------------------------ */

/* fd no longer names d: the socket closes with its last fd (soclose()). */
static void
dsock_unref(int fd)
{
	struct dsock *d = dfds[fd];
	struct exec_msg m;

	dfds[fd] = NULL;
	if (d == NULL || --d->refs > 0)
		return;
	memset(&m, 0, sizeof(m));
	m.op = EXEC_CLOSE;
	m.id = d->id;
	(void)rpc(&m, NULL, 0, NULL, 0, NULL);
	free(d);
}

int
socket(int domain, int type, int protocol)
{
	struct exec_msg m;
	struct dsock *d;
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int64_t rv;
	int fd;

	resolve_socket();
	/*
	 * Ours: socket(PF_INET, SOCK_RAW, IPPROTO_DIVERT) and anything in
	 * FreeBSD 14's PF_DIVERT (44, which is AF_XDP on Linux); the
	 * simulator answers as the host's release would.
	 */
	if (ctl_fd < 0 || !((domain == AF_INET && base == SOCK_RAW &&
	    protocol == EXEC_IPPROTO_DIVERT) || domain == EXEC_PF_DIVERT))
		return (REAL(socket)(domain, type, protocol));
	memset(&m, 0, sizeof(m));
	m.op = EXEC_SOCKET;
	m.a = domain;
	m.b = base;
	m.c = protocol;
	rv = rpc(&m, NULL, 0, NULL, 0, NULL);
	if (rv < 0)
		return (fail((int)-rv));
	fd = REAL(socket)(AF_UNIX, SOCK_DGRAM | (type & SOCK_CLOEXEC), 0);
	d = calloc(1, sizeof(*d));
	if (fd < 0 || fd >= DFD_MAX || d == NULL) {
		int err = fd < 0 ? errno : d == NULL ? ENOBUFS : EMFILE;

		if (fd >= 0) {
			resolve_close();
			REAL(close)(fd);
		}
		free(d);
		m.op = EXEC_CLOSE;
		m.id = (int32_t)rv;
		(void)rpc(&m, NULL, 0, NULL, 0, NULL);
		return (fail(err));
	}
	*d = (struct dsock){ .id = (int32_t)rv, .refs = 1,
	    .nonblock = (type & SOCK_NONBLOCK) != 0, .rcvbuf = DIV_SPACE,
	    .sndbuf = DIV_SPACE };
	dfds[fd] = d;
	return (fd);
}

int
bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct dsock *d = dfd_of(fd);
	struct sockaddr_in sin;
	struct exec_msg m;
	int64_t rv;

	resolve_bind();
	if (d == NULL)
		return (REAL(bind)(fd, addr, len));
	/* div_bind(): only AF_INET; in_pcbbind() wants a whole sockaddr_in. */
	if (addr == NULL)
		return (fail(EFAULT));
	if (len < sizeof(sa_family_t))
		return (fail(EINVAL));
	if (addr->sa_family != AF_INET)
		return (fail(EAFNOSUPPORT));
	if (len != sizeof(sin))
		return (fail(EINVAL));
	memcpy(&sin, addr, sizeof(sin));
	memset(&m, 0, sizeof(m));
	m.op = EXEC_BIND;
	m.id = d->id;
	m.a = ntohs(sin.sin_port);
	rv = rpc(&m, NULL, 0, NULL, 0, NULL);
	if (rv < 0)
		return (fail((int)-rv));
	d->port = ntohs(sin.sin_port);
	return (0);
}

int
getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct dsock *d = dfd_of(fd);
	struct sockaddr_in sin;

	resolve_getsockname();
	if (d == NULL)
		return (REAL(getsockname)(fd, addr, len));
	if (addr == NULL || len == NULL)
		return (fail(EFAULT));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(d->port);
	memcpy(addr, &sin, *len < sizeof(sin) ? *len : sizeof(sin));
	*len = sizeof(sin);
	return (0);
}

/*
 * recvfrom(2).  A SIGALRM that comes while it waits ends it with EINTR,
 * or restarts it when the handler has SA_RESTART (FreeBSD's sbwait()
 * returns ERESTART, which the system call layer turns into a restart).
 */
/*
 * A recvfrom of the packet the last wait showed: read it here and post
 * the call; the simulator reads the packet at this same instant and
 * holds the process for the service time before it takes anything the
 * process does next, so the process's clock moves on by that time now.
 * False when the post area is full (the call then asks).
 */
static bool
post_recv(struct dsock *d, size_t len)
{
	uint32_t off = __atomic_load_n(&shm->posted, __ATOMIC_RELAXED);
	size_t need = sizeof(struct exec_msg);
	struct exec_msg m;

	if (off > EXEC_POSTMAX || need > EXEC_POSTMAX - off)
		return (false);
	memset(&m, 0, sizeof(m));
	m.op = EXEC_RECV;
	m.id = d->id;
	m.b = (int64_t)len;
	m.rv = (int64_t)len;
	memcpy(shm->post + off, &m, sizeof(m));
	__atomic_store_n(&shm->posted, off + (uint32_t)need, __ATOMIC_RELEASE);
	peek_id = 0;
	sim_now_ns += (uint64_t)peek_service;
	if (peek_service > 0)
		cur_epoch++;
	d->from_ok = peek_ok != 0;
	d->from_epoch = cur_epoch;
	return (true);
}

static ssize_t
div_recv(struct dsock *d, void *buf, size_t len, int flags,
    struct sockaddr *from, socklen_t *fromlen)
{
	struct exec_msg m;
	uint32_t rlen;
	int64_t rv;
	size_t n;

	if (peek_id != 0 && peek_id == d->id && !no_posts) {
		const uint8_t *p = shm->data + EXEC_PEEK_OFF;
		size_t plen = last_reply.len - EXEC_PEEK_OFF -
		    sizeof(struct sockaddr_in);

		/* A raw socket truncates to the buffer, as the simulator's
		   recvfrom does. */
		n = plen < len ? plen : len;
		memcpy(&d->from, p, sizeof(d->from));
		memcpy(buf, p + sizeof(struct sockaddr_in), n);
		if (post_recv(d, n)) {
			if (from != NULL && fromlen != NULL) {
				memcpy(from, p, *fromlen <
				    sizeof(struct sockaddr_in) ? *fromlen :
				    sizeof(struct sockaddr_in));
				*fromlen = sizeof(struct sockaddr_in);
			}
			return ((ssize_t)n);
		}
	}
	for (;;) {
		memset(&m, 0, sizeof(m));
		m.op = EXEC_RECV;
		m.id = d->id;
		m.a = d->nonblock || (flags & MSG_DONTWAIT) != 0;
		m.b = (int64_t)len;
		rv = rpc(&m, NULL, 0, NULL, 0, &rlen);
		if (rv != -EINTR || (sig_interrupts && !sig_restarts))
			break;
	}
	if (rv < 0)
		return (fail((int)-rv));
	n = rlen - sizeof(struct sockaddr_in);
	memcpy(buf, shm->data + sizeof(struct sockaddr_in), n);
	memcpy(&d->from, shm->data, sizeof(d->from));
	d->from_ok = last_reply.a != 0;
	d->from_epoch = last_reply.epoch;
	if (from != NULL && fromlen != NULL) {
		memcpy(from, shm->data, *fromlen < sizeof(struct sockaddr_in) ?
		    *fromlen : sizeof(struct sockaddr_in));
		*fromlen = sizeof(struct sockaddr_in);
	}
	return ((ssize_t)n);
}

ssize_t
recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlen)
{
	struct dsock *d = dfd_of(fd);

	resolve_recvfrom();
	if (d == NULL && orphaned(fd))
		return (fail(EBADF));
	if (d == NULL)
		return (REAL(recvfrom)(fd, buf, len, flags, from, fromlen));
	return (div_recv(d, buf, len, flags, from, fromlen));
}

ssize_t
recv(int fd, void *buf, size_t len, int flags)
{
	struct dsock *d = dfd_of(fd);

	resolve_recv();
	if (d == NULL && orphaned(fd))
		return (fail(EBADF));
	if (d == NULL)
		return (REAL(recv)(fd, buf, len, flags));
	return (div_recv(d, buf, len, flags, NULL, NULL));
}

ssize_t
read(int fd, void *buf, size_t len)
{
	struct dsock *d = dfd_of(fd);

	resolve_read();
	if (d == NULL && orphaned(fd))
		return (fail(EBADF));
	if (d == NULL)
		return (REAL(read)(fd, buf, len));
	return (div_recv(d, buf, len, 0, NULL, NULL));
}

ssize_t
recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct dsock *d = dfd_of(fd);
	static uint8_t tmp[EXEC_MAXPAYLOAD];
	socklen_t fl;
	size_t total = 0, off = 0;
	ssize_t n;

	resolve_recvmsg();
	if (d == NULL && orphaned(fd))
		return (fail(EBADF));
	if (d == NULL)
		return (REAL(recvmsg)(fd, msg, flags));
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		total += msg->msg_iov[i].iov_len;
	fl = msg->msg_namelen;
	n = div_recv(d, tmp, total < sizeof(tmp) ? total : sizeof(tmp), flags,
	    msg->msg_name, msg->msg_name != NULL ? &fl : NULL);
	if (n < 0)
		return (n);
	for (size_t i = 0; i < msg->msg_iovlen && off < (size_t)n; i++) {
		size_t k = msg->msg_iov[i].iov_len;

		if (k > (size_t)n - off)
			k = (size_t)n - off;
		memcpy(msg->msg_iov[i].iov_base, tmp + off, k);
		off += k;
	}
	if (msg->msg_name != NULL)
		msg->msg_namelen = fl;
	msg->msg_controllen = 0;
	msg->msg_flags = 0;
	return (n);
}

/*
 * Is this sendto's result known without asking?  Only for a write back
 * to the address of the packet last read (not 0.0.0.0), which the
 * simulator said passes div_output()'s address tests, before the process
 * waited again: then div_output() queues it for ip_input() and returns
 * success, unless a test on the call itself fails, and those are checked
 * here (the header length; on release 14 the family, FreeBSD 14's
 * div_output()/div_send() EAFNOSUPPORT, and the IP version).
 */
static bool
send_known(const struct dsock *d, const void *buf, size_t len,
    const struct sockaddr_in *sin, socklen_t tolen)
{
	if (no_posts || !d->from_ok || d->from_epoch != cur_epoch ||
	    sin == NULL || tolen != sizeof(*sin) || len < 20 || len > 65535)
		return (false);
	if (sin->sin_addr.s_addr != d->from.sin_addr.s_addr ||
	    memcmp(sin->sin_zero, d->from.sin_zero, sizeof(sin->sin_zero)) != 0)
		return (false);
	if (release14 && (sin->sin_family != AF_INET ||
	    (((const uint8_t *)buf)[0] >> 4) != 4))
		return (false);
	return (true);
}

/*
 * Post the sendto (no reply awaited): the simulator takes it, at this
 * same simulated instant, before anything else the process asks.  False
 * when the post area is full (the call then asks, which empties it).
 */
static bool
post_send(const struct dsock *d, const void *buf, size_t len,
    const struct sockaddr_in *sin, socklen_t tolen)
{
	uint32_t off = __atomic_load_n(&shm->posted, __ATOMIC_RELAXED);
	size_t need = (sizeof(struct exec_msg) + sizeof(*sin) + len + 7) &
	    ~(size_t)7;
	struct exec_msg m;

	if (off > EXEC_POSTMAX || need > EXEC_POSTMAX - off)
		return (false);
	peek_id = 0;
	memset(&m, 0, sizeof(m));
	m.op = EXEC_SEND;
	m.id = d->id;
	m.a = tolen;
	m.rv = (int64_t)len;
	m.len = (uint32_t)(sizeof(*sin) + len);
	memcpy(shm->post + off, &m, sizeof(m));
	memcpy(shm->post + off + sizeof(m), sin, sizeof(*sin));
	memcpy(shm->post + off + sizeof(m) + sizeof(*sin), buf, len);
	/* Complete before it counts: a process killed now leaves it whole. */
	__atomic_store_n(&shm->posted, off + (uint32_t)need, __ATOMIC_RELEASE);
	return (true);
}

static ssize_t
div_send(struct dsock *d, const void *buf, size_t len,
    const struct sockaddr *to, socklen_t tolen)
{
	struct sockaddr_in sin;
	struct exec_msg m;
	int64_t rv;

	if (len > 65535)
		return (fail(EMSGSIZE));
	memset(&sin, 0, sizeof(sin));
	if (to != NULL)
		memcpy(&sin, to, tolen < sizeof(sin) ? tolen : sizeof(sin));
	if (to != NULL && send_known(d, buf, len, &sin, tolen) &&
	    post_send(d, buf, len, &sin, tolen))
		return ((ssize_t)len);
	memset(&m, 0, sizeof(m));
	m.op = EXEC_SEND;
	m.id = d->id;
	m.a = to != NULL ? (int64_t)tolen : 0;
	rv = rpc(&m, &sin, sizeof(sin), buf, len, NULL);
	if (rv < 0)
		return (fail((int)-rv));
	return ((ssize_t)rv);
}

ssize_t
sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	struct dsock *d = dfd_of(fd);

	resolve_sendto();
	if (d == NULL && orphaned(fd))
		return (fail(EBADF));
	if (d == NULL)
		return (REAL(sendto)(fd, buf, len, flags, to, tolen));
	return (div_send(d, buf, len, to, tolen));
}

ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	struct dsock *d = dfd_of(fd);

	resolve_send();
	if (d == NULL && orphaned(fd))
		return (fail(EBADF));
	if (d == NULL)
		return (REAL(send)(fd, buf, len, flags));
	return (div_send(d, buf, len, NULL, 0));
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	struct dsock *d = dfd_of(fd);

	resolve_write();
	if (d == NULL && orphaned(fd))
		return (fail(EBADF));
	if (d == NULL)
		return (REAL(write)(fd, buf, len));
	return (div_send(d, buf, len, NULL, 0));
}

ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct dsock *d = dfd_of(fd);
	static uint8_t tmp[65536];
	size_t off = 0;

	resolve_sendmsg();
	if (d == NULL && orphaned(fd))
		return (fail(EBADF));
	if (d == NULL)
		return (REAL(sendmsg)(fd, msg, flags));
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		if (msg->msg_iov[i].iov_len > sizeof(tmp) - off)
			return (fail(EMSGSIZE));
		memcpy(tmp + off, msg->msg_iov[i].iov_base,
		    msg->msg_iov[i].iov_len);
		off += msg->msg_iov[i].iov_len;
	}
	return (div_send(d, tmp, off, msg->msg_name, msg->msg_namelen));
}

int
close(int fd)
{
	resolve_close();
	/* The channel is not the program's to close. */
	if (ctl_fd >= 0 && fd == ctl_fd)
		return (fail(EBADF));
	if (dfd_of(fd) != NULL)
		dsock_unref(fd);
	if (fd >= 0 && fd < DFD_MAX)
		orphan[fd] = false;
	return (REAL(close)(fd));
}

/*
 * dup(2) family: the copy names the same divert socket (one open file:
 * O_NONBLOCK and the port are shared), which closes with its last fd.
 * A copy that lands above the fds the shim tracks is refused (EMFILE).
 */
static int
dup_track(int oldfd, int newfd)
{
	struct dsock *d = dfd_of(oldfd);

	if (newfd < 0 || d == NULL)
		return (newfd);
	if (newfd >= DFD_MAX) {
		resolve_close();
		REAL(close)(newfd);
		return (fail(EMFILE));
	}
	d->refs++;
	dfds[newfd] = d;
	return (newfd);
}

int
dup(int fd)
{
	resolve_dup();
	return (dup_track(fd, REAL(dup)(fd)));
}

static int
dup2_common(int oldfd, int newfd, int flags, bool three)
{
	int r;

	resolve_dup2();
	resolve_dup3();
	if (ctl_fd >= 0 && newfd == ctl_fd)
		return (fail(EBADF));
	if (oldfd == newfd && !three)
		return (REAL(dup2)(oldfd, newfd));
	r = three ? REAL(dup3)(oldfd, newfd, flags) :
	    REAL(dup2)(oldfd, newfd);
	if (r < 0)
		return (r);
	/* newfd was closed first, as close() would: maybe a divert fd. */
	if (dfd_of(newfd) != NULL)
		dsock_unref(newfd);
	return (dup_track(oldfd, r));
}

int
dup2(int oldfd, int newfd)
{
	return (dup2_common(oldfd, newfd, 0, false));
}

int
dup3(int oldfd, int newfd, int flags)
{
	return (dup2_common(oldfd, newfd, flags, true));
}

int
setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct dsock *d = dfd_of(fd);
	struct exec_msg m;
	int v;

	resolve_setsockopt();
	if (d == NULL)
		return (REAL(setsockopt)(fd, level, name, val, len));
	if (level != SOL_SOCKET)
		return (0);	/* ip_ctloutput(): accepted, no effect here */
	if (val == NULL || len < sizeof(int))
		return (fail(EINVAL));
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case SO_RCVBUF:
	case SO_SNDBUF:
		/* sosetopt(): a size below 1 is EINVAL. */
		if (v < 1)
			return (fail(EINVAL));
		if (name == SO_SNDBUF) {
			d->sndbuf = v;
			return (0);
		}
		memset(&m, 0, sizeof(m));
		m.op = EXEC_SETRCVBUF;
		m.id = d->id;
		m.a = v;
		if (rpc(&m, NULL, 0, NULL, 0, NULL) < 0)
			return (fail(ENOBUFS));
		d->rcvbuf = v;
		return (0);
	case SO_BROADCAST:
		/* Stored and reported; divert(4) never looks at it. */
		d->broadcast = v != 0;
		return (0);
	default:
		return (0);
	}
}

int
getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct dsock *d = dfd_of(fd);
	int v;

	resolve_getsockopt();
	if (d == NULL)
		return (REAL(getsockopt)(fd, level, name, val, len));
	if (val == NULL || len == NULL || *len < sizeof(int))
		return (fail(EINVAL));
	if (level != SOL_SOCKET)
		return (fail(ENOPROTOOPT));
	switch (name) {
	case SO_RCVBUF:	v = d->rcvbuf; break;
	case SO_SNDBUF:	v = d->sndbuf; break;
	case SO_BROADCAST: v = d->broadcast; break;
	case SO_TYPE:	v = SOCK_RAW; break;
	case SO_ERROR:	v = 0; break;
	case SO_PROTOCOL: v = EXEC_IPPROTO_DIVERT; break;
	case SO_DOMAIN:	v = AF_INET; break;
	default:	return (fail(ENOPROTOOPT));
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return (0);
}

static int
shim_fcntl(int fd, int cmd, long arg)
{
	struct dsock *d = dfd_of(fd);

	resolve_fcntl();
	if (d != NULL && cmd == F_GETFL)
		return (O_RDWR | (d->nonblock ? O_NONBLOCK : 0));
	if (d != NULL && cmd == F_SETFL) {
		d->nonblock = (arg & O_NONBLOCK) != 0;
		return (0);
	}
	if (d != NULL && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		return (dup_track(fd, REAL(fcntl)(fd, cmd, arg)));
	return (REAL(fcntl)(fd, cmd, arg));
}

int
fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return (shim_fcntl(fd, cmd, arg));
}

/* What a program built with _FILE_OFFSET_BITS=64 calls (CPython does). */
int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));

int
ioctl(int fd, unsigned long req, ...)
{
	struct dsock *d = dfd_of(fd);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	resolve_ioctl();
	if (d != NULL && req == FIONBIO && arg != NULL) {
		d->nonblock = *(int *)arg != 0;
		return (0);
	}
	return (REAL(ioctl)(fd, req, arg));
}

/* ---- waiting: poll, select, sleeps ------------------------------------- */

/*
 * Wait in simulated time until one of the divert sockets ids[] is readable
 * or until deadline (ns, -1: none).  ready[i] tells which.  -1 with EINTR
 * when a caught signal (SIGALRM) cut it short: poll, select and the
 * sleeps end so whatever SA_RESTART says, as FreeBSD's kern_poll(),
 * kern_select() and kern_clock_nanosleep() turn ERESTART into EINTR.
 */
static int
sim_wait(const int32_t *ids, unsigned n, int64_t deadline, uint8_t *ready)
{
	struct exec_msg m;
	uint32_t rlen;
	int64_t rv;

	do {
		memset(&m, 0, sizeof(m));
		m.op = EXEC_WAIT;
		m.a = deadline;
		rv = rpc(&m, ids, n * sizeof(*ids), NULL, 0, &rlen);
	} while (rv == -EINTR && !sig_interrupts);
	if (rv < 0)
		return (fail((int)-rv));
	if (ready != NULL)
		memcpy(ready, shm->data, rlen < n ? rlen : n);
	if (rv > 0 && last_reply.sig == 0 && last_reply.a > 0 &&
	    rlen >= EXEC_PEEK_OFF +
	    sizeof(struct sockaddr_in)) {
		peek_id = (int32_t)last_reply.a;
		peek_ok = last_reply.b;
		peek_service = last_reply.c;
	}
	return ((int)rv);
}

static int64_t
deadline_after(int64_t ns)
{
	return (ns < 0 ? -1 : (int64_t)sim_now_ns + ns);
}

/*
 * poll() over divert sockets and real fds.  Real fds are looked at without
 * waiting, before and after the simulated wait: the real world does not
 * wake a program under simulation (only its divert sockets and its
 * timeout do), except when it polls real fds alone with no timeout.
 */
static int
mixed_poll(struct pollfd *fds, nfds_t nfds, int64_t timeout_ns)
{
	int32_t ids[EXEC_MAXWAIT];
	unsigned idx[EXEC_MAXWAIT];
	uint8_t ready[EXEC_MAXWAIT];
	unsigned nd = 0, nreal = 0;
	bool writable = false;
	int got = 0;

	resolve_poll();
	for (nfds_t i = 0; i < nfds; i++) {
		struct dsock *d = dfd_of(fds[i].fd);

		fds[i].revents = 0;
		if (d == NULL) {
			if (fds[i].fd >= 0)
				nreal++;
			continue;
		}
		/* A divert socket can always be written: no wait for that. */
		if (fds[i].events & (POLLOUT | POLLWRNORM))
			writable = true;
		if (nd == EXEC_MAXWAIT)
			return (fail(EINVAL));
		idx[nd] = (unsigned)i;
		ids[nd++] = d->id;
	}
	if (nd == 0 && nreal > 0 && timeout_ns < 0)
		return (REAL(poll)(fds, nfds, -1));
	/* Real fds first, without waiting. */
	if (nreal > 0) {
		for (nfds_t i = 0; i < nfds; i++)
			if (dfd_of(fds[i].fd) != NULL)
				fds[i].fd = ~fds[i].fd;	/* poll skips < 0 */
		got = REAL(poll)(fds, nfds, 0);
		for (nfds_t i = 0; i < nfds; i++)
			if (fds[i].fd < 0 && dfd_of(~fds[i].fd) != NULL)
				fds[i].fd = ~fds[i].fd;
		if (got < 0)
			return (got);
	}
	memset(ready, 0, sizeof(ready));
	if (sim_wait(ids, nd, got > 0 || writable ? (int64_t)sim_now_ns :
	    deadline_after(timeout_ns), ready) < 0)
		return (-1);
	for (unsigned k = 0; k < nd; k++) {
		struct pollfd *p = &fds[idx[k]];

		p->revents = (short)(((ready[k] ? POLLIN | POLLRDNORM : 0) |
		    POLLOUT | POLLWRNORM) & p->events);
		if (p->revents != 0)
			got++;
	}
	if (got == 0 && nreal > 0) {
		for (nfds_t i = 0; i < nfds; i++)
			if (dfd_of(fds[i].fd) != NULL)
				fds[i].fd = ~fds[i].fd;
		got = REAL(poll)(fds, nfds, 0);
		for (nfds_t i = 0; i < nfds; i++)
			if (fds[i].fd < 0 && dfd_of(~fds[i].fd) != NULL)
				fds[i].fd = ~fds[i].fd;
	}
	return (got);
}

int
poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	resolve_poll();
	if (ctl_fd < 0)
		return (REAL(poll)(fds, nfds, timeout));
	return (mixed_poll(fds, nfds, timeout < 0 ? -1 :
	    (int64_t)timeout * 1000000));
}

/*
 * ppoll() and pselect(): their mask holds for the wait, as the kernel
 * sets it, so a SIGALRM it lets through interrupts them (the shim waits
 * and delivers within it); the old mask is back after.
 */
static void
mask_enter(const sigset_t *mask, sigset_t *old)
{
	if (mask != NULL)
		(void)sigprocmask(SIG_SETMASK, mask, old);
}

static int
mask_leave(const sigset_t *mask, const sigset_t *old, int r)
{
	int err = errno;

	if (mask != NULL)
		(void)sigprocmask(SIG_SETMASK, old, NULL);
	errno = err;
	return (r);
}

int
ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *ts,
    const sigset_t *mask)
{
	sigset_t old;

	if (ctl_fd < 0)
		return ((int)syscall(SYS_ppoll, fds, nfds, ts, mask,
		    _NSIG / 8));
	mask_enter(mask, &old);
	return (mask_leave(mask, &old, mixed_poll(fds, nfds, ts == NULL ? -1 :
	    (int64_t)ts->tv_sec * NS_PER_S + ts->tv_nsec)));
}

/* select() as a poll() over the same fds. */
static int
mixed_select(int nfds, fd_set *r, fd_set *w, fd_set *e, int64_t timeout_ns)
{
	struct pollfd pf[FD_SETSIZE];
	nfds_t n = 0;
	int got;

	if (nfds < 0 || nfds > FD_SETSIZE)
		return (fail(EINVAL));
	for (int fd = 0; fd < nfds; fd++) {
		short ev = 0;

		if (r != NULL && FD_ISSET(fd, r))
			ev |= POLLIN;
		if (w != NULL && FD_ISSET(fd, w))
			ev |= POLLOUT;
		if (e != NULL && FD_ISSET(fd, e))
			ev |= POLLPRI;
		if (ev != 0)
			pf[n++] = (struct pollfd){ .fd = fd, .events = ev };
	}
	got = mixed_poll(pf, n, timeout_ns);
	if (got < 0)
		return (got);
	if (r != NULL)
		FD_ZERO(r);
	if (w != NULL)
		FD_ZERO(w);
	if (e != NULL)
		FD_ZERO(e);
	got = 0;
	for (nfds_t i = 0; i < n; i++) {
		if (r != NULL && (pf[i].revents & (POLLIN | POLLHUP | POLLERR))
		    && (pf[i].events & POLLIN)) {
			FD_SET(pf[i].fd, r);
			got++;
		}
		if (w != NULL && (pf[i].revents & POLLOUT)) {
			FD_SET(pf[i].fd, w);
			got++;
		}
		if (e != NULL && (pf[i].revents & POLLPRI)) {
			FD_SET(pf[i].fd, e);
			got++;
		}
	}
	return (got);
}

int
select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	if (ctl_fd < 0)
		return ((int)syscall(SYS_select, nfds, r, w, e, tv));
	return (mixed_select(nfds, r, w, e, tv == NULL ? -1 :
	    (int64_t)tv->tv_sec * NS_PER_S + (int64_t)tv->tv_usec * 1000));
}

int
pselect(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timespec *ts,
    const sigset_t *mask)
{
	sigset_t old;

	if (ctl_fd < 0) {
		struct { const sigset_t *ss; size_t len; } sm = { mask,
		    _NSIG / 8 };
		struct timespec t, *tp = NULL;

		if (ts != NULL) {
			t = *ts;
			tp = &t;
		}
		return ((int)syscall(SYS_pselect6, nfds, r, w, e, tp,
		    mask != NULL ? &sm : NULL));
	}
	mask_enter(mask, &old);
	return (mask_leave(mask, &old, mixed_select(nfds, r, w, e, ts == NULL ?
	    -1 : (int64_t)ts->tv_sec * NS_PER_S + ts->tv_nsec)));
}

/*
 * Sleep ns of simulated time.  0, or -1 with EINTR and *left the time
 * that was left when a caught signal cut it short.
 */
static int
sim_sleep_ns(int64_t ns, int64_t *left)
{
	int64_t deadline = deadline_after(ns < 0 ? 0 : ns);

	if (left != NULL)
		*left = 0;
	if (sim_wait(NULL, 0, deadline, NULL) == 0)
		return (0);
	if (left != NULL && deadline > (int64_t)sim_now_ns)
		*left = deadline - (int64_t)sim_now_ns;
	return (-1);
}

int
nanosleep(const struct timespec *req, struct timespec *rem)
{
	int64_t left;

	if (ctl_fd < 0)
		return ((int)syscall(SYS_nanosleep, req, rem));
	if (req == NULL)
		return (fail(EFAULT));
	if (req->tv_nsec < 0 || req->tv_nsec >= NS_PER_S || req->tv_sec < 0)
		return (fail(EINVAL));
	if (sim_sleep_ns((int64_t)req->tv_sec * NS_PER_S + req->tv_nsec,
	    &left) == 0) {
		if (rem != NULL)
			*rem = (struct timespec){ 0, 0 };
		return (0);
	}
	if (rem != NULL)
		*rem = (struct timespec){ left / NS_PER_S, left % NS_PER_S };
	return (-1);
}

int
clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
    struct timespec *rem)
{
	int64_t ns, left;

	if (ctl_fd < 0)
		return ((int)syscall(SYS_clock_nanosleep, clk, flags, req,
		    rem) < 0 ? errno : 0);
	if (req == NULL)
		return (EFAULT);
	if (req->tv_nsec < 0 || req->tv_nsec >= NS_PER_S || req->tv_sec < 0)
		return (EINVAL);
	ns = (int64_t)req->tv_sec * NS_PER_S + req->tv_nsec;
	if (flags & TIMER_ABSTIME) {
		if (clk == CLOCK_REALTIME)
			ns -= SIM_EPOCH_S * NS_PER_S;
		ns -= (int64_t)sim_now_ns;
	}
	if (sim_sleep_ns(ns, &left) == 0)
		return (0);
	/* An absolute sleep leaves nothing to report. */
	if (rem != NULL && !(flags & TIMER_ABSTIME))
		*rem = (struct timespec){ left / NS_PER_S, left % NS_PER_S };
	return (EINTR);
}

int
usleep(useconds_t us)
{
	if (ctl_fd < 0) {
		struct timespec t = { us / 1000000, (long)(us % 1000000) * 1000 };

		return ((int)syscall(SYS_nanosleep, &t, NULL));
	}
	return (sim_sleep_ns((int64_t)us * 1000, NULL));
}

/* FreeBSD's sleep(3): what was left, rounded up to the second. */
unsigned
sleep(unsigned s)
{
	int64_t left;

	if (ctl_fd < 0) {
		struct timespec t = { s, 0 };

		(void)syscall(SYS_nanosleep, &t, &t);
		return ((unsigned)t.tv_sec);
	}
	if (sim_sleep_ns((int64_t)s * NS_PER_S, &left) == 0)
		return (0);
	return ((unsigned)((left + NS_PER_S - 1) / NS_PER_S));
}

/* pause(2): until a caught signal, in simulated time. */
int
pause(void)
{
	if (ctl_fd < 0)
		return ((int)syscall(SYS_pause));
	for (;;)
		if (sim_wait(NULL, 0, -1, NULL) < 0)
			return (-1);
}

/* ---- ITIMER_REAL: setitimer, getitimer, alarm ---------------------------- */

static int64_t
tv_ns(const struct timeval *tv)
{
	return ((int64_t)tv->tv_sec * NS_PER_S + (int64_t)tv->tv_usec * 1000);
}

static struct timeval
ns_tv(int64_t ns)
{
	/* As FreeBSD's getitimer() reports it: whole microseconds. */
	return ((struct timeval){ ns / NS_PER_S, (ns % NS_PER_S) / 1000 });
}

/* itimerfix(): seconds not negative, microseconds below a second. */
static bool
itimer_valid(const struct timeval *tv)
{
	return (tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000);
}

/*
 * ITIMER_REAL counts simulated time and its SIGALRM comes at the
 * simulated instant (FreeBSD's realitexpire()); ITIMER_VIRTUAL and
 * ITIMER_PROF count the real process's CPU time and stay the system's.
 */
int
setitimer(__itimer_which_t which, const struct itimerval *nv,
    struct itimerval *ov)
{
	struct exec_msg m;
	int64_t rv;

	resolve_setitimer();
	if (ctl_fd < 0 || which != ITIMER_REAL)
		return (REAL(setitimer)(which, nv, ov));
	if (nv == NULL)
		return (fail(EFAULT));
	if (!itimer_valid(&nv->it_value) || !itimer_valid(&nv->it_interval))
		return (fail(EINVAL));
	memset(&m, 0, sizeof(m));
	m.op = EXEC_SETITIMER;
	m.a = tv_ns(&nv->it_value);
	m.b = m.a == 0 ? 0 : tv_ns(&nv->it_interval);
	rv = rpc(&m, NULL, 0, NULL, 0, NULL);
	if (rv < 0)
		return (fail((int)-rv));
	if (ov != NULL) {
		ov->it_value = ns_tv(last_reply.a);
		ov->it_interval = ns_tv(last_reply.b);
	}
	return (0);
}

int
getitimer(__itimer_which_t which, struct itimerval *cv)
{
	struct exec_msg m;

	resolve_getitimer();
	if (ctl_fd < 0 || which != ITIMER_REAL)
		return (REAL(getitimer)(which, cv));
	if (cv == NULL)
		return (fail(EFAULT));
	memset(&m, 0, sizeof(m));
	m.op = EXEC_GETITIMER;
	(void)rpc(&m, NULL, 0, NULL, 0, NULL);
	cv->it_value = ns_tv(last_reply.a);
	cv->it_interval = ns_tv(last_reply.b);
	return (0);
}

/* FreeBSD's alarm(3): the seconds that were left, a fraction as one. */
unsigned
alarm(unsigned s)
{
	struct itimerval nv = { { 0, 0 }, { (time_t)s, 0 } }, ov;

	if (ctl_fd < 0)
		return ((unsigned)syscall(SYS_alarm, s));
	if (setitimer(ITIMER_REAL, &nv, &ov) != 0)
		return ((unsigned)-1);
	return ((unsigned)ov.it_value.tv_sec + (ov.it_value.tv_usec != 0));
}

/* ---- the clock ------------------------------------------------------------ */

int
clock_gettime(clockid_t clk, struct timespec *ts)
{
	int64_t ns;

	resolve_clock_gettime();
	if (ctl_fd < 0)
		return (REAL(clock_gettime)(clk, ts));
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		ns = (int64_t)sim_now_ns + SIM_EPOCH_S * NS_PER_S;
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		ns = (int64_t)sim_now_ns;
		break;
	default:	/* CPU-time clocks are the real process's */
		return (REAL(clock_gettime)(clk, ts));
	}
	ts->tv_sec = ns / NS_PER_S;
	ts->tv_nsec = ns % NS_PER_S;
	return (0);
}

int
gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;

	if (tz != NULL)
		memset(tz, 0, 2 * sizeof(int));	/* struct timezone */
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return (0);
}

time_t
time(time_t *t)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	if (t != NULL)
		*t = ts.tv_sec;
	return (ts.tv_sec);
}
