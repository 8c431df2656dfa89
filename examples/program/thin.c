/*
 * thin IDLE_MS: a divert program written against libdivertsim's public
 * API.  It writes back the 1st, 3rd, 5th ... packet of each burst and
 * drops the others; a burst ends when no packet has come for IDLE_MS
 * milliseconds, and the next packet starts a new one.  main() registers
 * the program and runs a scenario that uses it.
 *
 *   cc -o thin thin.c $(pkg-config --cflags --libs divertsim)
 *   ./thin thin.scn [COUNTER ...]
 *
 * runs thin.scn, prints its expectations and each COUNTER's value, and
 * exits as divertsim(1) does: 0 all held, 1 one failed, 2 scenario error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <divertsim/divertsim.h>

#define	NS_PER_MS	1000000ull

struct thin {
	uint64_t	 idle_ns;	/* a burst ends after this long */
	uint64_t	 last_ns;	/* when the last packet was read */
	unsigned	 seen;		/* packets of the current burst */
	bool		 timer;		/* the end-of-burst timer is pending */
};

/* Parse IDLE_MS.  Runs without a world (divertsim lint calls it too). */
static bool
thin_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{
	struct thin *t;
	unsigned long ms;
	char *end;

	if (argc != 1) {
		*bad_arg = argc < 1 ? 0 : 1;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "thin takes one argument, IDLE_MS");
		return (false);
	}
	errno = 0;
	ms = strtoul(argv[0], &end, 10);
	if (argv[0][0] < '0' || argv[0][0] > '9' || *end != '\0' ||
	    errno != 0 || ms < 1 || ms > 3600000) {
		*bad_arg = 0;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "IDLE_MS must be a number from 1 to 3600000, not '%s'",
		    argv[0]);
		return (false);
	}
	t = g_new0(struct thin, 1);
	t->idle_ns = ms * NS_PER_MS;
	*state = t;
	return (true);
}

/*
 * The end-of-burst timer.  Packets only move last_ns; the timer, when it
 * runs, sleeps again for what is left of the idle time, so a burst costs
 * a few timers rather than one per packet.
 */
static void
thin_idle(struct proc *p, void *state, void *arg)
{
	struct thin *t = state;
	uint64_t quiet;

	(void)arg;
	quiet = proc_now(p) - t->last_ns;
	if (quiet >= t->idle_ns) {
		t->seen = 0;
		t->timer = false;
	} else {
		(void)proc_timer_start(p, t->idle_ns - quiet, thin_idle,
		    NULL);
	}
}

static void
thin_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{
	struct thin *t = state;

	t->last_ns = proc_now(p);
	if (!t->timer) {
		t->timer = true;
		(void)proc_timer_start(p, t->idle_ns, thin_idle, NULL);
	}
	/* Written back with the address read: re-enters after the rule. */
	if (t->seen++ % 2 == 0)
		(void)proc_sendto(p, buf, len, from, sizeof(*from));
}

static const struct divert_program thin_program = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "thin",
	.usage = "thin IDLE_MS",
	.init = thin_init,
	.packet = thin_packet,
	.fini = g_free,
};

int
main(int argc, char *argv[])
{
	struct divertsim_options o;
	struct divertsim_world *w;
	enum divertsim_verdict v;
	unsigned nerr = 0;
	uint64_t value;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: thin SCENARIO [COUNTER ...]\n");
		return (DIVERTSIM_SCENARIO_ERROR);
	}
	if (!divert_program_register(&thin_program)) {
		fprintf(stderr, "thin: libdivertsim %s refused the program\n",
		    divertsim_version());
		return (DIVERTSIM_SCENARIO_ERROR);
	}
	divertsim_options_init(&o);
	o.quiet = true;		/* the expectations only */
	w = divertsim_world_load_file(argv[1], &o, &nerr);
	if (w == NULL) {
		fprintf(stderr, "%s: %u error(s), nothing simulated\n",
		    argv[1], nerr);
		return (DIVERTSIM_SCENARIO_ERROR);
	}
	v = divertsim_world_run(w);
	for (i = 2; i < argc; i++) {
		if (divertsim_world_counter(w, argv[i], &value)) {
			printf("%s %" PRIu64 "\n", argv[i], value);
		} else {
			fprintf(stderr, "thin: no counter %s\n", argv[i]);
			v = DIVERTSIM_SCENARIO_ERROR;
		}
	}
	divertsim_world_free(w);
	return ((int)v);
}
