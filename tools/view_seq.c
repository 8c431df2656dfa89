/*
 * The sequence diagram (one lane per host and per divert process, one
 * arrow per step, in the narration's order, one row each) and the plot of
 * each divert socket's receive-buffer occupancy over time, as SVG.
 *
 * Every step is a <g class="step"> with data-step, data-lineage, data-host
 * and data-t, and every lane a <g class="lane"> with data-host and
 * data-port: the page's script highlights them by class only.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "view.h"

#define	SEQ_TOP		48	/* lane headers above the first row */
#define	SEQ_ROW		20
#define	SEQ_LEFT	100	/* the time column */
#define	SEQ_LANE_W	150
#define	SEQ_RIGHT	260	/* room for the last lane's labels */
#define	SEQ_LABEL_MAX	60	/* characters of a label before "..." */

#define	Q_LEFT		150
#define	Q_W		700
#define	Q_H		56
#define	Q_GAP		14

/* The style of the pictures; the page adds its own rules on top. */
static const char seq_style[] =
"svg.seq{font-family:Helvetica,Arial,sans-serif;font-size:11px}"
".seq .lane line{stroke:#9aa5b1;stroke-dasharray:4 3}"
".seq .lane rect{fill:#d6e4f0;stroke:#52606d}"
".seq .lane.proc rect{fill:#fdebd0}"
".seq .lane text{font-weight:bold;text-anchor:middle}"
".seq .tm{fill:#52606d;font-size:10px}"
".seq .step line,.seq .step path{stroke:#243b53;fill:none;stroke-width:1.3}"
".seq .step .row{fill:transparent;stroke:none}"
".seq .ev-drop line,.seq .ev-loop path{stroke:#c0392b}"
".seq .ev-drop text,.seq .ev-loop text{fill:#c0392b;font-weight:bold}"
".seq .ev-divert line,.seq .ev-divert-write line{stroke:#b9770e}"
".seq .ev-ipfw path{stroke:#1e8449}"
".seq .step text{fill:#102a43}";

void
view_escape(GString *g, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': g_string_append(g, "&amp;"); break;
		case '<': g_string_append(g, "&lt;"); break;
		case '>': g_string_append(g, "&gt;"); break;
		case '"': g_string_append(g, "&quot;"); break;
		case '\'': g_string_append(g, "&apos;"); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' ||
			    *s == '\t')
				g_string_append_c(g, *s);
		}
	}
}

static const char *
fld(const struct sev *e, const char *key)
{
	const char *v = view_field(e, key);

	return (v != NULL ? v : "");
}

/* The arrow's words: short, the whole story is in the step's title. */
static void
short_label(const struct sev *e, GString *g)
{
	const char *ev = e->ev;

	if (strcmp(ev, "link-out") == 0)
		g_string_append_printf(g, "%s > %s", fld(e, "if"),
		    fld(e, "summary"));
	else if (strcmp(ev, "link-in") == 0)
		g_string_append_printf(g, "%s <", fld(e, "if"));
	else if (strcmp(ev, "link-lost") == 0)
		g_string_append_printf(g, "%s x (corrupted)", fld(e, "if"));
	else if (strcmp(ev, "ipfw") == 0)
		g_string_append_printf(g, "%s %s rule %s %s", fld(e, "if"),
		    fld(e, "dir"), fld(e, "rule"), fld(e, "action"));
	else if (strcmp(ev, "divert") == 0)
		g_string_append_printf(g, "divert %s (%s, tag %s)",
		    fld(e, "port"), fld(e, "dir"), fld(e, "tag"));
	else if (strcmp(ev, "divert-read") == 0)
		g_string_append_printf(g, "recvfrom: tag %s %s \"%s\"",
		    fld(e, "tag"), fld(e, "sin_addr"), fld(e, "ifname"));
	else if (strcmp(ev, "divert-write") == 0) {
		if (view_field(e, "errno") != NULL)
			g_string_append_printf(g, "sendto tag %s: %s",
			    fld(e, "tag"), fld(e, "errno"));
		else
			g_string_append_printf(g, "sendto tag %s %s %s",
			    fld(e, "tag"), fld(e, "dir"), fld(e, "if"));
	} else if (strcmp(ev, "forward") == 0)
		g_string_append_printf(g, "forward %s -> %s", fld(e, "in"),
		    fld(e, "out"));
	else if (strcmp(ev, "deliver") == 0)
		g_string_append_printf(g, "deliver %s > %s", fld(e, "src"),
		    fld(e, "dst"));
	else if (strcmp(ev, "drop") == 0)
		g_string_append_printf(g, "drop %s", fld(e, "reason"));
	else if (strcmp(ev, "loop") == 0)
		g_string_append_printf(g, "LOOP at port %s, rule %s",
		    fld(e, "port"), fld(e, "rule"));
	else if (strcmp(ev, "fragment") == 0)
		g_string_append_printf(g, "fragment: %s for %s",
		    fld(e, "count"), fld(e, "if"));
	else if (strcmp(ev, "reassembled") == 0)
		g_string_append_printf(g, "reassembled (%s frags)",
		    fld(e, "frags"));
	else if (strcmp(ev, "frag-queued") == 0)
		g_string_append_printf(g, "frag @%s queued (%s held)",
		    fld(e, "off"), fld(e, "held"));
	else if (strcmp(ev, "command") == 0)
		g_string_append_printf(g, "$ %s", fld(e, "command"));
	else if (strcmp(ev, "command-error") == 0)
		g_string_append_printf(g, "error: %s", fld(e, "error"));
	else if (strcmp(ev, "ping-reply") == 0)
		g_string_append_printf(g, "ping reply seq %s", fld(e, "seq"));
	else if (strcmp(ev, "tcp") == 0)
		g_string_append_printf(g, "tcp %s %s", fld(e, "event"),
		    fld(e, "state"));
	else
		g_string_append(g, ev);
	if (g_utf8_strlen(g->str, -1) > SEQ_LABEL_MAX) {
		const char *cut = g_utf8_offset_to_pointer(g->str,
		    SEQ_LABEL_MAX - 3);

		g_string_truncate(g, (gsize)(cut - g->str));
		g_string_append(g, "...");
	}
}

static double
lane_x(const struct view *v, const char *host, unsigned port, bool *found)
{
	char *key = port != 0 ? g_strdup_printf("%s:%u", host, port) :
	    g_strdup(host);
	gpointer got = g_hash_table_lookup(v->lane_of, key);
	guint i;

	g_free(key);
	*found = got != NULL;
	i = got != NULL ? GPOINTER_TO_UINT(got) - 1 : 0;
	return (SEQ_LEFT + SEQ_LANE_W / 2.0 + i * (double)SEQ_LANE_W);
}

static void
fmt_t(GString *g, uint64_t t)
{
	g_string_append_printf(g, "%" PRIu64 ".%09" PRIu64, t / 1000000000u,
	    t % 1000000000u);
}

/* One arrow: from x1 to x2 on row y (x1 == x2: a step on one lane). */
static void
arrow(GString *g, const struct sev *e, double x1, double x2, double y,
    const char *label)
{
	double lx;

	if (strcmp(e->ev, "drop") == 0) {
		g_string_append_printf(g, "<line x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\"/><text x=\"%.1f\" y=\"%.1f\" "
		    "class=\"x\">&#215;</text>", x1, y, x1 + 14, y, x1 + 13,
		    y + 4);
		lx = x1 + 24;
	} else if (x1 == x2) {
		g_string_append_printf(g, "<path d=\"M%.1f %.1fh14v7h-12\" "
		    "marker-end=\"url(#ah)\"/>", x1, y - 5);
		lx = x1 + 20;
	} else {
		g_string_append_printf(g, "<line x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\" marker-end=\"url(#ah)\"/>", x1, y,
		    x2 + (x2 > x1 ? -2 : 2), y);
		lx = MIN(x1, x2) + 6;
		if (strcmp(e->ev, "link-in") == 0)
			lx = x2 + 6;
		g_string_append_printf(g, "<text x=\"%.1f\" y=\"%.1f\">", lx,
		    y - 3);
		view_escape(g, label);
		g_string_append(g, "</text>");
		return;
	}
	g_string_append_printf(g, "<text x=\"%.1f\" y=\"%.1f\">", lx, y + 4);
	view_escape(g, label);
	g_string_append(g, "</text>");
}

void
view_sequence_svg(const struct view *v, bool standalone, GString *g)
{
	double width = SEQ_LEFT + v->lanes->len * (double)SEQ_LANE_W +
	    SEQ_RIGHT;
	double height = SEQ_TOP + v->nsteps * (double)SEQ_ROW + 16;
	GString *lab = g_string_new(NULL);
	uint64_t last_t = UINT64_MAX;

	if (standalone)
		g_string_append(g, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	g_string_append_printf(g, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "class=\"seq\" id=\"seq\" width=\"%.0f\" height=\"%.0f\" "
	    "viewBox=\"0 0 %.0f %.0f\" data-steps=\"%u\" "
	    "data-events=\"%u\">\n", width, height, width, height, v->nsteps,
	    v->nevents);
	if (standalone)
		g_string_append_printf(g, "<style>%s</style>\n", seq_style);
	g_string_append(g, "<defs><marker id=\"ah\" viewBox=\"0 0 10 10\" "
	    "refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
	    "markerUnits=\"userSpaceOnUse\" "
	    "orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" "
	    "fill=\"#243b53\"/></marker></defs>\n");
	g_string_append_printf(g, "<text class=\"tm\" x=\"4\" y=\"30\">time "
	    "(s)</text>\n");
	for (guint i = 0; i < v->lanes->len; i++) {
		const struct view_lane *l = g_ptr_array_index(v->lanes, i);
		double x = SEQ_LEFT + SEQ_LANE_W / 2.0 + i * (double)SEQ_LANE_W;

		g_string_append_printf(g, "<g class=\"lane%s\" data-host=\"",
		    l->port != 0 ? " proc" : "");
		view_escape(g, l->host);
		g_string_append_printf(g, "\" data-port=\"%u\"><line x1=\"%.1f\" "
		    "y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\"/><rect x=\"%.1f\" y=\"8\" "
		    "width=\"%d\" height=\"26\" rx=\"4\"/><text x=\"%.1f\" "
		    "y=\"25\">", l->port, x, SEQ_TOP - 14, x, height - 4,
		    x - (SEQ_LANE_W - 20) / 2.0, SEQ_LANE_W - 20, x);
		view_escape(g, l->port != 0 ? l->label : l->host);
		g_string_append(g, "</text></g>\n");
	}
	for (guint i = 0; i < v->nsteps; i++) {
		const struct sev *e = &g_array_index(v->evs, struct sev, i);
		double y = SEQ_TOP + i * (double)SEQ_ROW + SEQ_ROW / 2.0;
		const char *port = view_field(e, "port");
		unsigned p = port != NULL ? (unsigned)strtoul(port, NULL, 10) :
		    0;
		double xh, x1, x2;
		bool ok;

		xh = lane_x(v, e->host, 0, &ok);
		x1 = x2 = xh;
		if (strcmp(e->ev, "divert") == 0) {
			x2 = lane_x(v, e->host, p, &ok);
		} else if (strcmp(e->ev, "divert-read") == 0) {
			x1 = x2 = lane_x(v, e->host, p, &ok);
		} else if (strcmp(e->ev, "divert-write") == 0) {
			x1 = lane_x(v, e->host, p, &ok);
		} else if (strcmp(e->ev, "link-out") == 0 &&
		    view_field(e, "if") != NULL &&
		    view_peer(v, e->host, view_field(e, "if")) != NULL) {
			x2 = lane_x(v, view_peer(v, e->host,
			    view_field(e, "if")), 0, &ok);
			if (!ok)
				x2 = x1;
		} else if (strcmp(e->ev, "link-in") == 0 &&
		    view_field(e, "if") != NULL &&
		    view_peer(v, e->host, view_field(e, "if")) != NULL) {
			double xp = lane_x(v, view_peer(v, e->host,
			    view_field(e, "if")), 0, &ok);

			x1 = ok && xp > xh ? xh + 40 : xh - 40;
		}
		g_string_append_printf(g, "<g class=\"step ev-%s\" "
		    "id=\"step-%u\" data-step=\"%u\" data-lineage=\"%" PRIu64
		    "\" data-host=\"", e->ev, i, i, e->lineage);
		view_escape(g, e->host);
		g_string_append_printf(g, "\" data-t=\"%" PRIu64 "\"><title>",
		    e->t);
		fmt_t(g, e->t);
		g_string_append_c(g, ' ');
		view_escape(g, e->host);
		g_string_append_c(g, ' ');
		view_escape(g, g_ptr_array_index(v->text, i));
		g_string_append_printf(g, "</title><rect class=\"row\" x=\"0\" "
		    "y=\"%.1f\" width=\"%.0f\" height=\"%d\"/>",
		    y - SEQ_ROW / 2.0, width, SEQ_ROW);
		if (e->t != last_t) {
			g_string_append_printf(g, "<text class=\"tm\" x=\"4\" "
			    "y=\"%.1f\">", y + 4);
			fmt_t(g, e->t);
			g_string_append(g, "</text>");
			last_t = e->t;
		}
		g_string_truncate(lab, 0);
		short_label(e, lab);
		arrow(g, e, x1, x2, y, lab->str);
		g_string_append(g, "</g>\n");
	}
	if (v->nsteps < v->nevents)
		g_string_append_printf(g, "<text class=\"tm\" x=\"4\" "
		    "y=\"%.0f\">... the first %u of %u steps are drawn</text>\n",
		    height - 2, v->nsteps, v->nevents);
	g_string_append(g, "</svg>\n");
	g_string_free(lab, TRUE);
}

/* ---- the queue plot ---------------------------------------------------- */

struct qpoint {
	uint64_t	 t;
	uint64_t	 bytes;
};

struct qseries {
	char		*host;
	unsigned	 port;
	GArray		*pts;		/* struct qpoint */
	uint64_t	 level, peak;
};

static gint
by_peak(gconstpointer a, gconstpointer b)
{
	const struct qseries *x = *(struct qseries *const *)a;
	const struct qseries *y = *(struct qseries *const *)b;

	if (x->peak != y->peak)
		return (x->peak > y->peak ? -1 : 1);
	return (0);
}

void
view_queue_svg(const struct view *v, GString *g)
{
	GHashTable *byname = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	GPtrArray *all = g_ptr_array_new();
	uint64_t t0 = v->t_first, t1 = MAX(v->t_last, v->t_first + 1);
	guint shown;
	double height;

	for (guint i = 0; i < v->evs->len; i++) {
		const struct sev *e = &g_array_index(v->evs, struct sev, i);
		bool in = strcmp(e->ev, "divert") == 0;
		struct qseries *q;
		struct qpoint pt;
		uint64_t len;
		char *key;

		if (!in && strcmp(e->ev, "divert-read") != 0)
			continue;
		key = g_strdup_printf("%s:%s", e->host, fld(e, "port"));
		q = g_hash_table_lookup(byname, key);
		if (q == NULL) {
			q = g_new0(struct qseries, 1);
			q->host = g_strdup(e->host);
			q->port = (unsigned)strtoul(fld(e, "port"), NULL, 10);
			q->pts = g_array_new(FALSE, FALSE, sizeof(pt));
			g_hash_table_insert(byname, key, q);
			g_ptr_array_add(all, q);
		} else
			g_free(key);
		/* sbappendaddr(): the datagram and its 16-byte address. */
		len = strtoull(fld(e, "len"), NULL, 10) + 16;
		if (in)
			q->level = strtoull(fld(e, "queued_bytes"), NULL, 10) +
			    len;
		else
			q->level = q->level > len ? q->level - len : 0;
		if (q->level > q->peak)
			q->peak = q->level;
		pt.t = e->t;
		pt.bytes = q->level;
		g_array_append_val(q->pts, pt);
	}
	g_ptr_array_sort(all, by_peak);
	shown = MIN(all->len, VIEW_MAX_QUEUES);
	height = 20 + shown * (double)(Q_H + Q_GAP) + 20;
	g_string_append_printf(g, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "class=\"qplot\" id=\"qplot\" width=\"%d\" height=\"%.0f\" "
	    "data-t0=\"%" PRIu64 "\" data-t1=\"%" PRIu64 "\" data-x0=\"%d\" "
	    "data-w=\"%d\">\n", Q_LEFT + Q_W + 20, height, t0, t1, Q_LEFT,
	    Q_W);
	if (all->len == 0)
		g_string_append(g, "<text x=\"4\" y=\"30\">No packet was "
		    "diverted in this run.</text>\n");
	for (guint i = 0; i < shown; i++) {
		const struct qseries *q = g_ptr_array_index(all, i);
		double top = 20 + i * (double)(Q_H + Q_GAP);
		double peak = q->peak > 0 ? (double)q->peak : 1;
		int lastpx = -1;

		g_string_append_printf(g, "<g class=\"queue\" data-host=\"");
		view_escape(g, q->host);
		g_string_append_printf(g, "\" data-port=\"%u\"><text x=\"4\" "
		    "y=\"%.0f\">", q->port, top + 14);
		view_escape(g, q->host);
		g_string_append_printf(g, ":%u</text><text x=\"4\" y=\"%.0f\" "
		    "class=\"tm\">peak %" PRIu64 " bytes</text>", q->port,
		    top + 30, q->peak);
		g_string_append_printf(g, "<rect x=\"%d\" y=\"%.0f\" "
		    "width=\"%d\" height=\"%d\" class=\"frame\"/>", Q_LEFT, top,
		    Q_W, Q_H);
		g_string_append_printf(g, "<path d=\"M%d %.1f", Q_LEFT,
		    top + Q_H);
		/* A step line; points within one pixel become vertical
		 * strokes on it, so that no peak is lost. */
		for (guint k = 0; k < q->pts->len; k++) {
			const struct qpoint *pt = &g_array_index(q->pts,
			    struct qpoint, k);
			int px = (int)((double)(pt->t - t0) / (double)(t1 -
			    t0) * Q_W);

			if (px != lastpx)
				g_string_append_printf(g, "H%d", Q_LEFT + px);
			g_string_append_printf(g, "V%.1f", top + Q_H -
			    (double)pt->bytes / peak * (Q_H - 4));
			lastpx = px;
		}
		g_string_append_printf(g, "H%d\"/></g>\n", Q_LEFT + Q_W);
	}
	if (all->len > shown)
		g_string_append_printf(g, "<text x=\"4\" y=\"%.0f\" "
		    "class=\"tm\">%u more sockets, lower peaks, not drawn"
		    "</text>\n", height - 6, all->len - shown);
	g_string_append_printf(g, "<line id=\"qcursor\" x1=\"%d\" y1=\"10\" "
	    "x2=\"%d\" y2=\"%.0f\"/>\n</svg>\n", Q_LEFT, Q_LEFT, height - 16);
	for (guint i = 0; i < all->len; i++) {
		struct qseries *q = g_ptr_array_index(all, i);

		g_free(q->host);
		g_array_free(q->pts, TRUE);
		g_free(q);
	}
	g_ptr_array_free(all, TRUE);
	g_hash_table_destroy(byname);
}

const char *
view_seq_style(void)
{
	return (seq_style);
}
