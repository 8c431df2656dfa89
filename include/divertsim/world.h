/*
 * divertsim's world API: load a scenario (docs/scenario-language.md) from
 * a file or from text, run it, read its counters (docs/counters.md) and
 * its verdict, free it.  This is what divertsim(1) does for `run` and
 * `check`.
 *
 * One world at a time: the simulated clock and the packet identities are
 * process-wide, so free a world before loading the next.  Register your
 * own divert programs (divertsim/program.h) before loading a scenario that
 * names them.
 */
#ifndef DIVERTSIM_WORLD_H
#define DIVERTSIM_WORLD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The verdict of a world, which is divertsim(1)'s exit status. */
enum divertsim_verdict {
	DIVERTSIM_PASS = 0,		/* every expectation held */
	DIVERTSIM_EXPECT_FAILED = 1,	/* at least one failed */
	DIVERTSIM_SCENARIO_ERROR = 2,	/* nothing was simulated, or the
					   run was cut short: an output
					   error, a limit, a signal */
};

/* The defaults of the run limits (divertsim_options_init()). */
#define	DIVERTSIM_MAX_EVENTS_DEFAULT	 500000000ull
#define	DIVERTSIM_MAX_TRACE_BYTES_DEFAULT (1ull << 30)	/* 1 GiB */

struct divertsim_options {
	FILE		*out;		/* the run's report; NULL: none */
	FILE		*errout;	/* diagnostics; NULL: none */
	bool		 quiet;		/* expectation results only */
	bool		 counters;	/* print non-zero counters at the end */
	bool		 traces;	/* write pcaps */
	bool		 events;	/* and events.jsonl beside them */
	bool		 pcapng;	/* and run.pcapng (init: off) */
	const char	*trace_dir;	/* NULL: traces/NAME (NAME the
					   scenario's base name) */
	const char	*expect_prefix;	/* printed before each result line */
	uint64_t	 max_events;	/* end the run after that many
					   events (0: no limit) */
	uint64_t	 max_trace_bytes; /* ... once the traces hold that
					   many bytes (0: no limit) */
};

struct divertsim_world;

/* Defaults: report to stdout, diagnostics to stderr, no traces, the
 * default limits. */
void		 divertsim_options_init(struct divertsim_options *o);
/*
 * End the running world at its current event, as for SIGINT or SIGTERM
 * (sig): files are closed whole, the partial report is printed, and the
 * verdict is DIVERTSIM_SCENARIO_ERROR.  Only sets flags: safe in a signal
 * handler.  It holds for the rest of the process.
 */
void		 divertsim_interrupt(int sig);

/*
 * Parse and build a world, ready to run; o is copied (NULL: defaults).
 * Returns NULL after reporting every error to o->errout, with *nerrors
 * (may be NULL) the number of errors.  name is the scenario's file name
 * in messages and, without its directory and extension, in traces/NAME.
 */
struct divertsim_world *divertsim_world_load_file(const char *path,
		    const struct divertsim_options *o, unsigned *nerrors);
struct divertsim_world *divertsim_world_load_string(const char *name,
		    const char *text, const struct divertsim_options *o,
		    unsigned *nerrors);

/*
 * Simulate until the scenario's `run` time (or until nothing is left to
 * do), print the report and evaluate the expectations.  Once per world;
 * a second call returns DIVERTSIM_SCENARIO_ERROR, and so does a run whose
 * packet conservation audit fails (an internal error of the simulator,
 * reported on errout; docs/counters.md, "Packet conservation").
 */
enum divertsim_verdict divertsim_world_run(struct divertsim_world *w);
/* Expectations that held and that failed in the run (0 before it). */
unsigned	 divertsim_world_passed(const struct divertsim_world *w);
unsigned	 divertsim_world_failed(const struct divertsim_world *w);
/*
 * A counter's value ("gw.divert.8668.read"); false if the world has no
 * such counter.  After the run, per-rule counters match `ipfw show`.
 */
bool		 divertsim_world_counter(const struct divertsim_world *w,
		    const char *name, uint64_t *value);
/* The scenario's name, and where its traces go (NULL: none). */
const char	*divertsim_world_name(const struct divertsim_world *w);
const char	*divertsim_world_trace_dir(const struct divertsim_world *w);
void		 divertsim_world_free(struct divertsim_world *w);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_WORLD_H */
