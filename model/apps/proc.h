/*
 * User processes that own a divert socket.  A process reads one packet at a
 * time, spends its service time on it (`-t`), hands it to its program, and
 * writes back what the program decides, exactly as a user program would use
 * recvfrom(2) and sendto(2).  The programs' API is public
 * (include/divertsim/program.h); starting and ending processes is the
 * scenario builder's, declared here.
 */
#ifndef DIVERTSIM_PROC_H
#define DIVERTSIM_PROC_H

#include <stdint.h>

#include "divertsim/program.h"

#ifdef __cplusplus
extern "C" {
#endif

struct host;

/*
 * Start a process on h running prog with its arguments: init() parses them
 * (EINVAL if it refuses them: check them first with
 * divert_program_check_args() to report why), then the socket is created
 * as uid, bound to port and given its receive buffer, and prog->start()
 * runs.  Returns 0 or the errno of socket()/bind() (EPERM, EADDRINUSE);
 * nothing is left behind on error.
 */
int		 proc_start_divert(struct host *h, const struct divert_program *prog,
		    int argc, char *const argv[], uint16_t port, uint32_t uid,
		    uint64_t service_ns, uint32_t rcvbuf, struct proc **out);
/* End the process: its timers are cancelled, its socket closed. */
void		 proc_free(struct proc *p);
struct host	*proc_host(const struct proc *p);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_PROC_H */
