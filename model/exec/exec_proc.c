/*
 * The simulator's side of `divert PORT exec PROGRAM`: a real process whose
 * divert sockets are the model's (divert_queue.c), served over a control
 * channel by the preload shim (shim/divertsim_preload.c).
 *
 * The process and the simulator take turns.  Starting, or answering a
 * request that unblocks it, hands the turn to the process; the simulator
 * then answers its requests one by one (socket, bind, sendto, ...) until
 * one must wait for simulated time to pass (a recvfrom on an empty socket,
 * a poll, a sleep).  Only then does the event loop go on.  So the order of
 * everything is fixed by simulated time and the programs' own logic, never
 * by the wall clock, and two runs give the same bytes.
 *
 * The channel is shared memory (exec/exec_proto.h): a request and its
 * reply are written in place and the turn handed over with a store, the
 * waiting side sleeping in FUTEX_WAIT until the other wakes it.
 *
 * A process that does not block again within the wall-clock limit is
 * killed and reported as hung (the run fails); one that exits or dies of a
 * signal is reported with its status; either way its sockets close, and
 * its port then drops what ipfw diverts to it (divert.noport), as
 * FreeBSD's divert_packet() does with no socket bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"
#include "divert_queue.h"
#include "exec/exec_proc.h"
#include "exec/exec_proto.h"
#include "net/host.h"
#include "netinet/ip_drop.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_names.h"
#include "sim/sim_sched.h"

extern char **environ;

enum exec_state {
	EX_RUNNING,		/* its turn: we answer its requests */
	EX_RECV,		/* blocked in recvfrom on sock wait_id */
	EX_WAIT,		/* blocked in poll/select/sleep */
	EX_SERVICE,		/* read a packet; the reply waits for -t */
	EX_DEAD,
};

struct exec_sock {
	struct exec_proc *ep;
	int32_t		 id;
	struct divert_sock *so;
	uint16_t	 port;
	bool		 bound;
	bool		 unanswered;	/* read, nothing written since */
	uint64_t	 lineage;	/* of the packet last read */
	unsigned	 len;		/* its length, for the drop event */
	uint64_t	*c_read, *c_written;	/* HOST.divert.PORT.* */
};

struct exec_proc {
	struct host	*h;
	char		*name;		/* PROGRAM's base name, for messages */
	uint16_t	 port;		/* the scenario's PORT */
	uint32_t	 uid, rcvbuf;
	uint64_t	 service_ns;
	pid_t		 pid;
	struct exec_shm	*shm;		/* the channel's shared memory */
	uint64_t	 turn_start;	/* wall clock (ns) when it got the turn */
	uint64_t	 epoch;		/* how many times it has waited */
	enum exec_state	 state;
	GPtrArray	*socks;		/* struct exec_sock *, id = index + 1 */
	int32_t		 wait_id;	/* EX_RECV */
	int64_t		 wait_max;	/* EX_RECV: the program's buffer */
	int32_t		 wait_ids[EXEC_MAXWAIT];	/* EX_WAIT */
	unsigned	 wait_n;
	uint64_t	 timer_ev;	/* EX_WAIT deadline or EX_SERVICE end */
	uint8_t		*buf;		/* payload in and out (shm->data) */
	uint32_t	 reply_len;	/* EX_SERVICE: the reply held back */
	int64_t		 reply_rv;
	/* ITIMER_REAL (setitimer(2)) in simulated time. */
	uint64_t	 it_at;		/* expiry, ns; 0: disarmed */
	uint64_t	 it_interval;
	uint64_t	 it_ev;
	int		 sig_pending;	/* to deliver with the next reply */
	int64_t		 wait_deadline;	/* EX_WAIT: -1 none */
	/*
	 * A posted recvfrom is in service: the posts from post_off on, the
	 * request and the end found meanwhile (gone: 1 ended, 2 hung) wait
	 * for its end.
	 */
	bool		 posted_recv;
	uint32_t	 post_off;
	int		 gone;
	uint64_t	*c_exits, *c_signals, *c_hangs;
};

static void	exec_serve(struct exec_proc *ep);
static void	exec_gone(struct exec_proc *ep, bool hung);

static unsigned exec_limit_option;	/* --exec-limit; 0: not given */

void
exec_set_limit_ms(unsigned ms)
{
	exec_limit_option = ms;
}

bool
exec_parse_limit_ms(const char *s, unsigned *ms)
{
	unsigned long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return (false);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < 1 || v > EXEC_MAX_LIMIT_MS)
		return (false);
	*ms = (unsigned)v;
	return (true);
}

/*
 * --exec-limit, else $DIVERTSIM_EXEC_LIMIT_MS, else the default.  Asked
 * at every exchange: the environment is read once.
 */
static unsigned
exec_limit_ms(void)
{
	static unsigned env_ms;

	if (exec_limit_option != 0)
		return (exec_limit_option);
	if (env_ms == 0) {
		const char *v = g_getenv("DIVERTSIM_EXEC_LIMIT_MS");

		if (v == NULL || !exec_parse_limit_ms(v, &env_ms))
			env_ms = EXEC_DEFAULT_LIMIT_MS;
	}
	return (env_ms);
}

static uint64_t
wall_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/*
 * How long a side waiting for the turn spins before it sleeps, in ns
 * ($DIVERTSIM_EXEC_SPIN_NS; the shim reads the same variable).
 */
static uint64_t
exec_spin_ns(void)
{
	static int64_t ns = -1;

	if (ns < 0) {
		const char *v = g_getenv("DIVERTSIM_EXEC_SPIN_NS");

		ns = v != NULL && *v != '\0' ? g_ascii_strtoll(v, NULL, 10) :
		    EXEC_DEFAULT_SPIN_NS;
		if (ns < 0)
			ns = 0;
	}
	return ((uint64_t)ns);
}

char *
exec_resolve(const char *program, const char *dir, const char **why)
{
	char *p;

	*why = "no such file";
	if (strchr(program, '/') != NULL) {
		p = g_path_is_absolute(program) ? g_strdup(program) :
		    g_build_filename(dir, program, NULL);
	} else {
		p = g_build_filename(dir, program, NULL);
		if (!g_file_test(p, G_FILE_TEST_IS_REGULAR)) {
			g_free(p);
			p = g_find_program_in_path(program);
			if (p == NULL) {
				*why = "not in the scenario's directory nor "
				    "on PATH";
				return (NULL);
			}
		}
	}
	if (!g_file_test(p, G_FILE_TEST_IS_REGULAR)) {
		g_free(p);
		return (NULL);
	}
	if (access(p, X_OK) != 0) {
		*why = "not executable";
		g_free(p);
		return (NULL);
	}
	return (p);
}

/* The shim: $DIVERTSIM_PRELOAD, else the build tree's, else installed. */
static const char *
exec_preload_path(void)
{
	const char *v = g_getenv("DIVERTSIM_PRELOAD");

	if (v != NULL && *v != '\0')
		return (v);
	if (g_file_test(DIVERTSIM_PRELOAD_BUILD, G_FILE_TEST_EXISTS))
		return (DIVERTSIM_PRELOAD_BUILD);
	return (DIVERTSIM_PRELOAD_INSTALLED);
}

static void
exec_event(struct exec_proc *ep, const char *what, int64_t value,
    const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* A `proc` event: start, exit, signal, hang, close. */
static void
exec_event(struct exec_proc *ep, const char *what, int64_t value,
    const char *fmt, ...)
{
	struct ev *e;
	va_list ap;
	char *text;

	e = ev_begin(ep->h->sim->log, ep->h->name, "proc");
	if (e == NULL)
		return;
	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ev_str(e, "what", what);
	ev_str(e, "program", ep->name);
	ev_int(e, "port", ep->port);
	ev_int(e, "value", value);
	ev_textf(e, "%s", text);
	ev_end(e);
	g_free(text);
}

/* ---- the channel ---------------------------------------------------------- */

/* Give the turn to the process, waking it if it sleeps (in FUTEX_WAIT). */
static void
exec_hand(struct exec_proc *ep)
{
	struct exec_shm *s = ep->shm;

	__atomic_store_n(&s->turn, EXEC_TURN_PROC, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->sleeps[EXEC_TURN_PROC], __ATOMIC_SEQ_CST) != 0)
		(void)syscall(SYS_futex, &s->turn, FUTEX_WAKE, 1, NULL, NULL,
		    0);
}

/* Answer the request the process is waiting on; it runs again. */
static void
exec_reply_full(struct exec_proc *ep, int64_t rv, const void *p, uint32_t len,
    int64_t a, int64_t b, int64_t c)
{
	struct exec_msg *r = &ep->shm->rep;

	if (len > 0 && p != ep->shm->data)
		memmove(ep->shm->data, p, len);
	memset(r, 0, sizeof(*r));
	r->rv = rv;
	r->a = a;
	r->b = b;
	r->c = c;
	r->now = sim_now();
	r->epoch = ep->epoch;
	r->len = len;
	r->sig = ep->sig_pending;
	ep->sig_pending = 0;
	/*
	 * The limit runs from the end of its last wait: a program that asks
	 * and asks without ever waiting (a poll with a zero timeout in a
	 * loop) lets simulated time stand still as surely as one that
	 * computes.
	 */
	if (ep->state != EX_RUNNING)
		ep->turn_start = wall_ns();
	ep->state = EX_RUNNING;
	exec_hand(ep);
}

static void
exec_reply(struct exec_proc *ep, int64_t rv, const void *p, uint32_t len)
{
	exec_reply_full(ep, rv, p, len, 0, 0, 0);
}

/* Has the process ended (without reaping it: exec_gone() does)? */
static bool
exec_exited(struct exec_proc *ep)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return (waitid(P_PID, (id_t)ep->pid, &si, WEXITED | WNOHANG |
	    WNOWAIT) == 0 && si.si_pid == ep->pid);
}

/*
 * Wait for the turn: the next request.  0: got one (in shm->req); 1: the
 * process ended; 2: it did not wait in simulated time within the limit
 * (hung).  Asleep, it looks whether the process ended every 10ms.
 */
static int
exec_await(struct exec_proc *ep)
{
	struct exec_shm *s = ep->shm;
	uint64_t limit = (uint64_t)exec_limit_ms() * 1000000u;
	uint64_t spin = exec_spin_ns(), t0, now, left;
	unsigned i;

	/*
	 * Spin first, if asked: where the process has a processor of its
	 * own, one that computes for a few microseconds is answered without
	 * either side sleeping.  Where the two share one (a loaded machine),
	 * a spin only delays the other side, hence no spin by default.
	 */
	t0 = spin > 0 ? wall_ns() : 0;
	for (i = 0; ; i++) {
		if (__atomic_load_n(&s->turn, __ATOMIC_ACQUIRE) ==
		    EXEC_TURN_SIM)
			return (0);
		if (spin == 0 || (i % 64 == 63 && wall_ns() - t0 >= spin))
			break;
		exec_cpu_relax();
	}
	for (;;) {
		struct timespec ts;

		__atomic_store_n(&s->sleeps[EXEC_TURN_SIM], 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&s->turn, __ATOMIC_SEQ_CST) ==
		    EXEC_TURN_SIM) {
			__atomic_store_n(&s->sleeps[EXEC_TURN_SIM], 0,
			    __ATOMIC_SEQ_CST);
			return (0);
		}
		now = wall_ns();
		if (now - ep->turn_start >= limit)
			return (2);
		left = limit - (now - ep->turn_start);
		if (left > 10000000u)
			left = 10000000u;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left;
		/* Returns at once if the turn is already ours. */
		if (syscall(SYS_futex, &s->turn, FUTEX_WAIT, EXEC_TURN_PROC,
		    &ts, NULL, 0) != 0 && errno == ETIMEDOUT &&
		    exec_exited(ep))
			return (1);
	}
}

/* ---- sockets ---------------------------------------------------------------- */

static struct exec_sock *
exec_sock(struct exec_proc *ep, int32_t id)
{
	if (id < 1 || (guint)id > ep->socks->len)
		return (NULL);
	return (g_ptr_array_index(ep->socks, id - 1));
}

/*
 * The program read a packet and goes on (reads again, waits, closes, ends)
 * without having written anything: the packet ended in user space, as
 * proc.c counts it for a built-in program.
 */
static void
exec_discarded(struct exec_sock *es)
{
	struct host *h = es->ep->h;
	struct ev *e;

	if (!es->unanswered)
		return;
	es->unanswered = false;
	(*counters_slotf(h->sim->counters, "%s.divert.%u.discarded", h->name,
	    (unsigned)es->port))++;
	e = ev_begin(h->sim->log, h->name, "drop");
	if (e == NULL)
		return;
	ev_str(e, "reason", "program-drop");
	ev_int(e, "len", es->len);
	ev_int(e, "lineage", (int64_t)es->lineage);
	ev_int(e, "port", es->port);
	ev_textf(e, "drop program-drop: %s on port %u read the packet and "
	    "wrote nothing back", es->ep->name, es->port);
	drop_ev_why(e, h, NULL, DROP_PROGRAM, NULL, es->port);
	ev_end(e);
}

static void
exec_sock_close(struct exec_sock *es)
{
	struct exec_proc *ep = es->ep;

	exec_discarded(es);
	div_close(es->so);
	g_ptr_array_index(ep->socks, es->id - 1) = NULL;
	g_free(es);
}

static void exec_sock_wakeup(void *arg);

/* socket(2): which (domain, type, protocol) FreeBSD's socreate() takes. */
static int64_t
exec_op_socket(struct exec_proc *ep, const struct exec_msg *m)
{
	struct exec_sock *es;
	struct divert_sock *so;
	bool r14 = ep->h->release >= RELEASE_14;
	int error;

	if (m->a == EXEC_PF_DIVERT) {
		/*
		 * PF_DIVERT is a domain of release 14 only.  6.x's socreate()
		 * finds no protocol and says EPROTONOSUPPORT; 14's finds no
		 * domain (EAFNOSUPPORT) or no such type in it (EPROTOTYPE).
		 */
		if (!r14)
			return (-EPROTONOSUPPORT);
		if (m->b != SOCK_RAW)
			return (m->c == 0 ? -EPROTOTYPE : -EPROTONOSUPPORT);
		if (m->c != 0 && m->c != EXEC_IPPROTO_DIVERT)
			return (-EPROTONOSUPPORT);
	}
	error = div_attach(ep->h, ep->uid, &so);
	if (error != 0)
		return (-error);
	div_set_rcvbuf(so, ep->rcvbuf);
	es = g_new0(struct exec_sock, 1);
	es->ep = ep;
	es->so = so;
	g_ptr_array_add(ep->socks, es);
	es->id = (int32_t)ep->socks->len;
	div_set_wakeup(so, exec_sock_wakeup, es);
	return (es->id);
}

static int64_t
exec_op_bind(struct exec_proc *ep, struct exec_sock *es,
    const struct exec_msg *m)
{
	struct host *h = ep->h;
	uint16_t port = (uint16_t)m->a;
	int error;

	error = div_bind(es->so, port);
	if (error != 0)
		return (-error);
	es->port = port;
	es->bound = true;
	/* The same counters as a built-in program's, at 0 from now. */
	es->c_read = counters_slotf(h->sim->counters, "%s.divert.%u.read",
	    h->name, (unsigned)port);
	es->c_written = counters_slotf(h->sim->counters,
	    "%s.divert.%u.written", h->name, (unsigned)port);
	(void)counters_slotf(h->sim->counters, "%s.divert.%u.write_errors",
	    h->name, (unsigned)port);
	(void)counters_slotf(h->sim->counters, "%s.divert.%u.discarded",
	    h->name, (unsigned)port);
	return (0);
}

/*
 * Would a sendto back to `from` (as recvfrom reported it) pass
 * div_output()'s address tests now?  Only the inbound case (an address
 * other than 0.0.0.0): the interface named in sin_zero, else the one
 * owning the address, as div_output() looks them up.  The outbound case
 * runs ip_output() and ipfw, whose verdict is not known in advance.
 */
static bool
exec_inbound_ok(struct exec_proc *ep, const struct sockaddr_in *from)
{
	char name[8];

	if (from->sin_addr.s_addr == INADDR_ANY)
		return (false);
	if (div_sin_zero_get(from, name) && host_ifunit(ep->h, name) != NULL)
		return (true);
	return (ifa_ifwithaddr(ep->h, ntohl(from->sin_addr.s_addr)) != NULL);
}

/* The reply to a recvfrom: the packet, and whether it may post. */
static void
exec_recv_reply(struct exec_proc *ep)
{
	struct sockaddr_in from;

	memcpy(&from, ep->buf, sizeof(from));
	exec_reply_full(ep, ep->reply_rv, ep->buf, ep->reply_len,
	    exec_inbound_ok(ep, &from), 0, 0);
}

/*
 * The service time of a posted recvfrom ends: the process, which went on
 * at once, is now at the instant where its posts after the recvfrom and
 * its next request were made.
 */
static void
exec_posted_recv_done(void *arg)
{
	struct exec_proc *ep = arg;

	ep->timer_ev = 0;
	ep->posted_recv = false;
	ep->state = EX_RUNNING;
	if (ep->gone != 0) {
		exec_gone(ep, ep->gone == 2);
		return;
	}
	ep->turn_start = wall_ns();
	exec_serve(ep);
}

static void
exec_service_done(void *arg)
{
	struct exec_proc *ep = arg;

	ep->timer_ev = 0;
	exec_recv_reply(ep);
	exec_serve(ep);
}

/*
 * recvfrom(2): the packet leaves the buffer now; the reply is held for
 * the service time, so that what the program writes back is written -t
 * later, as with a built-in program.  Returns false when the process now
 * waits (for the service time).
 */
static void
exec_take(struct exec_proc *ep, struct exec_sock *es, int64_t max, bool copy)
{
	struct sockaddr_in from;
	uint8_t none[1];
	ssize_t n;
	int err = 0;

	exec_discarded(es);
	/*
	 * A posted recvfrom's process has the bytes already, and the
	 * channel's payload then holds its next request's: nothing copied.
	 */
	n = div_recvfrom(es->so, copy ? ep->buf + sizeof(from) : none,
	    max < 0 || !copy ? 0 : (size_t)MIN(max, 65535), &from, &err);
	g_assert(n >= 0);
	(*es->c_read)++;
	if (copy)
		memcpy(ep->buf, &from, sizeof(from));
	es->unanswered = true;
	es->lineage = div_last_lineage(es->so);
	es->len = (unsigned)n;
	/* A raw socket truncates to the buffer and returns what it copied. */
	if (n > max)
		n = max;
	ep->reply_rv = n;
	ep->reply_len = (uint32_t)(sizeof(from) + (size_t)n);
}

static bool
exec_do_recv(struct exec_proc *ep, struct exec_sock *es, int64_t max)
{
	exec_take(ep, es, max, true);
	if (ep->service_ns == 0) {
		exec_recv_reply(ep);
		return (true);
	}
	ep->state = EX_SERVICE;
	ep->epoch++;
	ep->timer_ev = sim_schedule(ep->service_ns, exec_service_done, ep);
	return (false);
}

/* sendto(2): payload is the address (16 bytes) and the datagram. */
static int64_t
exec_op_send(struct exec_proc *ep, struct exec_sock *es,
    const struct exec_msg *m, const uint8_t *payload)
{
	struct sockaddr_in to;
	struct host *h = ep->h;
	char nbuf[ERRNO_NAMELEN];
	ssize_t n;
	int err = 0;

	if (m->len < sizeof(to))
		return (-EINVAL);
	memcpy(&to, payload, sizeof(to));
	es->unanswered = false;
	n = div_sendto(es->so, payload + sizeof(to), m->len - sizeof(to),
	    m->a > 0 ? &to : NULL, (size_t)m->a, &err);
	if (n < 0) {
		(*counters_slotf(h->sim->counters, "%s.divert.%u.write_errors",
		    h->name, (unsigned)es->port))++;
		(*counters_slotf(h->sim->counters, "%s.divert.%u.errno.%s",
		    h->name, (unsigned)es->port,
		    errno_name(err, nbuf)))++;
		return (-err);
	}
	if (es->c_written == NULL)	/* written before any bind */
		es->c_written = counters_slotf(h->sim->counters,
		    "%s.divert.%u.written", h->name, (unsigned)es->port);
	(*es->c_written)++;
	return (n);
}

/*
 * The messages the process posted while it ran (sendto calls whose result
 * it knew), in order, before anything else it asks: the same simulated
 * instant and order as if each had waited for its reply.
 */
static void	exec_posted_recv_done(void *arg);

/*
 * Returns false when a posted recvfrom put the process in service: the
 * rest waits for exec_posted_recv_done().
 */
static bool
exec_drain_posts(struct exec_proc *ep)
{
	struct exec_shm *s = ep->shm;
	uint32_t off = ep->post_off, end = s->posted;

	if (end > EXEC_POSTMAX)
		end = EXEC_POSTMAX;
	while (end - off >= sizeof(struct exec_msg)) {
		struct exec_msg m;
		struct exec_sock *es;
		int64_t rv;

		memcpy(&m, s->post + off, sizeof(m));
		if (m.len > end - off - sizeof(m))
			break;
		es = exec_sock(ep, m.id);
		if (m.op == EXEC_RECV && es != NULL &&
		    div_rcv_queued(es->so) > 0) {
			off += (uint32_t)((sizeof(m) + m.len + 7u) &
			    ~(size_t)7u);
			exec_take(ep, es, m.b, false);
			if (ep->reply_rv != m.rv)
				g_printerr("divertsim: %s: %s (port %u): "
				    "internal error: a posted recvfrom read "
				    "%" G_GINT64_FORMAT " bytes, the program "
				    "%" G_GINT64_FORMAT "\n", ep->h->name,
				    ep->name, ep->port, ep->reply_rv, m.rv);
			if (ep->service_ns == 0)
				continue;
			/* As exec_do_recv(): held for the service time. */
			ep->post_off = off;
			ep->posted_recv = true;
			ep->state = EX_SERVICE;
			ep->epoch++;
			ep->timer_ev = sim_schedule(ep->service_ns,
			    exec_posted_recv_done, ep);
			return (false);
		}
		rv = m.op != EXEC_SEND ? -ENOSYS : es == NULL ? -EBADF :
		    exec_op_send(ep, es, &m, s->post + off + sizeof(m));
		/* The shim returned m.rv already: the two must agree. */
		if (rv != m.rv)
			g_printerr("divertsim: %s: %s (port %u): internal "
			    "error: a posted sendto gave %" G_GINT64_FORMAT
			    ", the program was told %" G_GINT64_FORMAT "\n",
			    ep->h->name, ep->name, ep->port, rv, m.rv);
		off += (uint32_t)((sizeof(m) + m.len + 7u) & ~(size_t)7u);
	}
	s->posted = 0;
	ep->post_off = 0;
	return (true);
}

/* ---- waiting -------------------------------------------------------------- */

/* Which of the waited-on sockets are readable; their number. */
static unsigned
exec_ready(struct exec_proc *ep, const int32_t *ids, unsigned n,
    uint8_t *ready)
{
	unsigned got = 0;

	for (unsigned i = 0; i < n; i++) {
		struct exec_sock *es = exec_sock(ep, ids[i]);

		/* A closed socket is "ready" as poll()'s POLLNVAL would be. */
		ready[i] = es == NULL || div_rcv_queued(es->so) > 0;
		got += ready[i];
	}
	return (got);
}

/*
 * May the reply to a wait show the next packet of es, for the shim to
 * answer the recvfrom that follows without asking (a posted recvfrom)?
 * Only if what that recvfrom's reply would carry is known now: no
 * signal comes during its service time (ITIMER_REAL), and the address
 * test of its reply (exec_inbound_ok(), made when the service time
 * ends) cannot change meanwhile: no `at` command is left to run.
 */
static bool
exec_may_peek(struct exec_proc *ep)
{
	static int sync = -1;
	uint64_t end = sim_now() + ep->service_ns;

	if (sync < 0)
		sync = g_getenv("DIVERTSIM_EXEC_SYNC") != NULL;
	if (sync)
		return (false);
	return ((ep->it_at == 0 || ep->it_at > end) &&
	    (ep->service_ns == 0 || ep->h->sim->cmds_pending == 0));
}

static void
exec_wait_reply(struct exec_proc *ep)
{
	uint8_t ready[EXEC_MAXWAIT];
	struct sockaddr_in from;
	const uint8_t *p;
	struct exec_sock *es;
	unsigned got;
	size_t len;
	int64_t ok = 0;
	int32_t id = 0;

	got = exec_ready(ep, ep->wait_ids, ep->wait_n, ready);
	memcpy(ep->buf, ready, ep->wait_n);
	for (unsigned i = 0; i < ep->wait_n && got > 0; i++) {
		es = exec_sock(ep, ep->wait_ids[i]);
		if (!ready[i] || es == NULL || !exec_may_peek(ep))
			continue;
		p = div_rcv_peek(es->so, &from, &len);
		if (p == NULL || EXEC_PEEK_OFF + sizeof(from) + len >
		    EXEC_MAXPAYLOAD)
			break;
		memcpy(ep->buf + EXEC_PEEK_OFF, &from, sizeof(from));
		memcpy(ep->buf + EXEC_PEEK_OFF + sizeof(from), p, len);
		id = es->id;
		ok = exec_inbound_ok(ep, &from);
		break;
	}
	exec_reply_full(ep, got, ep->buf, id != 0 ? (uint32_t)(EXEC_PEEK_OFF +
	    sizeof(from) + len) : ep->wait_n, id, ok, (int64_t)ep->service_ns);
	ep->wait_n = 0;
}

static void
exec_deadline(void *arg)
{
	struct exec_proc *ep = arg;

	ep->timer_ev = 0;
	exec_wait_reply(ep);
	exec_serve(ep);
}

/* A packet came to an empty socket (an event of its own, sorwakeup()). */
static void
exec_sock_wakeup(void *arg)
{
	struct exec_sock *es = arg;
	struct exec_proc *ep = es->ep;

	if (div_rcv_queued(es->so) == 0)
		return;
	if (ep->state == EX_RECV && ep->wait_id == es->id) {
		if (exec_do_recv(ep, es, ep->wait_max))
			exec_serve(ep);
		return;
	}
	if (ep->state != EX_WAIT)
		return;
	for (unsigned i = 0; i < ep->wait_n; i++) {
		if (ep->wait_ids[i] != es->id)
			continue;
		if (ep->timer_ev != 0)
			sim_cancel(ep->timer_ev);
		ep->timer_ev = 0;
		exec_wait_reply(ep);
		exec_serve(ep);
		return;
	}
}

/* Returns false when the process now waits in simulated time. */
static bool
exec_op_wait(struct exec_proc *ep, const struct exec_msg *m)
{
	uint8_t ready[EXEC_MAXWAIT];
	unsigned n = m->len / sizeof(int32_t);
	uint64_t now = sim_now();

	if (n > EXEC_MAXWAIT) {
		exec_reply(ep, -EINVAL, NULL, 0);
		return (true);
	}
	memcpy(ep->wait_ids, ep->buf, n * sizeof(int32_t));
	ep->wait_n = n;
	if (exec_ready(ep, ep->wait_ids, n, ready) > 0 ||
	    (m->a >= 0 && (uint64_t)m->a <= now)) {
		exec_wait_reply(ep);
		return (true);
	}
	/*
	 * It waits: done with what it read (as packet() returning is for a
	 * built-in program), so a packet read and not written was dropped.
	 */
	for (guint i = 0; i < ep->socks->len; i++)
		if (g_ptr_array_index(ep->socks, i) != NULL)
			exec_discarded(g_ptr_array_index(ep->socks, i));
	ep->state = EX_WAIT;
	ep->epoch++;
	ep->wait_deadline = m->a;
	if (m->a >= 0)
		ep->timer_ev = sim_schedule((uint64_t)m->a - now,
		    exec_deadline, ep);
	return (false);
}

/* ---- ITIMER_REAL ----------------------------------------------------------- */

/*
 * A signal reaches the process blocked in the shim: a blocking call is
 * cut short with EINTR (the shim restarts a recvfrom when the handler has
 * SA_RESTART, as FreeBSD's soreceive() ERESTART does; poll, select and
 * nanosleep always end with EINTR).  A process whose packet is in service
 * gets it with that reply.
 */
static void
exec_interrupt(struct exec_proc *ep, int sig)
{
	int64_t deadline = -1;

	ep->sig_pending = sig;
	switch (ep->state) {
	case EX_RECV:
		break;
	case EX_WAIT:
		if (ep->timer_ev != 0)
			sim_cancel(ep->timer_ev);
		ep->timer_ev = 0;
		ep->wait_n = 0;
		deadline = ep->wait_deadline;
		break;
	default:
		return;
	}
	exec_reply_full(ep, -EINTR, NULL, 0, 0, 0, deadline);
	exec_serve(ep);
}

/* ITIMER_REAL expires: SIGALRM, as FreeBSD's realitexpire() sends it. */
static void
exec_itimer_fire(void *arg)
{
	struct exec_proc *ep = arg;

	ep->it_ev = 0;
	if (ep->it_interval != 0) {
		ep->it_at += ep->it_interval;
		ep->it_ev = sim_schedule(ep->it_at - sim_now(),
		    exec_itimer_fire, ep);
	} else
		ep->it_at = 0;
	exec_interrupt(ep, SIGALRM);
}

/* setitimer(ITIMER_REAL) and getitimer(): the old value in a and b. */
static void
exec_op_itimer(struct exec_proc *ep, const struct exec_msg *m)
{
	uint64_t now = sim_now();
	int64_t old = ep->it_at > now ? (int64_t)(ep->it_at - now) : 0;
	int64_t oldi = ep->it_at != 0 ? (int64_t)ep->it_interval : 0;

	if (m->op == EXEC_SETITIMER) {
		if (m->a < 0 || m->b < 0) {
			exec_reply(ep, -EINVAL, NULL, 0);
			return;
		}
		if (ep->it_ev != 0)
			sim_cancel(ep->it_ev);
		ep->it_ev = 0;
		ep->it_at = 0;
		ep->it_interval = 0;
		if (m->a > 0) {
			ep->it_at = now + (uint64_t)m->a;
			ep->it_interval = (uint64_t)m->b;
			ep->it_ev = sim_schedule((uint64_t)m->a,
			    exec_itimer_fire, ep);
		}
	}
	exec_reply_full(ep, 0, NULL, 0, old, oldi, 0);
}

/* ---- serving ----------------------------------------------------------------- */

/* Answer requests until the process blocks, ends or hangs. */
static void
exec_serve(struct exec_proc *ep)
{
	struct exec_msg m;
	struct exec_sock *es;
	int got;

	while (ep->state == EX_RUNNING) {
		got = exec_await(ep);
		if (got != 0) {
			/* It ended after a posted recvfrom's service time. */
			if (!exec_drain_posts(ep)) {
				ep->gone = got;
				return;
			}
			exec_gone(ep, got == 2);
			return;
		}
		if (!exec_drain_posts(ep))
			return;
		m = ep->shm->req;
		/* Only a process that wrote over the channel asks so. */
		if (m.len > EXEC_MAXPAYLOAD) {
			exec_gone(ep, true);
			return;
		}
		es = exec_sock(ep, m.id);
		switch (m.op) {
		case EXEC_HELLO:
			exec_reply_full(ep, 0, NULL, 0,
			    ep->h->release >= RELEASE_14, 0, 0);
			break;
		case EXEC_SOCKET:
			exec_reply(ep, exec_op_socket(ep, &m), NULL, 0);
			break;
		case EXEC_BIND:
			exec_reply(ep, es == NULL ? -EBADF :
			    exec_op_bind(ep, es, &m), NULL, 0);
			break;
		case EXEC_RECV:
			if (es == NULL) {
				exec_reply(ep, -EBADF, NULL, 0);
			} else if (div_rcv_queued(es->so) > 0) {
				(void)exec_do_recv(ep, es, m.b);
			} else if (m.a != 0) {
				exec_discarded(es);
				exec_reply(ep, -EAGAIN, NULL, 0);
			} else {
				/* sbwait(): until a packet comes. */
				exec_discarded(es);
				ep->state = EX_RECV;
				ep->epoch++;
				ep->wait_id = es->id;
				ep->wait_max = m.b;
			}
			break;
		case EXEC_SEND:
			exec_reply(ep, es == NULL ? -EBADF :
			    exec_op_send(ep, es, &m, ep->buf), NULL, 0);
			break;
		case EXEC_CLOSE:
			if (es != NULL) {
				exec_event(ep, "close", es->port, "%s closed "
				    "its divert socket (port %u)", ep->name,
				    es->port);
				exec_sock_close(es);
			}
			exec_reply(ep, es == NULL ? -EBADF : 0, NULL, 0);
			break;
		case EXEC_SETRCVBUF:
			if (es != NULL)
				div_set_rcvbuf(es->so, (uint32_t)m.a);
			exec_reply(ep, es == NULL ? -EBADF : 0, NULL, 0);
			break;
		case EXEC_WAIT:
			(void)exec_op_wait(ep, &m);
			break;
		case EXEC_SETITIMER:
		case EXEC_GETITIMER:
			exec_op_itimer(ep, &m);
			break;
		default:
			exec_reply(ep, -ENOSYS, NULL, 0);
			break;
		}
	}
}

/* ---- start and end ----------------------------------------------------------- */

static void
exec_kill(struct exec_proc *ep)
{
	int st;

	if (ep->pid <= 0)
		return;
	/* The process group: the program and anything it started. */
	(void)kill(-ep->pid, SIGKILL);
	(void)kill(ep->pid, SIGKILL);
	while (waitpid(ep->pid, &st, 0) < 0 && errno == EINTR)
		;
	ep->pid = 0;
}

/* Close what it had: its ports then drop, counted, as with no socket. */
static void
exec_release(struct exec_proc *ep)
{
	if (ep->timer_ev != 0)
		sim_cancel(ep->timer_ev);
	ep->timer_ev = 0;
	if (ep->it_ev != 0)
		sim_cancel(ep->it_ev);
	ep->it_ev = 0;
	ep->it_at = 0;
	for (guint i = 0; i < ep->socks->len; i++)
		if (g_ptr_array_index(ep->socks, i) != NULL)
			exec_sock_close(g_ptr_array_index(ep->socks, i));
	ep->wait_n = 0;
	ep->state = EX_DEAD;
}

static void
exec_gone(struct exec_proc *ep, bool hung)
{
	double t = (double)sim_now() / 1e9;
	pid_t pid = ep->pid;
	int st = 0, tries;

	if (hung) {
		exec_kill(ep);
		/* What it wrote before it stopped answering is written. */
		exec_drain_posts(ep);
		(*ep->c_hangs)++;
		ep->h->sim->proc_hangs++;
		exec_event(ep, "hang", exec_limit_ms(), "%s (port %u) did "
		    "not block in the shim within %u ms of wall-clock time: "
		    "killed", ep->name, ep->port, exec_limit_ms());
		g_printerr("divertsim: %s: %s (port %u) stopped answering at "
		    "%.9fs of simulated time (it ran %u ms of wall-clock time "
		    "without waiting in the shim): killed, the run fails "
		    "(--exec-limit MS raises the limit)\n", ep->h->name,
		    ep->name, ep->port, t, exec_limit_ms());
		exec_release(ep);
		return;
	}
	/* It ended (exit or signal): reap it, giving it the limit. */
	for (tries = 0; tries < (int)exec_limit_ms(); tries++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		g_usleep(1000);
	}
	if (tries == (int)exec_limit_ms()) {
		exec_gone(ep, true);
		return;
	}
	ep->pid = 0;
	/* Its own children go with it. */
	(void)kill(-pid, SIGKILL);
	/* What it wrote before it ended is written (the shim had posted it). */
	exec_drain_posts(ep);
	if (WIFSIGNALED(st)) {
		(*ep->c_signals)++;
		exec_event(ep, "signal", WTERMSIG(st), "%s (port %u) killed "
		    "by signal %d (%s)", ep->name, ep->port, WTERMSIG(st),
		    g_strsignal(WTERMSIG(st)));
	} else {
		(*ep->c_exits)++;
		exec_event(ep, "exit", WEXITSTATUS(st), "%s (port %u) exited "
		    "with status %d", ep->name, ep->port, WEXITSTATUS(st));
	}
	exec_release(ep);
}

static void
exec_free(void *arg)
{
	struct exec_proc *ep = arg;

	exec_kill(ep);
	/* The world ends: a packet still in service is not a discard. */
	for (guint i = 0; i < ep->socks->len; i++) {
		struct exec_sock *es = g_ptr_array_index(ep->socks, i);

		if (es != NULL)
			es->unanswered = false;
	}
	exec_release(ep);
	g_ptr_array_free(ep->socks, TRUE);
	(void)munmap(ep->shm, sizeof(*ep->shm));
	g_free(ep->name);
	g_free(ep);
}

int
exec_proc_start(struct host *h, const struct exec_spec *spec)
{
	struct exec_proc *ep;
	struct exec_shm *shm;
	char **envp, *fdvar, *preload;
	int n, i, mfd;
	pid_t parent = getpid(), pid;

	mfd = memfd_create("divertsim-exec", MFD_CLOEXEC);
	if (mfd < 0)
		return (errno);
	if (ftruncate(mfd, sizeof(*shm)) != 0 || (shm = mmap(NULL,
	    sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0)) ==
	    MAP_FAILED) {
		int err = errno;

		close(mfd);
		return (err);
	}
	/* The process has the turn first (zeroed memory: EXEC_TURN_PROC). */
	/* Everything the child needs is made before fork(). */
	n = 0;
	while (environ[n] != NULL)
		n++;
	envp = g_new0(char *, n + 3);
	for (i = 0; i < n; i++)
		envp[i] = environ[i];
	fdvar = g_strdup_printf("%s=%d", EXEC_ENV_FD, mfd);
	preload = g_strdup_printf("LD_PRELOAD=%s", exec_preload_path());
	for (i = 0; i < n; i++) {
		if (g_str_has_prefix(envp[i], "LD_PRELOAD="))
			envp[i] = preload;
		else if (g_str_has_prefix(envp[i], EXEC_ENV_FD "="))
			envp[i] = fdvar;
	}
	if (g_strv_contains((const char *const *)envp, preload) == FALSE)
		envp[n++] = preload;
	if (g_strv_contains((const char *const *)envp, fdvar) == FALSE)
		envp[n++] = fdvar;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = errno;

		close(mfd);
		(void)munmap(shm, sizeof(*shm));
		g_free(envp);
		g_free(fdvar);
		g_free(preload);
		return (err);
	}
	if (pid == 0) {
		/* Only async-signal-safe calls from here to exec. */
		(void)setpgid(0, 0);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		(void)fcntl(mfd, F_SETFD, 0);
		/* The simulator's report owns stdout. */
		(void)dup2(STDERR_FILENO, STDOUT_FILENO);
		if (spec->cwd != NULL && chdir(spec->cwd) != 0)
			_exit(126);
		execve(spec->path, spec->argv, envp);
		_exit(127);
	}
	(void)setpgid(pid, pid);
	close(mfd);
	g_free(envp);
	g_free(fdvar);
	g_free(preload);

	ep = g_new0(struct exec_proc, 1);
	ep->h = h;
	ep->name = g_path_get_basename(spec->argv[0]);
	ep->port = spec->port;
	ep->uid = spec->uid;
	ep->rcvbuf = spec->rcvbuf;
	ep->service_ns = spec->service_ns;
	ep->pid = pid;
	ep->shm = shm;
	ep->buf = shm->data;
	ep->turn_start = wall_ns();
	ep->state = EX_RUNNING;
	ep->socks = g_ptr_array_new();
	ep->c_exits = counters_slotf(h->sim->counters, "%s.proc.%u.exits",
	    h->name, (unsigned)ep->port);
	ep->c_signals = counters_slotf(h->sim->counters, "%s.proc.%u.signals",
	    h->name, (unsigned)ep->port);
	ep->c_hangs = counters_slotf(h->sim->counters, "%s.proc.%u.hangs",
	    h->name, (unsigned)ep->port);
	/* Freed with the host, before its divert sockets (reverse order). */
	host_sysuninit_add(h, exec_free, ep);
	/* The pid differs from run to run: never in the events. */
	if (ep->port != 0)
		exec_event(ep, "start", 0, "%s started for port %u", ep->name,
		    ep->port);
	else
		exec_event(ep, "start", 0, "%s started", ep->name);
	if (g_getenv("DIVERTSIM_EXEC_PIDS") != NULL)
		g_printerr("divertsim: %s: %s for port %u is pid %ld\n",
		    h->name, ep->name, ep->port, (long)pid);
	exec_serve(ep);
	return (0);
}
