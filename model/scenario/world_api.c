/*
 * The public world API (include/divertsim/world.h) over the scenario
 * parser and builder: a divertsim_world owns its parsed scenario, its
 * built world and the options' strings, and remembers the run's verdict.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "config.h"
#include "divertsim/divertsim.h"
#include "ns3/ns3_shim.h"
#include "scenario/diag.h"
#include "scenario/scn.h"
#include "scenario/scn_build.h"
#include "sim/counters.h"

struct divertsim_world {
	struct scenario	*s;
	struct world	*w;
	FILE		*devnull;	/* stands for a NULL out or errout */
	char		*trace_dir;
	bool		 ran;
	unsigned	 passed, failed;
};

const char *
divertsim_version(void)
{

	return (DIVERTSIM_VERSION);
}

void
divertsim_options_init(struct divertsim_options *o)
{

	memset(o, 0, sizeof(*o));
	o->out = stdout;
	o->errout = stderr;
	o->events = true;
	o->max_events = DIVERTSIM_MAX_EVENTS_DEFAULT;
	o->max_trace_bytes = DIVERTSIM_MAX_TRACE_BYTES_DEFAULT;
}

/* The signal divertsim_interrupt() was given, 0 if none. */
static volatile sig_atomic_t interrupted;

void
divertsim_interrupt(int sig)
{

	interrupted = sig;
	ns3_stop();
}

static struct divertsim_world *
world_load(struct scenario *s, FILE *devnull,
    const struct divertsim_options *o, struct diag *d)
{
	struct divertsim_world *dw;
	struct run_opts ro;

	dw = g_new0(struct divertsim_world, 1);
	dw->s = s;
	dw->devnull = devnull;
	memset(&ro, 0, sizeof(ro));
	ro.out = o->out != NULL ? o->out : devnull;
	ro.errout = o->errout != NULL ? o->errout : devnull;
	ro.quiet = o->quiet || o->out == NULL;
	ro.counters = o->counters;
	ro.traces = o->traces;
	ro.events_jsonl = o->traces && o->events;
	ro.pcapng = o->traces && o->pcapng;
	ro.expect_prefix = o->expect_prefix;
	ro.max_events = o->max_events;
	ro.max_trace_bytes = o->max_trace_bytes;
	ro.interrupted = &interrupted;
	if (o->traces) {
		dw->trace_dir = o->trace_dir != NULL ?
		    g_strdup(o->trace_dir) :
		    g_build_filename("traces", s->name, NULL);
		ro.trace_dir = dw->trace_dir;
	}
	/* On errors dw->w is NULL: the caller flushes d, then frees dw
	 * (and the /dev/null d may write to). */
	dw->w = scn_build_diag(s, &ro, d);
	return (dw);
}

/*
 * The streams stay the caller's; /dev/null stands in for a NULL one so
 * that the parser and the builder always have somewhere to write.
 */
static FILE *
open_devnull(const struct divertsim_options *o)
{

	if (o->out != NULL && o->errout != NULL)
		return (NULL);
	return (fopen("/dev/null", "w"));
}

/* Parse text, or the file at path when text is NULL, then build. */
static struct divertsim_world *
world_parse(const char *path, const char *text,
    const struct divertsim_options *o, unsigned *nerrors)
{
	struct divertsim_options defaults;
	struct divertsim_world *dw = NULL;
	struct scenario *s;
	struct diag d;
	FILE *devnull, *errout;

	if (o == NULL) {
		divertsim_options_init(&defaults);
		o = &defaults;
	}
	devnull = open_devnull(o);
	errout = o->errout != NULL ? o->errout : devnull;
	/* One round: the parser's and the builder's errors in line order
	 * (the world is built from the lines that parsed). */
	diag_init(&d, path, errout);
	diag_set_sorted(&d, true);
	s = text == NULL ? scn_parse_file_diag(path, &d) :
	    scn_parse_text_diag(path, text, &d);
	if (s != NULL)
		dw = world_load(s, devnull, o, &d);
	diag_flush(&d);
	/* dw owns devnull from here; without dw it is closed here. */
	if (s == NULL && devnull != NULL)
		fclose(devnull);
	if (nerrors != NULL)
		*nerrors = d.errors;
	if (dw != NULL && dw->w == NULL) {
		divertsim_world_free(dw);
		dw = NULL;
	}
	return (dw);
}

struct divertsim_world *
divertsim_world_load_file(const char *path, const struct divertsim_options *o,
    unsigned *nerrors)
{

	return (world_parse(path, NULL, o, nerrors));
}

struct divertsim_world *
divertsim_world_load_string(const char *name, const char *text,
    const struct divertsim_options *o, unsigned *nerrors)
{

	g_assert(text != NULL);
	return (world_parse(name, text, o, nerrors));
}

enum divertsim_verdict
divertsim_world_run(struct divertsim_world *w)
{

	if (w->ran)
		return (DIVERTSIM_SCENARIO_ERROR);
	w->ran = true;
	w->failed = world_run(w->w, &w->passed);
	/* Cut short (an output error, a limit, a signal), or a trace file
	 * that could not be made: not a verdict on the expectations. */
	if (world_cut_short(w->w) != NULL ||
	    counters_get(world_counters(w->w), "sim.trace_errors", NULL) > 0)
		return (DIVERTSIM_SCENARIO_ERROR);
	/* The packet conservation audit failed: an internal error. */
	if (!world_conserved(w->w))
		return (DIVERTSIM_SCENARIO_ERROR);
	return (w->failed > 0 ? DIVERTSIM_EXPECT_FAILED : DIVERTSIM_PASS);
}

unsigned
divertsim_world_passed(const struct divertsim_world *w)
{

	return (w->passed);
}

unsigned
divertsim_world_failed(const struct divertsim_world *w)
{

	return (w->failed);
}

bool
divertsim_world_counter(const struct divertsim_world *w, const char *name,
    uint64_t *value)
{
	bool exists = false;
	uint64_t v;

	v = counters_get(world_counters(w->w), name, &exists);
	if (exists && value != NULL)
		*value = v;
	return (exists);
}

const char *
divertsim_world_name(const struct divertsim_world *w)
{

	return (w->s->name);
}

const char *
divertsim_world_trace_dir(const struct divertsim_world *w)
{

	return (w->trace_dir);
}

void
divertsim_world_free(struct divertsim_world *w)
{

	if (w == NULL)
		return;
	/* The world borrows the scenario: freed first. */
	if (w->w != NULL)
		world_free(w->w);
	scn_free(w->s);
	if (w->devnull != NULL)
		fclose(w->devnull);
	g_free(w->trace_dir);
	g_free(w);
}
