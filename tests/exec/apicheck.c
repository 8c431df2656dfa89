/*
 * apicheck PORT: exercises the calls the preload shim serves, with the
 * results FreeBSD gives (worked out from divert(4), ip_divert.c and the
 * socket layer), and exits 0 when every one held, else with the number of
 * the first that did not (and says which on stderr).  Run at time 0 by
 * apicheck.scn, which pings it once at 2s.
 */
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int step;

#define	CHECK(cond) do {						\
	step++;								\
	if (!(cond)) {							\
		fprintf(stderr, "apicheck: check %d failed: %s "	\
		    "(errno %d)\n", step, #cond, errno);		\
		exit(step);						\
	}								\
} while (0)

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin, from;
	struct timespec ts = { 1, 500000000 };
	struct timeval tv;
	struct pollfd pfd;
	struct msghdr mh;
	struct iovec iov;
	socklen_t len;
	unsigned char buf[2048];
	fd_set rfds;
	int fd, fd2, v, pfds[2];
	ssize_t n;

	if (argc != 2)
		return (100);
	/* socket(); an unbound socket's name has port 0. */
	fd = socket(PF_INET, SOCK_RAW, IPPROTO_DIVERT);
	CHECK(fd >= 0);
	len = sizeof(sin);
	CHECK(getsockname(fd, (struct sockaddr *)&sin, &len) == 0 &&
	    sin.sin_port == 0 && len == sizeof(sin));
	/* div_bind(): another family, another length. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET6;
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	CHECK(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno == EAFNOSUPPORT);
	sin.sin_family = AF_INET;
	CHECK(bind(fd, (struct sockaddr *)&sin, 8) == -1 && errno == EINVAL);
	/* bind, and the name says so. */
	CHECK(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	len = sizeof(from);
	CHECK(getsockname(fd, (struct sockaddr *)&from, &len) == 0 &&
	    from.sin_port == sin.sin_port && from.sin_family == AF_INET);
	/* one socket per port. */
	fd2 = socket(PF_INET, SOCK_RAW, IPPROTO_DIVERT);
	CHECK(fd2 >= 0 && bind(fd2, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1 && errno == EADDRINUSE);
	close(fd2);
	/* buffers: DIVRCVQ 65636 by default, 0 is EINVAL. */
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0 &&
	    v == 65636);
	v = 0;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == -1 &&
	    errno == EINVAL);
	v = 1;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &v, sizeof(v)) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_BROADCAST, &v, &len) == 0 &&
	    v == 1);
	/* non-blocking reads of an empty socket. */
	CHECK(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 &&
	    (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
	CHECK(recvfrom(fd, buf, sizeof(buf), 0, NULL, NULL) == -1 &&
	    errno == EAGAIN);
	CHECK(fcntl(fd, F_SETFL, 0) == 0 &&
	    recv(fd, buf, sizeof(buf), MSG_DONTWAIT) == -1 && errno == EAGAIN);
	/* the clock is the simulation's: 0 at the start, sleeps. */
	CHECK(mono_ms() == 0);
	CHECK(nanosleep(&ts, NULL) == 0 && mono_ms() == 1500);
	CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec == 1767225601 &&
	    tv.tv_usec == 500000 && time(NULL) == 1767225601);
	/* a poll timeout on a quiet socket is 100ms of simulated time. */
	pfd.fd = fd;
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 100) == 0 && mono_ms() == 1600);
	/* a ready real fd beside a divert socket: no wait at all. */
	CHECK(pipe(pfds) == 0 && write(pfds[1], "x", 1) == 1);
	FD_ZERO(&rfds);
	FD_SET(fd, &rfds);
	FD_SET(pfds[0], &rfds);
	tv.tv_sec = 5;
	tv.tv_usec = 0;
	CHECK(select((fd > pfds[0] ? fd : pfds[0]) + 1, &rfds, NULL, NULL,
	    &tv) == 1 && FD_ISSET(pfds[0], &rfds) && !FD_ISSET(fd, &rfds) &&
	    mono_ms() == 1600);
	/* the ping of 2s through recvmsg(): tag, address, name. */
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_name = &from;
	mh.msg_namelen = sizeof(from);
	n = recvmsg(fd, &mh, 0);
	CHECK(n == 84 && mh.msg_namelen == sizeof(from));
	CHECK(from.sin_port == 100 &&
	    from.sin_addr.s_addr == htonl(0x0a000002) &&
	    strcmp((char *)from.sin_zero, "em0") == 0);
	/* read at 2.001006880s, returned after -t 10us. */
	CHECK(mono_ms() == 2001);
	/* fewer than 20 bytes: EINVAL (div_send()). */
	CHECK(sendto(fd, buf, 10, 0, (struct sockaddr *)&from,
	    sizeof(from)) == -1 && errno == EINVAL);
	/* back with sendmsg() and the address read. */
	iov.iov_len = (size_t)n;
	CHECK(sendmsg(fd, &mh, 0) == n);
	CHECK(close(fd) == 0);
	return (0);
}
