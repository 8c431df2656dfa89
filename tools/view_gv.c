/*
 * The topology drawn by Graphviz (libgvc), rendered to SVG in memory: a
 * box per host listing its interfaces with their addresses and the divert
 * programs it runs, an edge per link labelled with its rate, delay and
 * MTU, joined to the rows of the two interfaces.
 *
 * The layout and SVG plugins are handed to Graphviz as built-ins and it is
 * told not to load others (gvContextPlugins(..., 0)): text is then
 * measured with Graphviz's own font tables, not with whatever fonts the
 * machine has, so that the same scenario gives the same picture
 * everywhere (the teaching pages' pictures are compared byte for byte).
 *
 * libgvc and those plugins are opened (dlopen) when a picture is first
 * drawn, not linked: they took a sixth of every divertsim start-up, and
 * only `view` and `run --html` draw.  Each function is called through a
 * pointer of its own declared type; the names below stand for those
 * pointers.
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <glib.h>
#include <graphviz/gvc.h>

#include "view.h"

#define	GV_FUNCS(X)							\
	X(gvContextPlugins) X(gvLayout) X(gvRenderData)			\
	X(gvFreeRenderData) X(gvFreeLayout) X(gvFreeContext) X(agopen)	\
	X(agclose) X(agattr) X(agnode) X(agedge) X(agsafeset)		\
	X(agstrdup_html)
#define	GV_PTR(f)	static __typeof__(f) *p_##f;
GV_FUNCS(GV_PTR)
static __typeof__(Agundirected) *p_Agundirected;

/* The plugins' libraries, by path: they are not where ld.so looks. */
static lt_symlist_t view_gv_builtins[] = {
	{ "gvplugin_core_LTX_library", NULL },
	{ "gvplugin_dot_layout_LTX_library", NULL },
	{ "gvplugin_neato_layout_LTX_library", NULL },
	{ NULL, NULL },
};
static const char *const view_gv_plugin_libs[] = {
	VIEW_GVPLUGIN_CORE, VIEW_GVPLUGIN_DOT_LAYOUT,
	VIEW_GVPLUGIN_NEATO_LAYOUT,
};

static gpointer
gv_load(gpointer arg)
{
	void *h = dlopen(VIEW_GV_LIBGVC, RTLD_NOW | RTLD_LOCAL);

	(void)arg;
	if (h == NULL)
		return (g_strdup(dlerror()));
	/* dlsym() on the handle also finds libcgraph's ag*(). */
#define	GV_SYM(f)							\
	if ((*(void **)&p_##f = dlsym(h, #f)) == NULL)			\
		return (g_strdup_printf("%s: no %s", VIEW_GV_LIBGVC, #f));
	GV_FUNCS(GV_SYM)
	GV_SYM(Agundirected)
#undef GV_SYM
	for (size_t i = 0; i < G_N_ELEMENTS(view_gv_plugin_libs); i++) {
		const char *name = view_gv_builtins[i].name;

		h = dlopen(view_gv_plugin_libs[i], RTLD_NOW | RTLD_LOCAL);
		if (h == NULL)
			return (g_strdup(dlerror()));
		view_gv_builtins[i].address = dlsym(h, name);
		if (view_gv_builtins[i].address == NULL)
			return (g_strdup_printf("%s: no %s",
			    view_gv_plugin_libs[i], name));
	}
	return (NULL);
}

#define	gvContextPlugins	(*p_gvContextPlugins)
#define	gvLayout		(*p_gvLayout)
#define	gvRenderData		(*p_gvRenderData)
#define	gvFreeRenderData	(*p_gvFreeRenderData)
#define	gvFreeLayout		(*p_gvFreeLayout)
#define	gvFreeContext		(*p_gvFreeContext)
#define	agopen			(*p_agopen)
#define	agclose			(*p_agclose)
#define	agattr			(*p_agattr)
#define	agnode			(*p_agnode)
#define	agedge			(*p_agedge)
#define	agsafeset		(*p_agsafeset)
#define	agstrdup_html		(*p_agstrdup_html)
#define	Agundirected		(*p_Agundirected)

/*
 * Graphviz 2.42's HTML-label parser (htmlparse(), reached from
 * make_html_label()) keeps a few list blocks that neither gvFreeLayout()
 * nor agclose() frees: its leak, not ours.  LeakSanitizer reads this hook
 * in a sanitizer build (tests run with detect_leaks=1).  libgvc has no
 * frame pointers, so the stack LeakSanitizer sees ends in libgvc's
 * gmalloc(): the suppression names that library, whose blocks are all
 * Graphviz's own; every other leak still fails the run.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return ("leak:libgvc.so\n");
}

/* v in the largest of units[] (x 1e9, 1e6, 1e3, 1) that divides it. */
static void
fmt_scaled(GString *g, uint64_t v, const char *const units[4])
{
	uint64_t div = UINT64_C(1000000000);

	for (int i = 0; i < 3; i++, div /= 1000)
		if (v >= div && v % div == 0) {
			g_string_append_printf(g, "%" PRIu64 " %s", v / div,
			    units[i]);
			return;
		}
	g_string_append_printf(g, "%" PRIu64 " %s", v, units[3]);
}

void
view_fmt_rate(GString *g, uint64_t bps)
{
	static const char *const u[4] = { "Gbit/s", "Mbit/s", "kbit/s",
	    "bit/s" };

	fmt_scaled(g, bps, u);
}

void
view_fmt_ns(GString *g, uint64_t ns)
{
	static const char *const u[4] = { "s", "ms", "us", "ns" };

	fmt_scaled(g, ns, u);
}

/* Graphviz's HTML-like labels take the XML entities. */
static void
row(GString *lab, const char *port, const char *bg, const char *text,
    bool bold)
{
	g_string_append(lab, "<TR><TD");
	if (port != NULL) {
		g_string_append(lab, " PORT=\"");
		view_escape(lab, port);
		g_string_append(lab, "\"");
	}
	if (bg != NULL)
		g_string_append_printf(lab, " BGCOLOR=\"%s\"", bg);
	g_string_append(lab, bold ? " ALIGN=\"CENTER\"><B>" : " ALIGN=\"LEFT\">");
	view_escape(lab, text);
	g_string_append(lab, bold ? "</B></TD></TR>" : "</TD></TR>");
}

/* A divert command's row: "divert 8668 natd -a 192.0.2.1 -same_ports". */
static void
divert_row(GString *lab, const struct scn_host_cmd *c, const char *when)
{
	GString *t = g_string_new(NULL);

	g_string_printf(t, "divert %u %s", c->u.divert.port,
	    c->u.divert.program);
	for (int i = 0; i < c->u.divert.argc && t->len < 60; i++)
		g_string_append_printf(t, " %s", c->u.divert.argv[i]);
	if (when != NULL)
		g_string_append_printf(t, " (%s)", when);
	row(lab, NULL, "#fdebd0", t->str, false);
	g_string_free(t, TRUE);
}

/* The label of host h: its name, its interfaces, its programs. */
static char *
host_label(const struct scenario *s, const struct scn_host *h)
{
	GString *lab = g_string_new("<TABLE BORDER=\"0\" CELLBORDER=\"1\" "
	    "CELLSPACING=\"0\" CELLPADDING=\"3\">");

	row(lab, NULL, "#d6e4f0", h->name, true);
	for (guint i = 0; i < h->ifnames->len; i++) {
		const char *ifn = g_ptr_array_index(h->ifnames, i);
		GString *t = g_string_new(ifn);

		for (guint j = 0; j < h->cmds->len; j++) {
			const struct scn_host_cmd *c =
			    g_ptr_array_index(h->cmds, j);
			char a[INET_ADDRSTRLEN];
			uint32_t n;

			if (c->kind == SCN_IFCONFIG_ADDR &&
			    strcmp(c->u.ifaddr.ifname, ifn) == 0) {
				n = htonl(c->u.ifaddr.addr);
				inet_ntop(AF_INET, &n, a, sizeof(a));
				g_string_append_printf(t, " %s/%u", a,
				    c->u.ifaddr.plen);
			} else if (c->kind == SCN_IFCONFIG_MTU &&
			    strcmp(c->u.ifmtu.ifname, ifn) == 0)
				g_string_append_printf(t, " mtu %u",
				    c->u.ifmtu.mtu);
		}
		row(lab, ifn, NULL, t->str, false);
		g_string_free(t, TRUE);
	}
	for (guint j = 0; j < h->cmds->len; j++) {
		const struct scn_host_cmd *c = g_ptr_array_index(h->cmds, j);

		if (c->kind == SCN_DIVERT)
			divert_row(lab, c, NULL);
	}
	for (guint j = 0; j < s->ats->len; j++) {
		const struct scn_at *at = g_ptr_array_index(s->ats, j);
		GString *when;

		if (at->cmd->kind != SCN_DIVERT || strcmp(at->host,
		    h->name) != 0)
			continue;
		when = g_string_new("at ");
		view_fmt_ns(when, at->t_ns);
		divert_row(lab, at->cmd, when->str);
		g_string_free(when, TRUE);
	}
	g_string_append(lab, "</TABLE>");
	return (g_string_free(lab, FALSE));
}

static void
set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, "");
}

char *
view_topology_svg(const struct scenario *s, bool standalone, char **why)
{
	static GOnce once = G_ONCE_INIT;
	bool small = s->hosts->len <= VIEW_SMALL_TOPO_MAX;
	GHashTable *nodes;
	GVC_t *gvc;
	Agraph_t *g;
	char *data = NULL, *out = NULL, *p;
	const char *load_error;
	unsigned len = 0;

	load_error = g_once(&once, gv_load, NULL);
	if (load_error != NULL) {
		*why = g_strdup_printf("cannot open Graphviz: %s", load_error);
		return (NULL);
	}
	nodes = g_hash_table_new(g_str_hash, g_str_equal);
	gvc = gvContextPlugins(view_gv_builtins, 0);
	g = agopen((char *)"topology", Agundirected, NULL);
	set(g, "fontname", "Courier");
	set(g, "bgcolor", "transparent");
	if (small) {
		set(g, "rankdir", "LR");
		set(g, "nodesep", "0.4");
		set(g, "ranksep", "1.2");
	} else {
		set(g, "overlap", "prism");
		set(g, "outputorder", "edgesfirst");
	}
	agattr(g, AGNODE, (char *)"fontname", (char *)"Courier");
	agattr(g, AGNODE, (char *)"fontsize", small ? (char *)"10" :
	    (char *)"8");
	agattr(g, AGEDGE, (char *)"fontname", (char *)"Courier");
	agattr(g, AGEDGE, (char *)"fontsize", (char *)"9");
	for (guint i = 0; i < s->hosts->len; i++) {
		const struct scn_host *h = g_ptr_array_index(s->hosts, i);
		Agnode_t *n = agnode(g, h->name, 1);
		char *id = g_strdup_printf("topo-%s", h->name);

		set(n, "id", id);
		set(n, "class", "host");
		if (small) {
			char *lab = host_label(s, h);

			set(n, "shape", "plain");
			set(n, "label", agstrdup_html(g, lab));
			g_free(lab);
		} else {
			bool diverts = false;

			for (guint j = 0; j < h->cmds->len && !diverts; j++)
				diverts = ((const struct scn_host_cmd *)
				    g_ptr_array_index(h->cmds, j))->kind ==
				    SCN_DIVERT;
			set(n, "shape", "box");
			set(n, "style", "filled");
			set(n, "fillcolor", diverts ? "#fdebd0" : "#d6e4f0");
			set(n, "margin", "0.02");
			set(n, "width", "0.2");
			set(n, "height", "0.15");
		}
		g_hash_table_insert(nodes, h->name, n);
		g_free(id);
	}
	for (guint i = 0; i < s->links->len; i++) {
		const struct scn_link *l = g_ptr_array_index(s->links, i);
		Agnode_t *a = g_hash_table_lookup(nodes, l->a);
		Agnode_t *b = g_hash_table_lookup(nodes, l->b);
		GString *lab = g_string_new(NULL);
		char *id = g_strdup_printf("topo-link-%u", i);
		char *name = g_strdup_printf("%u", i);
		Agedge_t *e;

		if (a == NULL || b == NULL) {
			g_string_free(lab, TRUE);
			g_free(id);
			g_free(name);
			continue;
		}
		e = agedge(g, a, b, name, 1);
		view_fmt_rate(lab, l->rate_bps);
		g_string_append(lab, ", ");
		view_fmt_ns(lab, l->delay_ns);
		g_string_append_printf(lab, ", MTU %u", l->mtu);
		set(e, "id", id);
		set(e, "class", "link");
		if (small) {
			set(e, "label", lab->str);
			set(e, "tailport", l->ifa);
			set(e, "headport", l->ifb);
		} else {
			char *tip = g_strdup_printf("%s:%s - %s:%s, %s", l->a,
			    l->ifa, l->b, l->ifb, lab->str);

			set(e, "tooltip", tip);
			g_free(tip);
		}
		g_string_free(lab, TRUE);
		g_free(id);
		g_free(name);
	}
	if (gvLayout(gvc, g, small ? "dot" : "sfdp") != 0 ||
	    gvRenderData(gvc, g, "svg", &data, &len) != 0 || data == NULL) {
		*why = g_strdup("Graphviz could not lay the topology out");
		goto done;
	}
	/* Inline, the page wants the <svg> element alone. */
	p = standalone ? data : strstr(data, "<svg");
	out = g_strndup(p != NULL ? p : data, len - (gsize)((p != NULL ? p :
	    data) - data));
done:
	if (data != NULL)
		gvFreeRenderData(data);
	gvFreeLayout(gvc, g);
	agclose(g);
	gvFreeContext(gvc);
	g_hash_table_destroy(nodes);
	return (out);
}
