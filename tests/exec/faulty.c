/*
 * faulty MODE PORT: a divert program that misbehaves on purpose, for the
 * fault and release tests of `divert PORT exec`.  It reinjects what it
 * reads (sendto with the address read) unless MODE says otherwise:
 *
 *   crash3    dies of SIGSEGV when reading the 3rd packet
 *   exit5     exit(3) when reading the 5th packet
 *   noread    binds and never reads (sleeps in simulated time)
 *   spin      reads one packet, then computes forever without blocking
 *   pollspin  reads one packet, then polls with a zero timeout forever
 *   close2    closes its socket after the 2nd packet, then sleeps
 *   pfdivert  opens socket(PF_DIVERT, SOCK_RAW, 0) (FreeBSD 14 only);
 *             on failure exits with 10 + errno's index below
 *   family0   writes back with sin_family = 0
 *   family0short  the same with an address length of 8
 *   flood     writes each packet back 2000 times (more than the shim's
 *             room for posted writes holds)
 *   pidfile=F writes its pid to F, then as noread
 *   forkspin=F forks a child that writes its pid to F and waits for
 *             ever (outside the simulation), then as spin
 *
 * Errors of socket()/bind() are printed and end it with status 1.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <err.h>
#include <poll.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	socklen_t sinlen;
	unsigned char buf[65535];
	const char *mode;
	unsigned long n = 0;
	volatile unsigned long spin = 0;
	ssize_t len;
	int fd;

	if (argc != 3)
		errx(2, "usage: faulty MODE PORT");
	mode = argv[1];
	if (strcmp(mode, "pfdivert") == 0) {
		fd = socket(PF_DIVERT, SOCK_RAW, 0);
		if (fd == -1) {
			warn("socket(PF_DIVERT)");
			exit(errno == EPROTONOSUPPORT ? 11 :
			    errno == EAFNOSUPPORT ? 12 : 19);
		}
	} else {
		fd = socket(PF_INET, SOCK_RAW, IPPROTO_DIVERT);
		if (fd == -1)
			err(1, "socket");
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[2]));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind");
	if (strncmp(mode, "pidfile=", 8) == 0) {
		FILE *f = fopen(mode + 8, "w");

		if (f == NULL)
			err(1, "%s", mode + 8);
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
		mode = "noread";
	}
	if (strncmp(mode, "forkspin=", 9) == 0) {
		pid_t pid = fork();

		if (pid == -1)
			err(1, "fork");
		if (pid == 0) {
			FILE *f = fopen(mode + 9, "w");

			if (f != NULL) {
				fprintf(f, "%ld\n", (long)getpid());
				fclose(f);
			}
			for (;;)
				pause();
		}
		mode = "spin";
	}
	if (strcmp(mode, "noread") == 0)
		for (;;)
			sleep(3600);
	for (;;) {
		sinlen = sizeof(sin);
		len = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&sin, &sinlen);
		if (len == -1)
			err(1, "recvfrom");
		n++;
		if (strcmp(mode, "crash3") == 0 && n == 3)
			raise(SIGSEGV);
		if (strcmp(mode, "exit5") == 0 && n == 5)
			exit(3);
		if (strcmp(mode, "spin") == 0)
			for (;;)
				spin++;
		if (strcmp(mode, "pollspin") == 0) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			for (;;)
				(void)poll(&pfd, 1, 0);
		}
		if (strncmp(mode, "family0", 7) == 0)
			sin.sin_family = 0;
		if (strcmp(mode, "family0short") == 0)
			sinlen = 8;
		if (strcmp(mode, "flood") == 0)
			for (int i = 1; i < 2000; i++)
				if (sendto(fd, buf, (size_t)len, 0,
				    (struct sockaddr *)&sin, sinlen) != len)
					err(1, "sendto %d", i);
		if (sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&sin,
		    sinlen) == -1)
			warn("sendto");
		if (strcmp(mode, "close2") == 0 && n == 2) {
			close(fd);
			for (;;)
				sleep(3600);
		}
	}
}
