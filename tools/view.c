/*
 * `divertsim view`: run a scenario in this process with the world's
 * events tap (every events.jsonl line, no trace file needed), then draw
 * the page and the pictures from the events, the scenario's topology and,
 * at the end of the run, each host's chain and the counters.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "config.h"
#include "divertsim/divertsim.h"
#include "divertsim/program.h"
#include "ipfw/ipfw.h"
#include "net/host.h"
#include "scenario/diag.h"
#include "scenario/scn.h"
#include "scenario/scn_build.h"
#include "sim/counters.h"
#include "view.h"

const char *
view_field(const struct sev *e, const char *key)
{
	return (g_hash_table_lookup(e->f, key));
}

void
view_init(struct view *v, const struct scenario *s)
{
	memset(v, 0, sizeof(*v));
	v->s = s;
	v->evs = g_array_new(FALSE, FALSE, sizeof(struct sev));
	v->text = g_ptr_array_new_with_free_func(g_free);
	v->lanes = g_ptr_array_new();
	v->lane_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	v->fw = g_ptr_array_new();
}

static bool
same_instant(const struct sev *a, const struct sev *b)
{
	return (a->t == b->t && strcmp(a->host, b->host) == 0);
}

void
view_take_line(void *ctx, const char *line, size_t len)
{
	struct view *v = ctx;
	char *l = g_strndup(line, len);
	struct sev e = { 0 };
	const char *dir;
	guint at;

	if (!story_parse_event(l, &e)) {
		v->bad_line = true;
		g_hash_table_destroy(e.f);
		g_free(l);
		return;
	}
	g_free(l);
	if (v->nevents++ == 0)
		v->t_first = e.t;
	v->t_last = e.t;
	if (v->evs->len >= VIEW_KEEP_EVENTS && strcmp(e.ev, "divert") != 0 &&
	    strcmp(e.ev, "divert-read") != 0) {
		g_hash_table_destroy(e.f);
		return;
	}
	g_array_append_val(v->evs, e);
	dir = view_field(&e, "dir");
	if (strcmp(e.ev, "divert-write") != 0 || dir == NULL ||
	    strcmp(dir, "out") != 0)
		return;
	/*
	 * An outgoing write-back is logged once ip_output() has run (its
	 * errno is the result): put it before the steps ip_output() took
	 * for it at that instant, where the narration prints it.
	 */
	for (at = v->evs->len - 1; at > 0; at--) {
		const struct sev *p = &g_array_index(v->evs, struct sev,
		    at - 1);

		if (!same_instant(p, &e) || p->lineage != e.lineage ||
		    strncmp(p->ev, "divert", 6) == 0)
			break;
	}
	if (at != v->evs->len - 1) {
		g_array_remove_index(v->evs, v->evs->len - 1);
		g_array_insert_val(v->evs, at, e);
	}
}

void
view_take_world(struct view *v, struct world *w)
{
	GString *g = g_string_new(NULL);
	char *buf = NULL;
	size_t blen = 0;
	FILE *f;

	for (guint i = 0; i < v->s->hosts->len; i++) {
		const struct scn_host *sh = g_ptr_array_index(v->s->hosts, i);
		struct host *h = world_host(w, sh->name);
		struct view_host_fw *fw;
		char **lines;

		if (h == NULL || h->fw == NULL || !ipfw_chain_has_rules(h->fw))
			continue;
		g_string_truncate(g, 0);
		ipfw_chain_print(h->fw, true, g);
		fw = g_new0(struct view_host_fw, 1);
		fw->host = g_strdup(sh->name);
		fw->rules = g_array_new(FALSE, TRUE, sizeof(struct view_rule));
		lines = g_strsplit(g->str, "\n", -1);
		for (char **l = lines; *l != NULL; l++) {
			struct view_rule r = { 0 };
			int off = 0;

			if (**l == '\0')
				continue;
			/* `ipfw show`: number, packets, bytes, the rule. */
			if (sscanf(*l, "%u %" SCNu64 " %" SCNu64 " %n", &r.num,
			    &r.packets, &r.bytes, &off) < 3 || off == 0) {
				r.num = 0;
				r.text = g_strdup(*l);
			} else
				r.text = g_strdup(*l + off);
			g_array_append_val(fw->rules, r);
		}
		g_strfreev(lines);
		g_ptr_array_add(v->fw, fw);
	}
	g_string_free(g, TRUE);
	f = open_memstream(&buf, &blen);
	if (f != NULL) {
		counters_dump(world_counters(w), f);
		fclose(f);
		v->counters = buf;
	}
}

static unsigned
lane_add(struct view *v, const char *host, unsigned port, const char *prog)
{
	char *key = port != 0 ? g_strdup_printf("%s:%u", host, port) :
	    g_strdup(host);
	gpointer got = g_hash_table_lookup(v->lane_of, key);
	struct view_lane *l;

	if (got != NULL) {
		g_free(key);
		return (GPOINTER_TO_UINT(got) - 1);
	}
	l = g_new0(struct view_lane, 1);
	l->host = g_strdup(host);
	l->port = port;
	l->label = port != 0 ? g_strdup_printf("%s:%u %s", host, port,
	    prog != NULL ? prog : "") : g_strdup(host);
	g_ptr_array_add(v->lanes, l);
	g_hash_table_insert(v->lane_of, key, GUINT_TO_POINTER(v->lanes->len));
	return (v->lanes->len - 1);
}

int
view_link(const struct view *v, const char *host, const char *ifname)
{
	for (guint i = 0; i < v->s->links->len; i++) {
		const struct scn_link *l = g_ptr_array_index(v->s->links, i);

		if ((strcmp(l->a, host) == 0 && strcmp(l->ifa, ifname) == 0) ||
		    (strcmp(l->b, host) == 0 && strcmp(l->ifb, ifname) == 0))
			return ((int)i);
	}
	return (-1);
}

const char *
view_peer(const struct view *v, const char *host, const char *ifname)
{
	int i = view_link(v, host, ifname);
	const struct scn_link *l;

	if (i < 0)
		return (NULL);
	l = g_ptr_array_index(v->s->links, (guint)i);
	return (strcmp(l->a, host) == 0 && strcmp(l->ifa, ifname) == 0 ?
	    l->b : l->a);
}

/* A host's lane and then its processes' lanes, from its divert lines. */
static void
host_lanes(struct view *v, const struct scn_host *h)
{
	lane_add(v, h->name, 0, NULL);
	for (guint j = 0; j < h->cmds->len; j++) {
		const struct scn_host_cmd *c = g_ptr_array_index(h->cmds, j);

		if (c->kind == SCN_DIVERT)
			lane_add(v, h->name, c->u.divert.port,
			    c->u.divert.program);
	}
	for (guint j = 0; j < v->s->ats->len; j++) {
		const struct scn_at *at = g_ptr_array_index(v->s->ats, j);

		if (at->cmd->kind == SCN_DIVERT && strcmp(at->host,
		    h->name) == 0)
			lane_add(v, h->name, at->cmd->u.divert.port,
			    at->cmd->u.divert.program);
	}
}

void
view_finish(struct view *v)
{
	GHashTable *want = NULL;
	GString *t = g_string_new(NULL);

	v->nsteps = MIN(v->evs->len, VIEW_MAX_STEPS);
	for (guint i = 0; i < v->nsteps; i++) {
		g_string_truncate(t, 0);
		story_describe(&g_array_index(v->evs, struct sev, i), t);
		g_ptr_array_add(v->text, g_strdup(t->str));
	}
	g_string_free(t, TRUE);
	/* A large world: lanes only for hosts a drawn step involves. */
	if (v->s->hosts->len > VIEW_ALL_LANES_MAX) {
		want = g_hash_table_new(g_str_hash, g_str_equal);
		for (guint i = 0; i < v->nsteps; i++) {
			const struct sev *e = &g_array_index(v->evs,
			    struct sev, i);
			const char *ifn = view_field(e, "if");

			g_hash_table_add(want, (gpointer)e->host);
			if (strcmp(e->ev, "link-out") == 0 && ifn != NULL &&
			    view_peer(v, e->host, ifn) != NULL)
				g_hash_table_add(want, (gpointer)view_peer(v,
				    e->host, ifn));
		}
	}
	for (guint i = 0; i < v->s->hosts->len; i++) {
		const struct scn_host *h = g_ptr_array_index(v->s->hosts, i);

		if (want == NULL || g_hash_table_contains(want, h->name))
			host_lanes(v, h);
	}
	/* A port no divert line names (it cannot happen today): a lane
	 * all the same, so that no step is left without one. */
	for (guint i = 0; i < v->nsteps; i++) {
		const struct sev *e = &g_array_index(v->evs, struct sev, i);
		const char *port = view_field(e, "port");

		if (port != NULL && strncmp(e->ev, "divert", 6) == 0)
			lane_add(v, e->host, (unsigned)strtoul(port, NULL,
			    10), NULL);
		else
			lane_add(v, e->host, 0, NULL);
	}
	if (want != NULL)
		g_hash_table_destroy(want);
}

void
view_free(struct view *v)
{
	for (guint i = 0; i < v->evs->len; i++)
		g_hash_table_destroy(g_array_index(v->evs, struct sev, i).f);
	g_array_free(v->evs, TRUE);
	g_ptr_array_free(v->text, TRUE);
	for (guint i = 0; i < v->lanes->len; i++) {
		struct view_lane *l = g_ptr_array_index(v->lanes, i);

		g_free(l->host);
		g_free(l->label);
		g_free(l);
	}
	g_ptr_array_free(v->lanes, TRUE);
	g_hash_table_destroy(v->lane_of);
	for (guint i = 0; i < v->fw->len; i++) {
		struct view_host_fw *fw = g_ptr_array_index(v->fw, i);

		for (guint j = 0; j < fw->rules->len; j++)
			g_free(g_array_index(fw->rules, struct view_rule,
			    j).text);
		g_array_free(fw->rules, TRUE);
		g_free(fw->host);
		g_free(fw);
	}
	g_ptr_array_free(v->fw, TRUE);
	free(v->counters);
}

struct view *
view_tap_new(const struct scenario *s)
{
	struct view *v = g_new0(struct view, 1);

	view_init(v, s);
	return (v);
}

bool
view_write_file(const char *path, const char *text, size_t len, FILE *err)
{
	FILE *f = fopen(path, "w");
	bool ok = f != NULL && fwrite(text, 1, len, f) == len;

	if (f != NULL && fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(err, "divertsim view: cannot write %s: %s\n", path,
		    g_strerror(errno));
	return (ok);
}

bool
view_tap_finish(struct view *v, struct world *w, const char *path,
    FILE *err)
{
	bool ok;

	view_take_world(v, w);
	view_finish(v);
	ok = view_write_html(v, path, err);
	view_free(v);
	g_free(v);
	return (ok);
}

static const char view_usage[] =
"usage: divertsim view [-o OUT.html] [--svg-topology OUT.svg]\n"
"                      [--svg-sequence OUT.svg] FILE\n";

static const char view_help[] =
"\n"
"Run scenario FILE and write one self-contained HTML page of the run (no\n"
"network, nothing outside the file): the topology, a sequence diagram\n"
"with one lane per host and per divert process and one arrow per step,\n"
"step controls and a time slider, a packet's walk and explanation, the\n"
"divert sockets' queues over time, each host's `ipfw show` at the chosen\n"
"step, and the counters.\n"
"\n"
"  -o OUT.html          the page (default NAME.html, NAME the scenario's\n"
"                       base name, unless an --svg option is given)\n"
"  --svg-topology F     the topology alone, as an SVG picture\n"
"  --svg-sequence F     the sequence diagram alone, as an SVG picture\n"
"\n"
"Exit status: as `divertsim run` (0 every expectation held, 1 one failed,\n"
"2 a scenario error or a file that could not be written).\n";

int
view_main(int argc, char **argv, FILE *out, FILE *err)
{
	enum { OPT_SVG_TOPO = 256, OPT_SVG_SEQ };
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "svg-topology", required_argument, NULL, OPT_SVG_TOPO },
		{ "svg-sequence", required_argument, NULL, OPT_SVG_SEQ },
		{ NULL, 0, NULL, 0 },
	};
	const char *html = NULL, *svg_topo = NULL, *svg_seq = NULL, *path;
	char *def_html = NULL;
	struct scenario *s;
	struct world *w;
	struct run_opts o;
	struct view v;
	struct diag d;
	unsigned failed, passed = 0;
	FILE *devnull;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			html = optarg;
			break;
		case OPT_SVG_TOPO:
			svg_topo = optarg;
			break;
		case OPT_SVG_SEQ:
			svg_seq = optarg;
			break;
		case 'h':
			fputs(view_usage, out);
			fputs(view_help, out);
			return (EXIT_SUCCESS);
		default:
			fputs(view_usage, err);
			return (DIVERTSIM_SCENARIO_ERROR);
		}
	}
	if (argc - optind != 1) {
		fprintf(err, "divertsim view: one scenario file\n");
		fputs(view_usage, err);
		return (DIVERTSIM_SCENARIO_ERROR);
	}
	path = argv[optind];
	if (html == NULL && svg_topo == NULL && svg_seq == NULL) {
		char *base = g_path_get_basename(path);

		if (g_str_has_suffix(base, ".scn") && strlen(base) > 4)
			base[strlen(base) - 4] = '\0';
		def_html = g_strdup_printf("%s.html", base);
		html = def_html;
		g_free(base);
	}
	divert_programs_builtin();
	diag_init(&d, path, err);
	diag_set_sorted(&d, true);
	s = scn_parse_file_diag(path, &d);
	devnull = fopen("/dev/null", "w");
	memset(&o, 0, sizeof(o));
	o.out = devnull;
	o.errout = err;
	o.quiet = true;
	o.max_events = DIVERTSIM_MAX_EVENTS_DEFAULT;
	o.events_tap = view_take_line;
	o.events_tap_ctx = &v;
	if (s != NULL)
		view_init(&v, s);
	w = s != NULL && devnull != NULL ? scn_build_diag(s, &o, &d) : NULL;
	diag_flush(&d);
	if (w == NULL) {
		fprintf(err, "%s: %u error%s, nothing drawn\n", path, d.errors,
		    d.errors == 1 ? "" : "s");
		if (s != NULL) {
			view_free(&v);
			scn_free(s);
		}
		if (devnull != NULL)
			fclose(devnull);
		g_free(def_html);
		return (DIVERTSIM_SCENARIO_ERROR);
	}
	failed = world_run(w, &passed);
	rc = world_cut_short(w) != NULL ? DIVERTSIM_SCENARIO_ERROR :
	    failed > 0 ? DIVERTSIM_EXPECT_FAILED : EXIT_SUCCESS;
	view_take_world(&v, w);
	world_free(w);
	fclose(devnull);
	view_finish(&v);
	if (v.bad_line) {
		fprintf(err, "divertsim view: an event the page cannot read\n");
		rc = DIVERTSIM_SCENARIO_ERROR;
	}
	if (html != NULL && !view_write_html(&v, html, err))
		rc = DIVERTSIM_SCENARIO_ERROR;
	else if (html != NULL)
		fprintf(out, "%s: %u steps of %s\n", html, v.nevents, path);
	if (svg_topo != NULL) {
		char *why = NULL;
		char *svg = view_topology_svg(s, true, &why);

		if (svg == NULL) {
			fprintf(err, "divertsim view: %s\n", why);
			rc = DIVERTSIM_SCENARIO_ERROR;
		} else if (!view_write_file(svg_topo, svg, strlen(svg), err))
			rc = DIVERTSIM_SCENARIO_ERROR;
		g_free(svg);
		g_free(why);
	}
	if (svg_seq != NULL) {
		GString *g = g_string_new(NULL);

		view_sequence_svg(&v, true, g);
		if (!view_write_file(svg_seq, g->str, g->len, err))
			rc = DIVERTSIM_SCENARIO_ERROR;
		g_string_free(g, TRUE);
	}
	view_free(&v);
	scn_free(s);
	g_free(def_html);
	return (rc);
}
