/*
 * drop_odd PORT: a divert program in the FreeBSD style that writes back
 * the 1st, 3rd, 5th ... packet it reads on divert port PORT and drops the
 * others.  Unchanged FreeBSD code except the sin_len line; on Linux build
 * it with
 *
 *	cc -include divertsim/freebsd_divert.h -o drop_odd drop_odd.c
 *
 * and run it from a scenario with `divert PORT exec drop_odd PORT`.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <err.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	socklen_t sinlen;
	unsigned char buf[65535];
	unsigned long n = 0;
	ssize_t len;
	int fd;

	if (argc != 2)
		errx(2, "usage: drop_odd PORT");
	fd = socket(PF_INET, SOCK_RAW, IPPROTO_DIVERT);
	if (fd == -1)
		err(1, "socket");
	memset(&sin, 0, sizeof(sin));
#ifndef DIVERTSIM_NO_SIN_LEN
	sin.sin_len = sizeof(sin);
#endif
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind");
	for (;;) {
		sinlen = sizeof(sin);
		len = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&sin, &sinlen);
		if (len == -1)
			err(1, "recvfrom");
		/* Written back with the address read: re-enters after the rule. */
		if (n++ % 2 == 0 &&
		    sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&sin,
		    sinlen) == -1)
			warn("sendto");
	}
}
