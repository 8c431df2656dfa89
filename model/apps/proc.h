/*
 * User processes that own a divert socket.  A process reads one packet at a
 * time, spends its service time on it (`-t`), hands it to its program, and
 * writes back what the program decides, exactly as a user program would use
 * recvfrom(2) and sendto(2).  Programs are registered by name; users of the
 * library may register their own (docs/divert-programs.md).
 */
#ifndef DIVERTSIM_PROC_H
#define DIVERTSIM_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct proc;

/* Largest datagram a program reads (IP_MAXPACKET). */
#define	PROC_MAXPACKET	65535u

struct divert_program {
	const char	*name;		/* as written in `divert PORT NAME` */
	const char	*usage;		/* "retag RULE", for error messages */
	/*
	 * Parse the program's arguments (argv[0] is the first argument after
	 * the name).  Return the program state, or NULL with *err set and
	 * *bad_arg the index of the argument at fault.  Called once at parse
	 * time to report errors and once per process started.
	 */
	void		*(*init)(int argc, char *const argv[], int *bad_arg,
			    GError **err);
	/*
	 * One packet read: buf holds len bytes (room for PROC_MAXPACKET) and
	 * from is what recvfrom returned.  The program writes back with
	 * proc_sendto()/proc_write() as many times as it likes (0 = drop).
	 */
	void		 (*packet)(struct proc *p, void *state, uint8_t *buf,
			    size_t len, struct sockaddr_in *from);
	void		 (*fini)(void *state);
};

/* Register a program (the built-ins register themselves at start-up). */
void		 divert_program_register(const struct divert_program *prog);
const struct divert_program *divert_program_find(const char *name);
/* Register the built-in programs (reinject, drop, retag, ...). */
void		 divert_programs_builtin(void);

/*
 * Start a process on h running prog with its parsed arguments: creates the
 * socket as uid, binds port, sets the receive buffer.  Returns 0 or the
 * errno of socket()/bind() (EPERM, EADDRINUSE); nothing is left behind on
 * error.
 */
int		 proc_start_divert(struct host *h, const struct divert_program *prog,
		    int argc, char *const argv[], uint16_t port, uint32_t uid,
		    uint64_t service_ns, uint32_t rcvbuf, struct proc **out);
void		 proc_free(struct proc *p);

/* The system calls a program uses; both return -1 and set errno on
 * failure, and count the error under divert.PORT.errno.NAME. */
ssize_t		 proc_sendto(struct proc *p, const void *buf, size_t len,
		    const struct sockaddr_in *to, size_t tolen);
ssize_t		 proc_write(struct proc *p, const void *buf, size_t len);
struct host	*proc_host(const struct proc *p);
uint16_t	 proc_port(const struct proc *p);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_PROC_H */
