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
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include "scenario/scn.h"
#include "sim/events.h"

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
	bool		 pcapng;	/* run.pcapng beside the pcaps */
	const char	*trace_dir;	/* where they go (created) */
	const char	*expect_prefix;	/* "PATH: " before result lines */
	bool		 failures_only;	/* print failed expectations only */
	/* Called for every expectation once evaluated (JUnit reports). */
	void		(*on_expect)(void *ctx, const struct scn_expect *x,
			    uint64_t got, bool ok);
	void		*on_expect_ctx;
	uint64_t	 max_events;	/* --max-events (0: none) */
	uint64_t	 max_trace_bytes; /* --max-trace-bytes (0: none) */
	/* Set to SIGINT or SIGTERM by the caller's handler (may be NULL). */
	const volatile sig_atomic_t *interrupted;
	struct ev_narration narration;	/* which events are narrated */
	/* Also handed every events.jsonl line, traces or not (the page of
	 * `divertsim view`); NULL: none. */
	void		(*events_tap)(void *ctx, const char *line, size_t len);
	void		*events_tap_ctx;
	/* Free what of s the build has used up: each host's interface
	 * names and time-0 commands, the links (nothing in the build or the
	 * run needs them again; `divertsim view` draws them, so it leaves
	 * this off). */
	bool		 consume_cmds;
	/* `lint`: the world is only checked, never run (no ns-3 nodes or
	 * devices; world_run() must not be called). */
	bool		 check_only;
};

/*
 * Events at one simulated nanosecond beyond which the run is a zero-time
 * livelock (say, delay 0 and a transmission time that rounds to 0 ns).
 */
#define	RUN_MAX_EVENTS_PER_INSTANT	1000000ull

/*
 * Build the world for s (borrowed; it must outlive the world).  Returns NULL
 * after reporting every error to o->errout (*nerrors set).
 */
struct world	*scn_build(const struct scenario *s, const struct run_opts *o,
		    unsigned *nerrors);
/*
 * The same, reporting through d (scenario/diag.h) so that the parser's and
 * the builder's findings come out as one list in line order; warnings too
 * (a rule that can never match, a counter nothing moves, no expectation).
 * s may hold parse errors (scn_parse_file_diag()): the world is still built
 * from the lines that parsed, to find the build's errors in the same round,
 * and NULL is returned.  Nothing reaches o->out unless the build succeeds.
 */
struct diag;
struct world	*scn_build_diag(const struct scenario *s,
		    const struct run_opts *o, struct diag *d);
/*
 * Simulate, print the report, evaluate the expectations.  Returns the
 * number of failed expectations; *npassed gets the others.
 */
unsigned	 world_run(struct world *w, unsigned *npassed);
/*
 * After world_run(): whether packet conservation held (when it did not,
 * world_run() reported an internal error on errout).
 */
bool		 world_conserved(const struct world *w);
/*
 * Why the last world_run() ended early (an output error, a limit, a
 * signal), already reported on errout; NULL when it ran to its end.
 */
const char	*world_cut_short(const struct world *w);
void		 world_free(struct world *w);
/* Lookups for tests and the C API. */
struct host	*world_host(const struct world *w, const char *name);
struct counters	*world_counters(const struct world *w);

/*
 * What the file can make exist, for checking counter names exactly: keys
 * "HOST:PORT" of divert ports a `divert` line binds (at time 0 or in an
 * `at` command) and of ports a divert or tee rule sends to, "HOST:NUM" of
 * rule numbers an `at` line adds (those of the time-0 lines are read from
 * the chains, not copied here).
 */
struct scn_counter_facts {
	GHashTable	*bound;
	GHashTable	*targeted;
	GHashTable	*rules;
	/* Connection blocks the file's connect lines can make, both ends
	 * counted: HOST.tcp.conn.N exists for no N above it. */
	uint64_t	 tcp_conns;
};
const struct scn_counter_facts *world_counter_facts(const struct world *w);

/*
 * scn_expect.c: whether name is a counter of this world, every part of it
 * checked (host, family, interface, port, rule number, errno name).
 * Returns SCN_COUNTER_OK, or _WARNING (it exists but nothing in the file
 * can move it) or _ERROR with *msg set (free it), "did you mean" included.
 */
#define	SCN_COUNTER_OK		0
#define	SCN_COUNTER_WARNING	1
#define	SCN_COUNTER_ERROR	2
int		 scn_counter_check(const struct world *w, const char *name,
		    char **msg);
bool		 scn_counter_name_valid(const struct world *w, const char *name);
/* Every counter name the world can have (registered at time 0, or made
 * possible by a line of the file), sorted; free with g_ptr_array_free. */
GPtrArray	*scn_counter_names(const struct world *w);
/* Evaluate every expectation, print one line each; returns failures. */
unsigned	 scn_expect_eval(const struct scenario *s,
		    const struct counters *c, FILE *out, const char *prefix,
		    unsigned *npassed);
/* The same, honouring o->failures_only and o->on_expect. */
unsigned	 scn_expect_eval_opts(const struct scenario *s,
		    const struct counters *c, const struct run_opts *o,
		    unsigned *npassed);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_SCN_BUILD_H */
