/*
 * two_sockets PORT1 PORT2: one process, two divert sockets, driven by
 * select(2) as a FreeBSD daemon serving several ports is.  Whatever is
 * read on either port is written back on the same socket with the address
 * read (re-entry after the rule that diverted it).
 *
 *	cc -include divertsim/freebsd_divert.h -o two_sockets two_sockets.c
 */
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <err.h>
#include <stdlib.h>
#include <string.h>

static int
divert_open(const char *port)
{
	struct sockaddr_in sin;
	int fd;

	fd = socket(PF_INET, SOCK_RAW, IPPROTO_DIVERT);
	if (fd == -1)
		err(1, "socket");
	memset(&sin, 0, sizeof(sin));
#ifndef DIVERTSIM_NO_SIN_LEN
	sin.sin_len = sizeof(sin);
#endif
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(port));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind %s", port);
	return (fd);
}

static void
reinject(int fd)
{
	struct sockaddr_in sin;
	socklen_t sinlen = sizeof(sin);
	unsigned char buf[65535];
	ssize_t len;

	len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sin,
	    &sinlen);
	if (len == -1)
		err(1, "recvfrom");
	if (sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&sin,
	    sinlen) == -1)
		warn("sendto");
}

int
main(int argc, char *argv[])
{
	fd_set rfds;
	int fd[2], maxfd;

	if (argc != 3)
		errx(2, "usage: two_sockets PORT1 PORT2");
	fd[0] = divert_open(argv[1]);
	fd[1] = divert_open(argv[2]);
	maxfd = fd[0] > fd[1] ? fd[0] : fd[1];
	for (;;) {
		FD_ZERO(&rfds);
		FD_SET(fd[0], &rfds);
		FD_SET(fd[1], &rfds);
		if (select(maxfd + 1, &rfds, NULL, NULL, NULL) == -1)
			err(1, "select");
		for (int i = 0; i < 2; i++)
			if (FD_ISSET(fd[i], &rfds))
				reinject(fd[i]);
	}
}
