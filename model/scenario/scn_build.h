/*
 * A world: the hosts, links and scheduled commands built from a parsed
 * scenario, ready to run.  scn_build() turns records into simulation state
 * and finds, before anything is simulated, the errors that only show once
 * the world exists (an unknown counter, a divert program refused its
 * socket, a route to an unreachable gateway); world_run() simulates and
 * reports.
 */
#ifndef DIVERTSIM_SCN_BUILD_H
#define DIVERTSIM_SCN_BUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario/scn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct world;
struct host;

struct run_opts {
	FILE		*out;		/* the run's report */
	FILE		*errout;	/* diagnostics */
	bool		 quiet;		/* -q: expectation results only */
	bool		 counters;	/* --counters */
	bool		 traces;	/* pcaps (and events.jsonl) */
	bool		 events_jsonl;	/* events.jsonl beside the pcaps */
	const char	*trace_dir;	/* where they go (created) */
	const char	*expect_prefix;	/* "PATH: " before result lines */
};

/*
 * Build the world for s (borrowed; it must outlive the world).  Returns NULL
 * after reporting every error to o->errout (*nerrors set).
 */
struct world	*scn_build(const struct scenario *s, const struct run_opts *o,
		    unsigned *nerrors);
/*
 * Simulate, print the report, evaluate the expectations.  Returns the
 * number of failed expectations; *npassed gets the others.
 */
unsigned	 world_run(struct world *w, unsigned *npassed);
void		 world_free(struct world *w);
/* Lookups for tests and the C API. */
struct host	*world_host(const struct world *w, const char *name);
struct counters	*world_counters(const struct world *w);

/*
 * scn_expect.c: whether name can be a counter of this world (registered, or
 * one that appears at run time such as HOST.ipfw.NUM.packets).
 */
bool		 scn_counter_name_valid(const struct world *w, const char *name);
/* Evaluate every expectation, print one line each; returns failures. */
unsigned	 scn_expect_eval(const struct scenario *s,
		    const struct counters *c, FILE *out, const char *prefix,
		    unsigned *npassed);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_SCN_BUILD_H */
