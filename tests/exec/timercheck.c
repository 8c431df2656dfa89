/*
 * timercheck PORT: alarm(3), setitimer(2) and SIGALRM in simulated time,
 * and dup(2) of a divert socket, against times worked out by hand.  Run at
 * time 0 by timercheck.scn, which pings it at 5s and at 10s; each ping
 * request reaches b 1.006880ms later (1ms of link delay, 86 bytes, 84
 * of IP and 2 of PPP framing, at 100 Mbit/s) and -t is 0, so a recvfrom
 * waiting for it returns at 5.001006880s (T0 below) and 10.001006880s.
 *
 * FreeBSD's rules checked: a caught SIGALRM ends a blocking recvfrom with
 * EINTR, unless the handler has SA_RESTART (then the call goes on);
 * poll, select and nanosleep end with EINTR either way, nanosleep with
 * the time that was left; sleep(3) returns what was left rounded up;
 * alarm(3) returns what was left of the previous alarm rounded up; an
 * ignored SIGALRM interrupts nothing; a masked one stays pending and runs
 * its handler when unmasked, and pselect()'s mask holds for its wait
 * only; with the default action it ends the
 * process.  A dup of a divert fd is the same socket, which outlives the
 * close of one copy; a forked child's copy is refused.
 *
 * Exits with the number of the first check that failed (and says which
 * on stderr); when all hold it dies of its last SIGALRM (default action)
 * at 11.501006880s, which timercheck.scn expects.
 */
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define	MS	1000000LL		/* ns */
#define	T0	5001006880LL		/* the first ping read */

static int step;
static volatile sig_atomic_t alarms;
/* What getitimer() said inside the handler: a call to the shim nested in
   the one the signal interrupted. */
static volatile long handler_left_us;

#define	CHECK(cond) do {						\
	step++;								\
	if (!(cond)) {							\
		fprintf(stderr, "timercheck: check %d failed: %s "	\
		    "(errno %d, now %lld ns, %d alarms)\n", step, #cond,	\
		    errno, now(), (int)alarms);				\
		exit(step);						\
	}								\
} while (0)

static long long
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

static void
on_alarm(int sig)
{
	struct itimerval v;

	(void)sig;
	alarms++;
	if (getitimer(ITIMER_REAL, &v) == 0)
		handler_left_us = v.it_value.tv_sec * 1000000L +
		    v.it_value.tv_usec;
}

static void
handle(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

/* Read one packet on fd and write it back; its length. */
static ssize_t
reinject(int fd)
{
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	unsigned char buf[2048];
	ssize_t n;

	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	if (n > 0 && sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
	    len) != n)
		return (-2);
	return (n);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	struct itimerval it, old;
	struct timespec req = { 1, 0 }, rem;
	struct timeval tv = { 1, 0 };
	socklen_t len;
	sigset_t set, unblocked, cur;
	pid_t pid;
	int fd, fd2, fd3, st;

	if (argc != 2)
		return (100);
	fd = socket(PF_INET, SOCK_RAW, IPPROTO_DIVERT);
	CHECK(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	CHECK(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK(now() == 0);

	/* 1. alarm(2) times out a blocking recvfrom at 2s: EINTR. */
	handle(0);
	CHECK(alarm(2) == 0);
	CHECK(reinject(fd) == -1 && errno == EINTR);
	CHECK(now() == 2000 * MS && alarms == 1);

	/* 2. alarm(3)'s return: what was left of the previous one. */
	CHECK(alarm(10) == 0);
	CHECK(alarm(3) == 10);
	CHECK(alarm(0) == 3);

	/*
	 * 3. With SA_RESTART the recvfrom goes on past its SIGALRM (at 3s)
	 * and returns the first ping at T0.
	 */
	handle(SA_RESTART);
	CHECK(alarm(1) == 0);
	CHECK(reinject(fd) > 0);
	CHECK(now() == T0 && alarms == 2);

	/*
	 * 4. A periodic ITIMER_REAL: first at T0 + 100ms, then every 250ms
	 * (T0 + 350, 600, 850, 1100 ms).  SA_RESTART does not restart
	 * nanosleep, poll or select.
	 */
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 100000;
	it.it_interval.tv_usec = 250000;
	CHECK(setitimer(ITIMER_REAL, &it, &old) == 0);
	CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0 &&
	    old.it_interval.tv_usec == 0);
	CHECK(nanosleep(&req, &rem) == -1 && errno == EINTR);
	CHECK(now() == T0 + 100 * MS && alarms == 3);
	CHECK(rem.tv_sec == 0 && rem.tv_nsec == 900 * MS);
	/* In the handler the timer was already re-armed for 250ms. */
	CHECK(handler_left_us == 250000);
	CHECK(poll(NULL, 0, 1000) == -1 && errno == EINTR);
	CHECK(now() == T0 + 350 * MS && alarms == 4);
	CHECK(select(0, NULL, NULL, NULL, &tv) == -1 && errno == EINTR);
	CHECK(now() == T0 + 600 * MS && alarms == 5);
	CHECK(getitimer(ITIMER_REAL, &it) == 0);
	CHECK(it.it_value.tv_sec == 0 && it.it_value.tv_usec == 250000 &&
	    it.it_interval.tv_sec == 0 && it.it_interval.tv_usec == 250000);
	/* sleep(5) cut at T0 + 850ms: 4.25s left, rounded up. */
	CHECK(sleep(5) == 5);
	CHECK(now() == T0 + 850 * MS && alarms == 6);
	/* Disarm: the next tick was 250ms away. */
	memset(&it, 0, sizeof(it));
	CHECK(setitimer(ITIMER_REAL, &it, &old) == 0);
	CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 250000 &&
	    old.it_interval.tv_usec == 250000);
	CHECK(getitimer(ITIMER_REAL, &it) == 0 && it.it_value.tv_sec == 0 &&
	    it.it_value.tv_usec == 0);

	/* 5. An ignored SIGALRM (at T0 + 1850ms) interrupts nothing. */
	signal(SIGALRM, SIG_IGN);
	CHECK(alarm(1) == 0);
	CHECK(usleep(2000000) == 0);
	CHECK(now() == T0 + 2850 * MS && alarms == 6);

	/*
	 * 6. dup: the copies are one socket, which the close of a copy
	 * leaves open; O_NONBLOCK is the open file's, shared.
	 */
	fd2 = dup(fd);
	CHECK(fd2 >= 0 && close(fd) == 0);
	len = sizeof(sin);
	CHECK(getsockname(fd2, (struct sockaddr *)&sin, &len) == 0 &&
	    ntohs(sin.sin_port) == atoi(argv[1]));
	CHECK(dup2(fd2, 50) == 50);
	fd3 = fcntl(50, F_DUPFD, 60);
	CHECK(fd3 >= 60);
	CHECK(fcntl(fd3, F_SETFL, O_NONBLOCK) == 0);
	CHECK((fcntl(fd2, F_GETFL) & O_NONBLOCK) != 0);
	CHECK(reinject(50) == -1 && errno == EAGAIN);
	CHECK(fcntl(fd2, F_SETFL, 0) == 0 && close(50) == 0 &&
	    close(fd3) == 0);

	/*
	 * 7. A masked SIGALRM (at T0 + 3850ms) leaves the recvfrom waiting
	 * (for the second ping) and runs its handler once unmasked.
	 */
	handle(0);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	CHECK(alarm(1) == 0);
	CHECK(reinject(fd2) > 0);
	CHECK(now() == 10001006880LL && alarms == 6);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	CHECK(alarms == 7);

	/*
	 * 7b. pselect's mask holds during its wait only: SIGALRM blocked
	 * outside, let through inside, interrupts it (at 10.501006880s) and
	 * is blocked again after.
	 */
	sigprocmask(SIG_BLOCK, &set, &unblocked);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 500000;
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	CHECK(pselect(0, NULL, NULL, NULL, &req, &unblocked) == -1 &&
	    errno == EINTR);
	CHECK(now() == 10501006880LL && alarms == 8);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &cur) == 0 &&
	    sigismember(&cur, SIGALRM));
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	/*
	 * 8. A child the program forks runs outside the simulation: the
	 * divert fd it inherited is refused (EBADF), not a wait for ever.
	 */
	pid = fork();
	if (pid == 0)
		_exit(reinject(fd2) == -1 && errno == EBADF ? 0 : 1);
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
	CHECK(now() == 10501006880LL);

	/* 9. The default action: the process ends at 11.501006880s. */
	signal(SIGALRM, SIG_DFL);
	CHECK(alarm(1) == 0);
	pause();
	fprintf(stderr, "timercheck: still alive after SIGALRM\n");
	return (99);
}
