/*
 * `divertsim view`: one self-contained HTML page of a run (the topology,
 * a sequence diagram of every step, the divert sockets' queues, each
 * host's `ipfw show` at the chosen step, the counters), and the static
 * SVG pictures the teaching pages embed.
 *
 * view.c runs the scenario and collects its events, view_gv.c draws the
 * topology with Graphviz's libgvc, view_seq.c draws the sequence diagram
 * and the queue plot, view_html.c writes the page.
 */
#ifndef DIVERTSIM_VIEW_H
#define DIVERTSIM_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include "scenario/scn.h"
#include "story.h"

struct world;

/* The sequence diagram draws at most this many steps (the page says so). */
#define	VIEW_MAX_STEPS		3000u
/* Events kept whole; past them only the queue plot's are (divert and
 * divert-read), the others only counted: memory stays bounded. */
#define	VIEW_KEEP_EVENTS	100000u
/* Above this many hosts, only hosts with a drawn step get a lane. */
#define	VIEW_ALL_LANES_MAX	60u
/* Above this many hosts, the topology is drawn small and by sfdp. */
#define	VIEW_SMALL_TOPO_MAX	40u
/* The queue plot shows the sockets with the highest peaks, this many. */
#define	VIEW_MAX_QUEUES		12u

/* A lane of the sequence diagram: a host, or a divert process on it. */
struct view_lane {
	char		*host;
	unsigned	 port;		/* 0: the host itself */
	char		*label;		/* "gw", "gw:8000 reinject" */
	double		 x;
};

/* One rule of a host's chain at the end of the run. */
struct view_rule {
	unsigned	 num;
	char		*text;		/* as `ipfw list` prints it, no number */
	uint64_t	 packets, bytes;
};

struct view_host_fw {
	char		*host;
	GArray		*rules;		/* struct view_rule */
};

/* Everything the page and the pictures are made of. */
struct view {
	const struct scenario *s;
	GArray		*evs;		/* struct sev, in narration order */
	GPtrArray	*text;		/* char *: each drawn step in words */
	GPtrArray	*lanes;		/* struct view_lane * */
	GHashTable	*lane_of;	/* "host" or "host:port" -> index + 1 */
	GPtrArray	*fw;		/* struct view_host_fw *, hosts with rules */
	char		*counters;	/* "NAME VALUE" lines, non-zero ones */
	unsigned	 nsteps;	/* events drawn (<= VIEW_MAX_STEPS) */
	unsigned	 nevents;	/* events the run logged */
	uint64_t	 t_first, t_last;	/* of the first and last */
	bool		 bad_line;	/* a line of the log did not parse */
};

void	 view_init(struct view *v, const struct scenario *s);
/* Take one events.jsonl line (the world's events tap). */
void	 view_take_line(void *ctx, const char *line, size_t len);
/* After the run, before the world is freed: the chains and counters. */
void	 view_take_world(struct view *v, struct world *w);
/* Lanes and the drawn steps, once every event is in. */
void	 view_finish(struct view *v);
void	 view_free(struct view *v);

/* A field of an event as text (NULL: absent or null). */
const char *view_field(const struct sev *e, const char *key);

/* The index of host:ifname's link in the scenario, -1 if none; the host
 * at its other end, NULL if none. */
int	 view_link(const struct view *v, const char *host,
	    const char *ifname);
const char *view_peer(const struct view *v, const char *host,
	    const char *ifname);

/* view_gv.c: the topology as SVG; standalone adds the XML prolog. NULL
 * with *why set (free it) when Graphviz fails. */
char	*view_topology_svg(const struct scenario *s, bool standalone,
	    char **why);
/* "100 Mbit/s", "1 ms": link figures as people write them. */
void	 view_fmt_rate(GString *g, uint64_t bps);
void	 view_fmt_ns(GString *g, uint64_t ns);

/* view_seq.c: the sequence diagram and the queue plot as SVG. */
void	 view_sequence_svg(const struct view *v, bool standalone, GString *g);
void	 view_queue_svg(const struct view *v, GString *g);
/* The pictures' CSS, which the page includes too. */
const char *view_seq_style(void);
/* Text for HTML and XML (the page, the pictures, check's JUnit file):
 * the five predefined entities, control bytes but newline and tab
 * dropped. */
void	 view_escape(GString *g, const char *s);

/* Write text to path; false after a message on err. */
bool	 view_write_file(const char *path, const char *text, size_t len,
	    FILE *err);

/* view_html.c: the page. */
bool	 view_write_html(const struct view *v, const char *path, FILE *err);

/* `run --html OUT`: the tap and the page, around run_one()'s world. */
struct view	*view_tap_new(const struct scenario *s);
bool	 view_tap_finish(struct view *v, struct world *w, const char *path,
	    FILE *err);

/* `divertsim view FILE [-o OUT.html] [--svg-topology F] [--svg-sequence F]` */
int	 view_main(int argc, char **argv, FILE *out, FILE *err);

#endif /* DIVERTSIM_VIEW_H */
