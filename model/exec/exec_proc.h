/*
 * Real processes on simulated divert sockets: `divert PORT exec PROGRAM
 * [ARGS ...]` starts PROGRAM with the preload shim (shim/), and this module
 * serves its divert sockets, its clock and its waits in simulated time,
 * over the control channel of exec/exec_proto.h.  The simulator runs only
 * while every such process is blocked in the shim, so a run is
 * deterministic when the programs are.
 */
#ifndef DIVERTSIM_EXEC_PROC_H
#define DIVERTSIM_EXEC_PROC_H

#include <stdbool.h>
#include <stdint.h>

struct host;

/* How a process is started: everything the scenario line says. */
struct exec_spec {
	const char	*path;		/* resolved PROGRAM (exec_resolve()) */
	int		 argc;		/* PROGRAM and its arguments */
	char *const	*argv;
	const char	*cwd;		/* the scenario's directory */
	uint16_t	 port;		/* the scenario's PORT: counter names */
	uint32_t	 uid;		/* -u: socket() is EPERM unless 0 */
	uint64_t	 service_ns;	/* -t: simulated cost of each packet */
	uint32_t	 rcvbuf;	/* -b: each socket's receive buffer */
};

/*
 * PROGRAM as a path: with a '/', relative to dir; a bare name is looked
 * for in dir, then on PATH.  NULL (with *why set, static) when there is no
 * executable file of that name.
 */
char		*exec_resolve(const char *program, const char *dir,
		    const char **why);
/*
 * Start the process and serve it until it first blocks (it has its
 * sockets by then, as a real program has before packets flow).  Returns 0,
 * or an errno (fork, memfd_create, mmap) with nothing left behind.  A
 * process that dies or hangs later is reported, not returned.
 */
int		 exec_proc_start(struct host *h, const struct exec_spec *spec);
/* The wall-clock limit for a program to block again, in ms (default). */
#define	EXEC_DEFAULT_LIMIT_MS	5000u
#define	EXEC_MAX_LIMIT_MS	3600000u
/* How long a side waiting for its turn spins before it sleeps, in ns. */
#define	EXEC_DEFAULT_SPIN_NS	0
/*
 * The limit (--exec-limit MS); it wins over $DIVERTSIM_EXEC_LIMIT_MS,
 * which wins over the default.
 */
void		 exec_set_limit_ms(unsigned ms);
/* MS as --exec-limit takes it: 1 .. EXEC_MAX_LIMIT_MS. */
bool		 exec_parse_limit_ms(const char *s, unsigned *ms);

#endif /* DIVERTSIM_EXEC_PROC_H */
