/*
 * run.pcapng: one pcapng file per run, written by Wireshark's libwiretap,
 * with a record for every narrative step of the run (the event log's step
 * sink, sim/events.h):
 * - a step with a frame (a link-in/link-out, a divert read or write) on
 *   the interface it crossed, "HOST:IFNAME" ("gw:em0", "gw:divert8000"),
 *   with its direction flag;
 * - a step without one (an ipfw verdict, a forward, a drop, ...) on the
 *   host's pseudo-interface "HOST", as an exported PDU whose text is the
 *   step;
 * each with the step's lineage as packet id and its narrative line
 * (preceded by the event kind) as comment, at the simulated time in
 * nanoseconds.  Steps come in simulated-time order, so the file is sorted.
 * The bytes libwiretap produces reach the file through the trace folder's
 * checked writer (trace_dir.h): O_NOFOLLOW, whole blocks, the byte budget.
 */
#ifndef DIVERTSIM_PCAPNG_WRITER_H
#define DIVERTSIM_PCAPNG_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/events.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pcapng_writer;
struct trace_dir;

/* Link type of a host's pseudo-interface (LINKTYPE_WIRESHARK_UPPER_PDU). */
#define	PCAPNG_LINKTYPE_UPPER_PDU	252u

/*
 * Create name in the trace folder; comment (may be NULL) goes in the
 * section header.  NULL on failure, then the folder's error.
 */
struct pcapng_writer *pcapng_writer_create(struct trace_dir *td,
		    const char *name, const char *comment);
/*
 * Describe interface "host:ifname" now (each name once; a step on an
 * interface not described yet describes it then).  False once the file
 * has failed.
 */
bool		 pcapng_writer_interface(struct pcapng_writer *w,
		    const char *host, const char *ifname, uint32_t linktype);
/* The step sink (ev_log_set_step_sink(), ctx the writer). */
void		 pcapng_writer_step(void *ctx, const struct ev_step *s);
/*
 * Whether libwiretap could be opened (it is, once, on the first call of
 * this or of pcapng_writer_create()); when not, *why (if why is not NULL)
 * gets dlerror()'s text.
 */
bool		 pcapng_writer_available(const char **why);
/* Records written so far. */
uint64_t	 pcapng_writer_records(const struct pcapng_writer *w);
/* Finish, close and free; false if the file failed.  NULL is allowed. */
bool		 pcapng_writer_close(struct pcapng_writer *w);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_PCAPNG_WRITER_H */
