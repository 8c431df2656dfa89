/*
 * The narration options of `divertsim run` (--host, --ev, --lineage,
 * --width) and `divertsim story`: one packet's walk read back from
 * events.jsonl.
 */
#ifndef DIVERTSIM_STORY_H
#define DIVERTSIM_STORY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario/scn.h"
#include "sim/events.h"

struct narrate_opts {
	const char	*host;
	const char	*ev;
	uint64_t	 lineage;
	unsigned	 width;
};

/* Narrower than this, a line has no room left after time and host. */
#define	NARRATE_MIN_WIDTH	40u

/*
 * Take one option: ch is 'H' (--host), 'E' (--ev), 'L' (--lineage) or 'W'
 * (--width).  Returns false after a message on stderr for a bad value.
 */
bool	 narrate_option(struct narrate_opts *n, int ch, const char *arg);
/* The options as the event log takes them. */
void	 narrate_apply(const struct narrate_opts *n, struct ev_narration *o);
/*
 * Whether --host (if given) names a host scenario s declares; if not, a
 * message on err.
 */
bool	 narrate_host_known(const struct narrate_opts *n,
	    const struct scenario *s, const char *path, FILE *err);
/* One object of events.jsonl. */
struct sev {
	GHashTable	*f;		/* key -> value text (NULL: null) */
	uint64_t	 t;
	const char	*host;
	const char	*ev;
	uint64_t	 lineage;	/* 0: none */
	uint64_t	 owner;		/* lineage whose walk shows it, 0 none */
};

/* Parse one line into e (e->f is made even on failure: destroy it). */
bool	 story_parse_event(const char *line, struct sev *e);
/* The step in words, as `story` tells it, appended to s. */
void	 story_describe(const struct sev *e, GString *s);
/* `divertsim story [--width N] FILE LINEAGE`; returns the exit status. */
int	 story_main(int argc, char **argv, FILE *out, FILE *err);

#endif /* DIVERTSIM_STORY_H */
