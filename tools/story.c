/*
 * Narration filters for `divertsim run` and `divertsim story`, which reads
 * events.jsonl back and tells one packet's way as a numbered walk.
 *
 * A packet's own steps are the events carrying its lineage.  What it
 * caused is found the way a reader of the log would: the log has no link
 * from a reply to its request, but a host answers within the event that
 * delivers (or drops) the request, so a lineage whose first event directly
 * follows, on the same host and at the same instant, an event of packet N
 * was made by that step of N (an echo reply, a UDP echo, an ICMP error).
 * Events without a lineage are placed likewise: `ping-reply` after the
 * `deliver` it reports, `command` before the packet it sends.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "scenario/scn.h"
#include "sim/events.h"
#include "story.h"

/* The event types of docs/events.md, for --ev. */
static const char *const ev_types[] = {
	"command", "command-error", "link-out", "link-in", "link-lost",
	"ipfw", "divert", "divert-read", "divert-write", "loop", "deliver",
	"forward", "fragment", "frag-queued", "reassembled", "drop",
	"ping-reply", "tcp", NULL,
};

static bool
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return (false);
	errno = 0;
	*v = strtoull(s, &end, 10);
	return (errno == 0 && *end == '\0');
}

bool
narrate_option(struct narrate_opts *n, int ch, const char *arg)
{
	uint64_t v;

	switch (ch) {
	case 'H':
		n->host = arg;
		return (true);
	case 'E':
		for (unsigned i = 0; ev_types[i] != NULL; i++)
			if (strcmp(ev_types[i], arg) == 0) {
				n->ev = arg;
				return (true);
			}
		fprintf(stderr, "divertsim: --ev %s: no such event type (one "
		    "of command, link-out, link-in, ipfw, divert, divert-read, "
		    "divert-write, forward, deliver, drop, ...; see "
		    "docs/events.md)\n", arg);
		return (false);
	case 'L':
		if (!parse_u64(arg, &v) || v == 0) {
			fprintf(stderr, "divertsim: --lineage %s: a packet's "
			    "lineage is a whole number from 1\n", arg);
			return (false);
		}
		n->lineage = v;
		return (true);
	case 'W':
		if (!parse_u64(arg, &v) || v < NARRATE_MIN_WIDTH ||
		    v > 10000) {
			fprintf(stderr, "divertsim: --width %s: give a number "
			    "of columns from %u to 10000\n", arg,
			    NARRATE_MIN_WIDTH);
			return (false);
		}
		n->width = (unsigned)v;
		return (true);
	}
	return (false);
}

void
narrate_apply(const struct narrate_opts *n, struct ev_narration *o)
{
	o->host = n->host;
	o->kind = n->ev;
	o->lineage = n->lineage;
	o->width = n->width;
}

bool
narrate_host_known(const struct narrate_opts *n, const struct scenario *s,
    const char *path, FILE *err)
{
	if (n->host == NULL)
		return (true);
	for (guint i = 0; i < s->hosts->len; i++) {
		const struct scn_host *h = g_ptr_array_index(s->hosts, i);

		if (strcmp(h->name, n->host) == 0)
			return (true);
	}
	fprintf(err, "divertsim: --host %s: %s declares no such host\n",
	    n->host, path);
	return (false);
}

/* ---- reading events.jsonl -------------------------------------------- */

static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return (p);
}

/* A JSON string at p (after its quote); NULL if malformed. */
static const char *
json_string(const char *p, GString *out)
{
	g_string_truncate(out, 0);
	for (; *p != '"'; p++) {
		if (*p == '\0')
			return (NULL);
		if (*p != '\\') {
			g_string_append_c(out, *p);
			continue;
		}
		p++;
		switch (*p) {
		case 'n':
			g_string_append_c(out, '\n');
			break;
		case 't':
			g_string_append_c(out, '\t');
			break;
		case 'u': {
			char hex[5] = { 0 };
			unsigned c;

			if (strlen(p + 1) < 4)
				return (NULL);
			memcpy(hex, p + 1, 4);
			c = (unsigned)strtoul(hex, NULL, 16);
			g_string_append_unichar(out, c);
			p += 4;
			break;
		}
		case '\0':
			return (NULL);
		default:
			g_string_append_c(out, *p);
		}
	}
	return (p + 1);
}

/* A list or object value, kept as its text (brackets balanced). */
static const char *
json_nested(const char *p, GString *out)
{
	int depth = 0;
	bool in_str = false;
	const char *start = p;

	for (; *p != '\0'; p++) {
		if (in_str) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				in_str = false;
		} else if (*p == '"')
			in_str = true;
		else if (*p == '[' || *p == '{')
			depth++;
		else if ((*p == ']' || *p == '}') && --depth == 0) {
			g_string_assign(out, "");
			g_string_append_len(out, start, p + 1 - start);
			return (p + 1);
		}
	}
	return (NULL);
}

/* One line of events.jsonl into e; false if it is not an event object. */
static bool
parse_event(const char *line, struct sev *e)
{
	GString *k = g_string_new(NULL), *v = g_string_new(NULL);
	const char *p = skip_ws(line);
	bool ok = false;

	e->f = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (*p++ != '{')
		goto out;
	for (;;) {
		bool is_null = false;

		p = skip_ws(p);
		if (*p == '}')
			break;
		if (*p++ != '"' || (p = json_string(p, k)) == NULL)
			goto out;
		p = skip_ws(p);
		if (*p++ != ':')
			goto out;
		p = skip_ws(p);
		if (*p == '"')
			p = json_string(p + 1, v);
		else if (*p == '[' || *p == '{')
			p = json_nested(p, v);
		else {
			const char *s = p;

			while (*p != ',' && *p != '}' && *p != '\0')
				p++;
			g_string_assign(v, "");
			g_string_append_len(v, s, p - s);
			while (v->len > 0 && v->str[v->len - 1] == ' ')
				g_string_truncate(v, v->len - 1);
			is_null = strcmp(v->str, "null") == 0;
		}
		if (p == NULL)
			goto out;
		g_hash_table_replace(e->f, g_strdup(k->str),
		    is_null ? NULL : g_strdup(v->str));
		p = skip_ws(p);
		if (*p == ',')
			p++;
		else if (*p != '}')
			goto out;
	}
	{
		const char *t = g_hash_table_lookup(e->f, "t");
		const char *lin = g_hash_table_lookup(e->f, "lineage");

		e->host = g_hash_table_lookup(e->f, "host");
		e->ev = g_hash_table_lookup(e->f, "ev");
		if (t == NULL || e->host == NULL || e->ev == NULL ||
		    !parse_u64(t, &e->t))
			goto out;
		e->lineage = 0;
		if (lin != NULL && !parse_u64(lin, &e->lineage))
			goto out;
		ok = true;
	}
out:
	g_string_free(k, TRUE);
	g_string_free(v, TRUE);
	return (ok);
}

static const char *
fld(const struct sev *e, const char *key)
{
	const char *v = g_hash_table_lookup(e->f, key);

	return (v != NULL ? v : "-");
}

/* The step in words (the narration's facts, spelled out for a reader). */
static void
describe(const struct sev *e, GString *s)
{
	const char *ev = e->ev;

	if (strcmp(ev, "link-out") == 0)
		g_string_append_printf(s, "sent out %s: %s", fld(e, "if"),
		    fld(e, "summary"));
	else if (strcmp(ev, "link-in") == 0)
		g_string_append_printf(s, "received on %s: %s", fld(e, "if"),
		    fld(e, "summary"));
	else if (strcmp(ev, "link-lost") == 0)
		g_string_append_printf(s, "corrupted on the link to %s, "
		    "never received: %s", fld(e, "if"), fld(e, "summary"));
	else if (strcmp(ev, "ipfw") == 0)
		g_string_append_printf(s, "ipfw %s %s: rule %05u %s",
		    fld(e, "dir"), fld(e, "if"),
		    (unsigned)strtoul(fld(e, "rule"), NULL, 10),
		    fld(e, "action"));
	else if (strcmp(ev, "divert") == 0)
		g_string_append_printf(s, "queued on divert socket %s "
		    "(%s, tag %s; %s bytes queued before it)", fld(e, "port"),
		    strcmp(fld(e, "dir"), "in") == 0 ? "incoming" : "outgoing",
		    fld(e, "tag"), fld(e, "queued_bytes"));
	else if (strcmp(ev, "divert-read") == 0)
		g_string_append_printf(s, "read by the program on port %s: "
		    "tag %s, sin_addr %s, ifname \"%s\"", fld(e, "port"),
		    fld(e, "tag"), fld(e, "sin_addr"), fld(e, "ifname"));
	else if (strcmp(ev, "divert-write") == 0) {
		const char *dir = g_hash_table_lookup(e->f, "dir");

		g_string_append_printf(s, "written back on port %s",
		    fld(e, "port"));
		if (g_hash_table_lookup(e->f, "errno") != NULL &&
		    dir == NULL)
			g_string_append_printf(s, ": refused, %s",
			    fld(e, "errno"));
		else {
			if (dir != NULL && strcmp(dir, "in") == 0)
				g_string_append_printf(s, " as incoming on "
				    "%s", fld(e, "if"));
			else
				g_string_append(s, " as outgoing");
			g_string_append_printf(s, ", ipfw resumes after rule "
			    "%s", fld(e, "tag"));
			if (g_hash_table_lookup(e->f, "errno") != NULL)
				g_string_append_printf(s, "; sendto returned "
				    "%s", fld(e, "errno"));
		}
	} else if (strcmp(ev, "forward") == 0)
		g_string_append_printf(s, "forwarded %s -> %s", fld(e, "in"),
		    fld(e, "out"));
	else if (strcmp(ev, "fragment") == 0)
		g_string_append_printf(s, "cut into %s fragments for %s",
		    fld(e, "count"), fld(e, "if"));
	else if (strcmp(ev, "reassembled") == 0)
		g_string_append_printf(s, "reassembled from %s fragments, "
		    "len %s", fld(e, "frags"), fld(e, "len"));
	else if (strcmp(ev, "frag-queued") == 0) {
		const char *total = g_hash_table_lookup(e->f, "total");

		g_string_append_printf(s, "fragment held for reassembly: "
		    "offset %s, %s data bytes; %s held, %s of %s data bytes, "
		    "waiting for the rest", fld(e, "off"), fld(e, "data"),
		    fld(e, "held"), fld(e, "held_bytes"),
		    total != NULL ? total : "?");
	}
	else if (strcmp(ev, "deliver") == 0) {
		const char *p = fld(e, "proto");

		g_string_append_printf(s, "delivered to %s: %s > %s",
		    strcmp(p, "1") == 0 ? "ICMP" : strcmp(p, "17") == 0 ?
		    "UDP" : strcmp(p, "6") == 0 ? "TCP" : p,
		    fld(e, "src"), fld(e, "dst"));
	} else if (strcmp(ev, "drop") == 0) {
		g_string_append_printf(s, "dropped: %s", fld(e, "reason"));
		if (g_hash_table_lookup(e->f, "if") != NULL)
			g_string_append_printf(s, " on %s", fld(e, "if"));
		if (g_hash_table_lookup(e->f, "port") != NULL)
			g_string_append_printf(s, " at port %s",
			    fld(e, "port"));
		if (g_hash_table_lookup(e->f, "frag") != NULL)
			g_string_append_printf(s, " (%s)", fld(e, "frag"));
	} else if (strcmp(ev, "loop") == 0)
		g_string_append_printf(s, "loop stopped at port %s, rule %s: "
		    "%s", fld(e, "port"), fld(e, "rule"), fld(e, "why"));
	else if (strcmp(ev, "ping-reply") == 0) {
		const char *rtt = g_hash_table_lookup(e->f, "rtt_ns");

		g_string_append_printf(s, "ping: %s bytes from %s: "
		    "icmp_seq=%s", fld(e, "len"), fld(e, "src"),
		    fld(e, "seq"));
		if (rtt != NULL)
			g_string_append_printf(s, " time=%.3f ms",
			    strtod(rtt, NULL) / 1e6);
		if (strcmp(fld(e, "dup"), "true") == 0)
			g_string_append(s, " (DUP!)");
	} else
		g_string_append(s, ev);
}

struct story {
	GArray		*evs;		/* struct sev */
	GHashTable	*parent;	/* lineage -> index of causing event */
	GHashTable	*origin;	/* lineage -> index of its command */
	GHashTable	*first;		/* lineage -> index of first event */
	FILE		*out;
	unsigned	 width;
	bool		 why;		/* --why: each step's `why` list */
	unsigned	 step;
	GHashTable	*stepno;	/* event index -> step number */
};

#define	SEV(st, i)	(&g_array_index((st)->evs, struct sev, (i)))
#define	KEY(v)		((gpointer)(uintptr_t)(v))

static bool
same_instant(const struct sev *a, const struct sev *b)
{
	return (a->t == b->t && strcmp(a->host, b->host) == 0);
}

/* Work out parents, origins and the owners of lineage-less events. */
static void
story_link(struct story *st)
{
	for (guint i = 0; i < st->evs->len; i++) {
		struct sev *e = SEV(st, i);

		if (e->lineage == 0) {
			/* ping-reply and kin: the step just before. */
			if (strcmp(e->ev, "command") != 0 && i > 0 &&
			    same_instant(SEV(st, i - 1), e))
				e->owner = SEV(st, i - 1)->lineage != 0 ?
				    SEV(st, i - 1)->lineage :
				    SEV(st, i - 1)->owner;
			continue;
		}
		e->owner = e->lineage;
		if (g_hash_table_contains(st->first, KEY(e->lineage)))
			continue;
		g_hash_table_insert(st->first, KEY(e->lineage), KEY(i));
		for (guint j = i; j-- > 0;) {
			struct sev *p = SEV(st, j);

			if (!same_instant(p, e))
				break;
			if (strcmp(p->ev, "command") == 0) {
				g_hash_table_insert(st->origin,
				    KEY(e->lineage), KEY(j));
				break;
			}
			if (p->lineage != 0 && p->lineage != e->lineage) {
				g_hash_table_insert(st->parent,
				    KEY(e->lineage), KEY(j));
				break;
			}
		}
	}
}

static bool
is_outgoing_write(const struct sev *e)
{
	const char *dir = g_hash_table_lookup(e->f, "dir");

	return (strcmp(e->ev, "divert-write") == 0 && dir != NULL &&
	    strcmp(dir, "out") == 0);
}

static void
story_line(struct story *st, GString *line, size_t indent)
{
	GString *w = g_string_new(NULL);

	ev_text_wrap(w, line->str, line->len, st->width, indent);
	fputs(w->str, st->out);
	g_string_free(w, TRUE);
}

/*
 * The sentences of a `why` list (its JSON text, as parse_event() keeps
 * it), each appended to out; false if it is not a list of strings.
 */
static bool
why_sentences(const char *json, GPtrArray *out)
{
	GString *v = g_string_new(NULL);
	const char *p = skip_ws(json);
	bool ok = false;

	if (*p++ != '[')
		goto done;
	for (p = skip_ws(p); *p != ']'; p = skip_ws(p)) {
		if (*p++ != '"' || (p = json_string(p, v)) == NULL)
			goto done;
		g_ptr_array_add(out, g_strdup(v->str));
		p = skip_ws(p);
		if (*p == ',')
			p++;
		else if (*p != ']')
			goto done;
	}
	ok = true;
done:
	g_string_free(v, TRUE);
	return (ok);
}

/* --why: e's sentences (run --why's `why` list), one a line, at indent
 * columns, as run --why prints them under the step. */
static void
story_why(struct story *st, const struct sev *e, size_t indent)
{
	const char *json = g_hash_table_lookup(e->f, "why");
	GPtrArray *why;
	GString *line;

	if (json == NULL)
		return;
	why = g_ptr_array_new_with_free_func(g_free);
	line = g_string_new(NULL);
	(void)why_sentences(json, why);
	for (guint i = 0; i < why->len; i++) {
		g_string_printf(line, "%*s%s", (int)indent, "",
		    (const char *)g_ptr_array_index(why, i));
		story_line(st, line, indent);
	}
	g_string_free(line, TRUE);
	g_ptr_array_free(why, TRUE);
}

static int
cmp_index(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *)a, y = *(const guint *)b;

	return (x < y ? -1 : x > y);
}

static void
story_walk(struct story *st, uint64_t lineage, int depth)
{
	GString *line = g_string_new(NULL);
	GArray *kids = g_array_new(FALSE, FALSE, sizeof(guint));
	GArray *order = g_array_new(FALSE, FALSE, sizeof(guint));
	gpointer v;
	GHashTableIter it;
	gpointer k;

	if (g_hash_table_lookup_extended(st->parent, KEY(lineage), NULL,
	    &v)) {
		guint ci = (guint)(uintptr_t)v;
		guint step = GPOINTER_TO_UINT(g_hash_table_lookup(st->stepno,
		    KEY(ci)));

		g_string_printf(line, "packet %" PRIu64 ", made by %s in "
		    "answer to ", lineage, SEV(st, ci)->host);
		if (step != 0)
			g_string_append_printf(line, "step %u (packet %"
			    PRIu64 "):", step, SEV(st, ci)->lineage);
		else	/* its cause is not part of this walk */
			g_string_append_printf(line, "packet %" PRIu64 ":",
			    SEV(st, ci)->lineage);
	} else if (g_hash_table_lookup_extended(st->origin, KEY(lineage),
	    NULL, &v))
		g_string_printf(line, "packet %" PRIu64 ", sent by %s: %s",
		    lineage, SEV(st, (guint)(uintptr_t)v)->host,
		    fld(SEV(st, (guint)(uintptr_t)v), "command"));
	else
		g_string_printf(line, "packet %" PRIu64 ":", lineage);
	if (depth > 0)
		fputc('\n', st->out);
	story_line(st, line, 4);
	for (guint i = 0; i < st->evs->len; i++) {
		guint at;

		if (SEV(st, i)->owner != lineage)
			continue;
		g_array_append_val(order, i);
		if (!is_outgoing_write(SEV(st, i)))
			continue;
		/*
		 * An outgoing write-back is logged once ip_output() has run
		 * (its result is the event's errno): put it back before the
		 * steps that ip_output() took at that instant.
		 */
		for (at = order->len - 1; at > 0; at--) {
			const struct sev *p = SEV(st,
			    g_array_index(order, guint, at - 1));

			if (!same_instant(p, SEV(st, i)) ||
			    strncmp(p->ev, "divert", 6) == 0)
				break;
		}
		g_array_remove_index(order, order->len - 1);
		g_array_insert_val(order, at, i);
	}
	for (guint o = 0; o < order->len; o++) {
		guint i = g_array_index(order, guint, o);
		struct sev *e = SEV(st, i);
		char frac[10];

		st->step++;
		g_hash_table_insert(st->stepno, KEY(i),
		    GUINT_TO_POINTER(st->step));
		snprintf(frac, sizeof(frac), "%09" PRIu64,
		    e->t % 1000000000u);
		g_string_printf(line, "%3u. %4" PRIu64 ".%s %-8s ", st->step,
		    e->t / 1000000000u, frac, e->host);
		{
			size_t indent = line->len;

			describe(e, line);
			story_line(st, line, indent);
			if (st->why)
				story_why(st, e, indent + 2);
		}
	}
	g_array_free(order, TRUE);
	g_hash_table_iter_init(&it, st->parent);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		guint ci = (guint)(uintptr_t)v;

		if (SEV(st, ci)->lineage == lineage) {
			guint fi = GPOINTER_TO_UINT(g_hash_table_lookup(
			    st->first, k));

			g_array_append_val(kids, fi);
		}
	}
	g_array_sort(kids, cmp_index);
	for (guint i = 0; i < kids->len; i++)
		story_walk(st, SEV(st, g_array_index(kids, guint, i))->lineage,
		    depth + 1);
	g_array_free(kids, TRUE);
	g_string_free(line, TRUE);
}

int
story_main(int argc, char **argv, FILE *out, FILE *err)
{
	static const char usage[] = "usage: divertsim story [--width N] "
	    "[--why] EVENTS.JSONL LINEAGE\n";
	struct narrate_opts n = { 0 };
	struct story st = { 0 };
	const char *pos[2] = { NULL, NULL };
	const char *path;
	uint64_t lineage;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0, npos = 0;
	FILE *f;
	int rc = 0;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		fputs(usage, out);
		return (0);
	}
	/* Options before, between or after the two operands. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--why") == 0)
			st.why = true;
		else if (strcmp(argv[i], "--width") == 0) {
			if (i + 1 == argc) {
				fprintf(err, "divertsim story: --width needs "
				    "a value\n%s", usage);
				return (2);
			}
			if (!narrate_option(&n, 'W', argv[++i]))
				return (2);
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(err, "divertsim story: %s: no such option\n%s",
			    argv[i], usage);
			return (2);
		} else if (npos < 2)
			pos[npos++] = argv[i];
		else
			npos++;
	}
	if (npos != 2) {
		fputs(usage, err);
		return (2);
	}
	path = pos[0];
	if (!parse_u64(pos[1], &lineage) || lineage == 0) {
		fprintf(err, "divertsim story: %s: a packet's lineage is a "
		    "whole number from 1\n", pos[1]);
		return (2);
	}
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(err, "divertsim story: %s: %s\n", path,
		    strerror(errno));
		return (2);
	}
	st.evs = g_array_new(FALSE, FALSE, sizeof(struct sev));
	st.parent = g_hash_table_new(g_direct_hash, g_direct_equal);
	st.origin = g_hash_table_new(g_direct_hash, g_direct_equal);
	st.first = g_hash_table_new(g_direct_hash, g_direct_equal);
	st.stepno = g_hash_table_new(g_direct_hash, g_direct_equal);
	st.out = out;
	st.width = n.width;
	while ((len = getline(&line, &cap, f)) > 0) {
		struct sev e = { 0 };

		lineno++;
		if (!parse_event(line, &e)) {
			fprintf(err, "divertsim story: %s:%u: not an event "
			    "object of events.jsonl\n", path, lineno);
			g_hash_table_destroy(e.f);
			rc = 2;
			break;
		}
		g_array_append_val(st.evs, e);
	}
	free(line);
	fclose(f);
	/* run --why gives every ipfw event its list: one without it means
	 * the file was written without --why, and the walk cannot say why. */
	for (guint k = 0; rc == 0 && st.why && k < st.evs->len; k++)
		if (strcmp(SEV(&st, k)->ev, "ipfw") == 0 &&
		    g_hash_table_lookup(SEV(&st, k)->f, "why") == NULL) {
			fprintf(err, "divertsim story: --why: %s was written "
			    "without --why (its ipfw events have no why "
			    "list): write it with `divertsim run --why`\n",
			    path);
			rc = 2;
		}
	if (rc == 0) {
		story_link(&st);
		if (!g_hash_table_contains(st.first, KEY(lineage))) {
			fprintf(err, "divertsim story: %s: no event of "
			    "lineage %" PRIu64 "\n", path, lineage);
			rc = 2;
		} else
			story_walk(&st, lineage, 0);
	}
	for (guint k = 0; k < st.evs->len; k++)
		g_hash_table_destroy(SEV(&st, k)->f);
	g_array_free(st.evs, TRUE);
	g_hash_table_destroy(st.parent);
	g_hash_table_destroy(st.origin);
	g_hash_table_destroy(st.first);
	g_hash_table_destroy(st.stepno);
	return (rc);
}

bool
story_parse_event(const char *line, struct sev *e)
{
	return (parse_event(line, e));
}

void
story_describe(const struct sev *e, GString *s)
{
	describe(e, s);
}
