/*
 * The page: one HTML file holding everything it shows (the pictures as
 * inline SVG, the style, the script and the run's data as JSON), so that
 * it opens from a disk, a mail or a USB stick with no network.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "view.h"

/* view_page.css and view_page.js, made into C strings by the build. */
extern const char view_page_css[];
extern const char view_page_js[];

/* A JSON string; '<' escaped so that no "</script>" can end the data. */
static void
json_str(GString *g, const char *s)
{
	if (s == NULL) {
		g_string_append(g, "null");
		return;
	}
	g_string_append_c(g, '"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			g_string_append_printf(g, "\\%c", c);
		else if (c == '<')
			g_string_append(g, "\\u003c");
		else if (c == '\n')
			g_string_append(g, "\\n");
		else if (c < 0x20)
			g_string_append_printf(g, "\\u%04x", c);
		else
			g_string_append_c(g, (char)c);
	}
	g_string_append_c(g, '"');
}

static uint64_t
num(const struct sev *e, const char *key)
{
	const char *v = view_field(e, key);

	return (v != NULL ? strtoull(v, NULL, 10) : 0);
}

/*
 * The length ipfw counted for the ipfw event i: ipfw events carry none, so
 * that of the packet's nearest event with a length, before it or, for a
 * packet this host has just made (its first event is the ipfw of
 * ip_output()), after it.
 */
static uint64_t
ipfw_len(const struct view *v, guint i)
{
	const struct sev *e = &g_array_index(v->evs, struct sev, i);

	for (guint j = i; j-- > 0 && i - j < 256;) {
		const struct sev *p = &g_array_index(v->evs, struct sev, j);

		if (p->lineage == e->lineage && strcmp(p->ev, "ipfw") != 0 &&
		    view_field(p, "len") != NULL)
			return (num(p, "len"));
	}
	for (guint j = i + 1; j < v->evs->len && j - i < 256; j++) {
		const struct sev *p = &g_array_index(v->evs, struct sev, j);

		if (p->lineage == e->lineage && strcmp(p->ev, "ipfw") != 0 &&
		    view_field(p, "len") != NULL)
			return (num(p, "len"));
	}
	return (0);
}

static void
data_json(const struct view *v, GString *g)
{
	uint64_t t0 = v->t_first, t1 = MAX(v->t_last, v->t_first + 1);

	g_string_append(g, "{\"name\":");
	json_str(g, v->s->name);
	g_string_append_printf(g, ",\"t0\":%" PRIu64 ",\"t1\":%" PRIu64
	    ",\"events\":%u,\"steps\":[", t0, t1, v->nevents);
	/* [t, host, ev, lineage, rule, len, text, why, link] per drawn step
	 * (len: for an ipfw event, what the rule's byte counter took; link:
	 * the topology's link of a link event, else -1). */
	for (guint i = 0; i < v->nsteps; i++) {
		const struct sev *e = &g_array_index(v->evs, struct sev, i);
		bool is_ipfw = strcmp(e->ev, "ipfw") == 0;

		g_string_append_printf(g, "%s\n[%" PRIu64 ",", i ? "," : "",
		    e->t);
		json_str(g, e->host);
		g_string_append_c(g, ',');
		json_str(g, e->ev);
		g_string_append_printf(g, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		    ",", e->lineage, is_ipfw ? num(e, "rule") : 0, is_ipfw ?
		    ipfw_len(v, i) : num(e, "len"));
		json_str(g, g_ptr_array_index(v->text, i));
		g_string_append_c(g, ',');
		json_str(g, view_field(e, "why"));
		g_string_append_printf(g, ",%d]", strncmp(e->ev, "link-", 5) ==
		    0 && view_field(e, "if") != NULL ? view_link(v, e->host,
		    view_field(e, "if")) : -1);
	}
	g_string_append(g, "],\n\"fw\":[");
	for (guint i = 0; i < v->fw->len; i++) {
		const struct view_host_fw *fw = g_ptr_array_index(v->fw, i);

		g_string_append(g, i ? ",\n{\"host\":" : "{\"host\":");
		json_str(g, fw->host);
		g_string_append(g, ",\"rules\":[");
		for (guint j = 0; j < fw->rules->len; j++) {
			const struct view_rule *r = &g_array_index(fw->rules,
			    struct view_rule, j);

			g_string_append_printf(g, "%s[%u,", j ? "," : "",
			    r->num);
			json_str(g, r->text);
			g_string_append_printf(g, ",%" PRIu64 ",%" PRIu64 "]",
			    r->packets, r->bytes);
		}
		g_string_append(g, "]}");
	}
	g_string_append(g, "]}");
}

static void
page(const struct view *v, const char *topo, GString *g)
{
	const char *title = v->s->title != NULL ? v->s->title : v->s->name;

	g_string_append(g, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width\">\n<title>divertsim: ");
	view_escape(g, v->s->name);
	g_string_append_printf(g, "</title>\n<style>\n%s\n%s\n</style>\n"
	    "</head>\n<body>\n<header><h1>", view_seq_style(), view_page_css);
	view_escape(g, title);
	g_string_append(g, "</h1>\n<p class=\"sub\">scenario <code>");
	view_escape(g, v->s->name);
	g_string_append_printf(g, "</code>: %u host%s, %u link%s, %u step%s",
	    v->s->hosts->len, v->s->hosts->len == 1 ? "" : "s",
	    v->s->links->len, v->s->links->len == 1 ? "" : "s", v->nevents,
	    v->nevents == 1 ? "" : "s");
	if (v->nsteps < v->nevents)
		g_string_append_printf(g, " (the first %u are drawn)",
		    v->nsteps);
	g_string_append(g, ". Click an arrow to follow its packet; the arrow "
	    "keys step.</p></header>\n"
	    "<nav id=\"controls\">"
	    "<button id=\"step-first\" title=\"first step\">|&lt;</button>"
	    "<button id=\"step-back\" title=\"step back\">&lt; back</button>"
	    "<button id=\"step-fwd\" title=\"step forward\">forward &gt;"
	    "</button><button id=\"step-last\" title=\"last step\">&gt;|"
	    "</button><label>time <input type=\"range\" id=\"time-slider\" "
	    "min=\"0\" max=\"1000\" value=\"0\"></label>"
	    "<span id=\"step-label\"></span></nav>\n<main>\n"
	    "<section id=\"topology\"><h2>Topology</h2>\n<div class=\"topo\">");
	g_string_append(g, topo);
	g_string_append(g, "</div></section>\n"
	    "<section id=\"explain\"><h2>This step</h2>"
	    "<div id=\"step-text\"></div><h2>Why</h2><div id=\"why\"></div>"
	    "<h2>Its packet</h2><ol id=\"walk\"></ol></section>\n"
	    "<section id=\"sequence\"><h2>Sequence: one lane per host and "
	    "per divert process, one arrow per step</h2>\n"
	    "<div class=\"scroll\" id=\"seq-scroll\">");
	view_sequence_svg(v, false, g);
	g_string_append(g, "</div></section>\n"
	    "<section id=\"queues\"><h2>Divert socket receive buffers "
	    "(bytes queued over time)</h2>\n");
	view_queue_svg(v, g);
	g_string_append(g, "</section>\n"
	    "<section id=\"ipfw\"><h2><code>ipfw show</code> at this step"
	    "</h2><select id=\"fw-host\"></select>"
	    "<table id=\"fw-table\"></table><p class=\"note\">Packets: the "
	    "<code>ipfw</code> events up to and including this step; bytes: "
	    "the lengths of those packets. "
	    "\"End\" columns: the chain's own counters when the run ended."
	    "</p></section>\n"
	    "<section id=\"counters\"><h2>Counters at the end of the run"
	    "</h2><details><summary>every non-zero counter</summary><pre>");
	view_escape(g, v->counters != NULL ? v->counters : "");
	g_string_append(g, "</pre></details></section>\n</main>\n"
	    "<pre id=\"selftest-result\" hidden></pre>\n"
	    "<script type=\"application/json\" id=\"data\">");
	data_json(v, g);
	g_string_append_printf(g, "</script>\n<script>\n%s\n</script>\n"
	    "</body></html>\n", view_page_js);
}

bool
view_write_html(const struct view *v, const char *path, FILE *err)
{
	GString *g = g_string_new(NULL);
	char *why = NULL;
	char *topo = view_topology_svg(v->s, false, &why);
	bool ok;

	if (topo == NULL) {
		fprintf(err, "divertsim view: %s\n", why);
		g_free(why);
		g_string_free(g, TRUE);
		return (false);
	}
	page(v, topo, g);
	g_free(topo);
	ok = view_write_file(path, g->str, g->len, err);
	g_string_free(g, TRUE);
	return (ok);
}
