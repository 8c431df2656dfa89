/*
 * divertsim's divert-program API: a program is the user-space half of
 * divert(4), the process that reads each packet ipfw diverts to its port
 * and writes it back (or not), as natd(8) does with recvfrom(2) and
 * sendto(2).  A scenario starts one with `divert PORT NAME [ARGS ...]`;
 * the simulator runs its callbacks in simulated time.
 * docs/divert-programs.md describes the model and has a complete example.
 *
 * Checking a program's arguments needs no world: init() gets only the
 * arguments and never a process, so a checker (divertsim lint) does
 *
 *	const struct divert_program *prog;
 *
 *	divert_programs_builtin();
 *	prog = divert_program_find(name);	(NULL: unknown program)
 *	if (!divert_program_check_args(prog, argc, argv, &bad_arg, &err))
 *		report err->message at argv[bad_arg], with prog->usage;
 *
 * which is prog->init() followed by prog->fini() on success.
 */
#ifndef DIVERTSIM_PROGRAM_H
#define DIVERTSIM_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of this API.  A program sets .api_version to it, and
 * divert_program_register() refuses a program built for another version.
 */
#define	DIVERTSIM_PROGRAM_API_VERSION	1

/* Largest datagram a program reads (IP_MAXPACKET). */
#define	PROC_MAXPACKET	65535u

/* GError domain of the built-in programs' argument errors (code 0). */
#define	DIVERT_PROGRAM_ERROR	(divert_program_error_quark())
GQuark		 divert_program_error_quark(void);

/* A process running a program: one divert socket bound to one port. */
struct proc;

/* A timer's callback: the process, its program state, the timer's arg. */
typedef void	(*proc_timer_fn)(struct proc *p, void *state, void *arg);

struct divert_program {
	unsigned	 api_version;	/* DIVERTSIM_PROGRAM_API_VERSION */
	const char	*name;		/* as written in `divert PORT NAME` */
	const char	*usage;		/* "retag RULE", for error messages */
	/*
	 * Parse the arguments (argv[0] is the first word after the name;
	 * `-u`, `-t`, `-b` are not included).  On success set *state (NULL
	 * is a valid state: "none") and return true.  On error return false
	 * with *err set and *bad_arg the index of the argument at fault
	 * (argc for a missing one), leaving nothing allocated.  Called once
	 * per process started and whenever arguments are checked, without a
	 * world: it must only parse.
	 */
	bool		 (*init)(int argc, char *const argv[], void **state,
			    int *bad_arg, GError **err);
	/*
	 * Optional: called once when the process has its bound socket, at
	 * the simulated time it starts, before any packet (a place to start
	 * timers).
	 */
	void		 (*start)(struct proc *p, void *state);
	/*
	 * One packet read: buf holds len bytes (room for PROC_MAXPACKET) and
	 * from is what recvfrom(2) returned; both may be changed.  Write back
	 * with proc_sendto()/proc_write() as many times as wanted (none: the
	 * packet ends in the process).
	 */
	void		 (*packet)(struct proc *p, void *state, uint8_t *buf,
			    size_t len, struct sockaddr_in *from);
	/* Optional: free the state when the process ends. */
	void		 (*fini)(void *state);
};

/*
 * Add prog to the registry (a later registration of a name replaces the
 * earlier one, so a built-in can be overridden).  prog must stay valid.
 * Returns false, registering nothing, when prog->api_version is not
 * DIVERTSIM_PROGRAM_API_VERSION or a callback it needs is missing.
 */
bool		 divert_program_register(const struct divert_program *prog);
/* The program registered under name, or NULL. */
const struct divert_program *divert_program_find(const char *name);
/* The i-th registered program (in registration order), or NULL past the
 * last: how a front end lists them. */
const struct divert_program *divert_program_nth(unsigned i);
/* Register the built-in programs (reinject, drop, retag, ..., natd);
 * idempotent, and a user's registration of a built-in name stays. */
void		 divert_programs_builtin(void);
/*
 * Check arguments without building anything: prog->init(), then
 * prog->fini() on the state.  Returns what init() returned, with *bad_arg
 * and *err set on failure.
 */
bool		 divert_program_check_args(const struct divert_program *prog,
		    int argc, char *const argv[], int *bad_arg, GError **err);

/*
 * sendto(2) and write(2) (no address) on the process's divert socket.
 * Return the length written, or -1 with errno set as the system call sets
 * it; either way the result is counted (HOST.divert.PORT.written, or
 * .write_errors and .errno.NAME).  A write carries the simulator's
 * identity (lineage) of the packet last read, so write back from packet()
 * to keep the event log's story right.
 */
ssize_t		 proc_sendto(struct proc *p, const void *buf, size_t len,
		    const struct sockaddr_in *to, size_t tolen);
ssize_t		 proc_write(struct proc *p, const void *buf, size_t len);

/* The divert port the process is bound to, and its host's name. */
uint16_t	 proc_port(const struct proc *p);
const char	*proc_host_name(const struct proc *p);
/* A seed for the process's own random draws: the scenario's `seed` mixed
 * with the host's name and the port, so runs repeat exactly. */
uint32_t	 proc_seed(const struct proc *p);

/* The clock: simulated time now, in nanoseconds since the start. */
uint64_t	 proc_now(const struct proc *p);
/*
 * Call fn(p, state, arg) once, delay_ns of simulated time from now.
 * Returns the timer's id (never 0).  Pending timers are cancelled when
 * the process ends.
 */
uint64_t	 proc_timer_start(struct proc *p, uint64_t delay_ns,
		    proc_timer_fn fn, void *arg);
/* Cancel a pending timer; false if it already ran or was cancelled. */
bool		 proc_timer_cancel(struct proc *p, uint64_t timer);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_PROGRAM_H */
