/*
 * pollcheck WAIT ACTION PORT SERVICE_NS: a divert program driven by
 * select(2) (WAIT "select") or poll(2) ("poll"): it waits until its socket
 * is readable, then reads with recvfrom(2) and writes the packet back.
 * The clock must move on by exactly the service time (-t) in the
 * recvfrom, no more, no less: else it exits with status 4.
 * ACTION: echo, or crash3 / exit3 / spin3: die of SIGABRT / exit with
 * status 3 / compute forever right after reading its 3rd packet.
 */
#include <err.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>

#include "divertsim/freebsd_divert.h"

static long long
now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		err(1, "clock_gettime");
	return ((long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	socklen_t sinlen;
	unsigned char buf[65535];
	volatile unsigned long spin = 0;
	const char *action;
	unsigned long n = 0;
	long long service, t0;
	ssize_t len;
	int fd;

	if (argc != 5)
		errx(2, "usage: pollcheck select|poll ACTION PORT SERVICE_NS");
	action = argv[2];
	service = atoll(argv[4]);
	fd = socket(PF_INET, SOCK_RAW, IPPROTO_DIVERT);
	if (fd == -1)
		err(1, "socket");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[3]));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind");
	for (;;) {
		if (strcmp(argv[1], "select") == 0) {
			fd_set rfds;

			FD_ZERO(&rfds);
			FD_SET(fd, &rfds);
			if (select(fd + 1, &rfds, NULL, NULL, NULL) != 1 ||
			    !FD_ISSET(fd, &rfds))
				err(1, "select");
		} else {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			if (poll(&pfd, 1, -1) != 1 || !(pfd.revents & POLLIN))
				err(1, "poll");
		}
		t0 = now_ns();
		sinlen = sizeof(sin);
		len = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&sin, &sinlen);
		if (len == -1)
			err(1, "recvfrom");
		if (now_ns() - t0 != service)
			errx(4, "recvfrom took %lld ns, not %lld",
			    now_ns() - t0, service);
		n++;
		if (n == 3 && strcmp(action, "crash3") == 0)
			abort();
		if (n == 3 && strcmp(action, "exit3") == 0)
			exit(3);
		if (n == 3 && strcmp(action, "spin3") == 0)
			for (;;)
				spin++;
		if (sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&sin,
		    sinlen) == -1)
			warn("sendto");
	}
}
