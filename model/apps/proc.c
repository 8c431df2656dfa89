/*
 * User processes that own a divert socket, and the registry of divert
 * programs.  A process behaves like the read loop of natd(8) or of
 * FreeBSD's tests/sys/netpfil/common/divapp.c: recvfrom() one packet, work
 * on it for its service time, write it back with sendto(), then read the
 * next.  It handles strictly one packet at a time, in order; while it
 * works, the socket keeps queueing, and what does not fit in the receive
 * buffer is dropped by divert_packet(), which is how a slow process
 * overflows.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "apps/proc.h"
#include "apps/app_divert_priv.h"
#include "divert_queue.h"
#include "net/host.h"
#include "netinet/ip_drop.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_names.h"
#include "sim/sim_sched.h"

struct proc {
	struct host	*h;
	const struct divert_program *prog;
	void		*state;		/* from prog->init() */
	struct divert_sock *so;
	uint16_t	 port;
	uint64_t	 service_ns;	/* `-t`: time spent on each packet */
	bool		 busy;		/* a packet is being worked on */
	uint64_t	 service_ev;	/* pending end of service, 0 if none */
	uint8_t		*buf;		/* PROC_MAXPACKET bytes */
	size_t		 len;		/* bytes of the packet in buf */
	struct sockaddr_in from;	/* what recvfrom() reported */
	uint64_t	*c_read;	/* HOST.divert.PORT.read */
	uint64_t	*c_written;	/* HOST.divert.PORT.written */
	uint64_t	*c_write_errors; /* HOST.divert.PORT.write_errors */
	unsigned	 writes;	/* write attempts for the current packet */
	GHashTable	*timers;	/* pending: &id -> struct proc_timer */
};

/* A pending proc_timer_start(); its id is the scheduler's event id. */
struct proc_timer {
	uint64_t	 id;
	struct proc	*p;
	proc_timer_fn	 fn;
	void		*arg;
};

static void	proc_wakeup(void *arg);
static void	proc_read_next(struct proc *p);
static void	proc_service_done(void *arg);
static void	proc_count_error(struct proc *p, int err);
static void	proc_timers_cancel(struct proc *p);

/*
 * Program registry.  A small table: a scenario names a handful of
 * programs, and a later registration of a name replaces the earlier one so
 * that a library user can override a built-in.
 */
#define	DIVERT_PROGRAMS_MAX	64

static const struct divert_program *divert_programs[DIVERT_PROGRAMS_MAX];
static unsigned divert_nprograms;

GQuark
divert_program_error_quark(void)
{

	return (g_quark_from_static_string("divert-program-error"));
}

bool
divert_program_register(const struct divert_program *prog)
{
	unsigned i;

	if (prog == NULL ||
	    prog->api_version != DIVERTSIM_PROGRAM_API_VERSION ||
	    prog->name == NULL || prog->init == NULL || prog->packet == NULL)
		return (false);
	for (i = 0; i < divert_nprograms; i++) {
		if (strcmp(divert_programs[i]->name, prog->name) == 0) {
			divert_programs[i] = prog;
			return (true);
		}
	}
	if (divert_nprograms == DIVERT_PROGRAMS_MAX)
		return (false);
	divert_programs[divert_nprograms++] = prog;
	return (true);
}

const struct divert_program *
divert_program_find(const char *name)
{
	unsigned i;

	if (name == NULL)
		return (NULL);
	for (i = 0; i < divert_nprograms; i++)
		if (strcmp(divert_programs[i]->name, name) == 0)
			return (divert_programs[i]);
	return (NULL);
}

const struct divert_program *
divert_program_nth(unsigned i)
{

	return (i < divert_nprograms ? divert_programs[i] : NULL);
}

void
divert_programs_builtin(void)
{
	static const struct divert_program *const builtin[] = {
		&divert_prog_reinject, &divert_prog_drop, &divert_prog_retag,
		&divert_prog_outgoing, &divert_prog_incoming,
		&divert_prog_corrupt, &divert_prog_rewrite, &divert_prog_natd,
	};
	size_t i;

	/* Idempotent, but a user's override of a built-in name stays. */
	for (i = 0; i < G_N_ELEMENTS(builtin); i++)
		if (divert_program_find(builtin[i]->name) == NULL)
			(void)divert_program_register(builtin[i]);
}

bool
divert_program_check_args(const struct divert_program *prog, int argc,
    char *const argv[], int *bad_arg, GError **err)
{
	void *state;

	g_assert(prog != NULL && bad_arg != NULL);
	state = NULL;
	*bad_arg = 0;
	if (!prog->init(argc, argv, &state, bad_arg, err))
		return (false);
	if (prog->fini != NULL)
		prog->fini(state);
	return (true);
}

int
proc_start_divert(struct host *h, const struct divert_program *prog,
    int argc, char *const argv[], uint16_t port, uint32_t uid,
    uint64_t service_ns, uint32_t rcvbuf, struct proc **out)
{
	struct divert_sock *so;
	struct proc *p;
	GError *err;
	void *state;
	int bad_arg, error;

	g_assert(h != NULL && prog != NULL && out != NULL);
	*out = NULL;

	/*
	 * Arguments were checked when the scenario was built; a failure here
	 * means the caller skipped that check.
	 */
	err = NULL;
	bad_arg = 0;
	state = NULL;
	if (!prog->init(argc, argv, &state, &bad_arg, &err)) {
		g_clear_error(&err);
		return (EINVAL);
	}

	/* socket(2), then bind(2), as natd's main() does. */
	so = NULL;
	error = div_attach(h, uid, &so);
	if (error == 0)
		error = div_bind(so, port);
	if (error != 0) {
		if (so != NULL)
			div_close(so);
		if (prog->fini != NULL)
			prog->fini(state);
		return (error);
	}
	div_set_rcvbuf(so, rcvbuf);

	p = g_new0(struct proc, 1);
	p->h = h;
	p->prog = prog;
	p->state = state;
	p->so = so;
	p->port = port;
	p->service_ns = service_ns;
	p->buf = g_malloc(PROC_MAXPACKET);
	/* Registered now so that they exist, at 0, from the start. */
	p->c_read = counters_slotf(h->sim->counters, "%s.divert.%u.read",
	    h->name, (unsigned)port);
	p->c_written = counters_slotf(h->sim->counters, "%s.divert.%u.written",
	    h->name, (unsigned)port);
	p->c_write_errors = counters_slotf(h->sim->counters,
	    "%s.divert.%u.write_errors", h->name, (unsigned)port);
	(void)counters_slotf(h->sim->counters, "%s.divert.%u.discarded",
	    h->name, (unsigned)port);
	p->timers = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL,
	    g_free);
	div_set_wakeup(so, proc_wakeup, p);
	if (prog->start != NULL)
		prog->start(p, state);
	/* The caller files p in h->procs (scn_build does). */
	*out = p;
	return (0);
}

void
proc_free(struct proc *p)
{

	if (p == NULL)
		return;
	if (p->service_ev != 0)
		sim_cancel(p->service_ev);
	proc_timers_cancel(p);
	/* Safe whether or not the caller took p out of h->procs first. */
	if (p->h->procs != NULL)
		(void)g_ptr_array_remove(p->h->procs, p);
	div_close(p->so);
	if (p->prog->fini != NULL)
		p->prog->fini(p->state);
	g_free(p->buf);
	g_free(p);
}

/* The process ends: no timer of its program may run after it. */
static void
proc_timers_cancel(struct proc *p)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, p->timers);
	while (g_hash_table_iter_next(&it, NULL, &v))
		sim_cancel(((struct proc_timer *)v)->id);
	g_hash_table_destroy(p->timers);
	p->timers = NULL;
}

/* The socket went from empty to non-empty (a new event of its own). */
static void
proc_wakeup(void *arg)
{
	struct proc *p = arg;

	if (!p->busy)
		proc_read_next(p);
}

/*
 * recvfrom(2) the next packet, if any.  The packet leaves the receive
 * buffer now, at the start of the service time, as it does when a real
 * process returns from recvfrom() and then works on the bytes.
 */
static void
proc_read_next(struct proc *p)
{
	ssize_t n;
	int err;

	err = 0;
	n = div_recvfrom(p->so, p->buf, PROC_MAXPACKET, &p->from, &err);
	if (n < 0)
		return;		/* EAGAIN: idle until the next wakeup */
	p->len = (size_t)n < PROC_MAXPACKET ? (size_t)n : PROC_MAXPACKET;
	(*p->c_read)++;
	p->busy = true;
	p->service_ev = sim_schedule(p->service_ns, proc_service_done, p);
}

/*
 * The program read a packet and wrote nothing back: the packet ends in user
 * space.  Not a kernel drop, but a reader of the log must see where the
 * packet went and a figure must count it, so the bytes it read are dropped
 * through ip_drop() like any other packet.
 */
static void
proc_discarded(struct proc *p)
{
	struct pkt *m;

	m = pkt_from_bytes_lineage(p->buf, (uint32_t)p->len,
	    div_last_lineage(p->so));
	ip_drop(p->h, m, DROP_PROGRAM, NULL, p->port);
}

static void
proc_service_done(void *arg)
{
	struct proc *p = arg;

	p->service_ev = 0;
	/*
	 * Writes from inside packet() carry the lineage of the packet just
	 * read (div_sendto() takes it from the socket's last read).
	 */
	p->writes = 0;
	p->prog->packet(p, p->state, p->buf, p->len, &p->from);
	if (p->writes == 0)
		proc_discarded(p);
	p->busy = false;
	proc_read_next(p);
}

static void
proc_count_error(struct proc *p, int err)
{
	char nbuf[ERRNO_NAMELEN];

	(*p->c_write_errors)++;
	(*counters_slotf(p->h->sim->counters, "%s.divert.%u.errno.%s",
	    p->h->name, (unsigned)p->port, errno_name(err, nbuf)))++;
}

/*
 * sendto(2)/write(2).  A failure returns -1 and leaves the errno in errno,
 * as the system call does; the divert-write event is logged by
 * div_sendto() itself.
 */
ssize_t
proc_sendto(struct proc *p, const void *buf, size_t len,
    const struct sockaddr_in *to, size_t tolen)
{
	ssize_t n;
	int err;

	err = 0;
	p->writes++;
	n = div_sendto(p->so, buf, len, to, to == NULL ? 0 : tolen, &err);
	if (n < 0) {
		proc_count_error(p, err);
		errno = err;
		return (-1);
	}
	(*p->c_written)++;
	return (n);
}

ssize_t
proc_write(struct proc *p, const void *buf, size_t len)
{

	return (proc_sendto(p, buf, len, NULL, 0));
}

struct host *
proc_host(const struct proc *p)
{

	return (p->h);
}

uint16_t
proc_port(const struct proc *p)
{

	return (p->port);
}

const char *
proc_host_name(const struct proc *p)
{

	return (p->h->name);
}

uint32_t
proc_seed(const struct proc *p)
{

	return (p->h->sim->seed ^ g_str_hash(p->h->name) ^ p->port);
}

uint64_t
proc_now(const struct proc *p)
{

	(void)p;
	return (sim_now());
}

static void
proc_timer_fire(void *arg)
{
	struct proc_timer *t = arg;
	struct proc *p = t->p;
	proc_timer_fn fn = t->fn;
	void *fn_arg = t->arg;

	/* Forgotten before the call, which may start timers of its own. */
	g_hash_table_remove(p->timers, &t->id);
	fn(p, p->state, fn_arg);
}

uint64_t
proc_timer_start(struct proc *p, uint64_t delay_ns, proc_timer_fn fn,
    void *arg)
{
	struct proc_timer *t;

	g_assert(p != NULL && fn != NULL);
	t = g_new(struct proc_timer, 1);
	t->p = p;
	t->fn = fn;
	t->arg = arg;
	t->id = sim_schedule(delay_ns, proc_timer_fire, t);
	g_assert(t->id != 0);
	g_hash_table_insert(p->timers, &t->id, t);
	return (t->id);
}

bool
proc_timer_cancel(struct proc *p, uint64_t timer)
{

	if (!g_hash_table_contains(p->timers, &timer))
		return (false);
	sim_cancel(timer);
	g_hash_table_remove(p->timers, &timer);
	return (true);
}
