/*
 * The event log: each event becomes one narrative line on the text stream
 * and one JSON object on the events.jsonl stream.  One builder is reused for
 * every event, so logging allocates nothing per packet once warmed up, and
 * when both streams are off ev_begin() only counts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "sim/events.h"
#include "sim/sim_names.h"
#include "sim/sim_sched.h"

struct ev {
	struct ev_log	*log;
	GString		*json;
	GString		*text;
	size_t		 text_prefix_len;	/* "TIME HOST " */
	bool		 open;
	bool		 narrate;	/* host and kind pass the filter */
	bool		 has_lineage;
	uint64_t	 lineage;
};

struct ev_log {
	FILE		*text_out;
	FILE		*jsonl_out;
	ev_sink_fn	 jsonl_sink;	/* instead of jsonl_out */
	void		*jsonl_ctx;
	bool		 jsonl_on;	/* either of the two, not failed */
	int		 jsonl_errno;	/* first failed fwrite */
	uint64_t	*events;
	struct ev	 ev;
	struct ev_narration filter;
	GString		*wrapped;	/* scratch for --width */
};

struct ev_log *
ev_log_new(FILE *text, FILE *jsonl, uint64_t *events_counter)
{
	struct ev_log *log;

	log = g_new0(struct ev_log, 1);
	log->text_out = text;
	log->jsonl_out = jsonl;
	log->jsonl_on = jsonl != NULL;
	log->events = events_counter;
	log->ev.log = log;
	log->ev.json = g_string_sized_new(256);
	log->ev.text = g_string_sized_new(256);
	return (log);
}

void
ev_log_free(struct ev_log *log)
{
	if (log == NULL)
		return;
	g_string_free(log->ev.json, TRUE);
	g_string_free(log->ev.text, TRUE);
	if (log->wrapped != NULL)
		g_string_free(log->wrapped, TRUE);
	g_free(log);
}

void
ev_log_set_jsonl_sink(struct ev_log *log, ev_sink_fn fn, void *ctx)
{
	log->jsonl_sink = fn;
	log->jsonl_ctx = ctx;
	log->jsonl_out = NULL;
	log->jsonl_on = fn != NULL;
}

int
ev_log_jsonl_errno(const struct ev_log *log)
{
	return (log->jsonl_errno);
}

bool
ev_log_active(const struct ev_log *log)
{
	return (log != NULL && (log->text_out != NULL || log->jsonl_on));
}

void
ev_log_set_narration(struct ev_log *log, const struct ev_narration *n)
{
	if (log == NULL)
		return;
	log->filter = *n;
	if (n->width > 0 && log->wrapped == NULL)
		log->wrapped = g_string_sized_new(256);
}

static bool
narrate_host_kind(const struct ev_log *log, const char *host,
    const char *kind)
{
	return ((log->filter.host == NULL ||
	    strcmp(log->filter.host, host) == 0) &&
	    (log->filter.kind == NULL || strcmp(log->filter.kind, kind) == 0));
}

static bool
narrate_lineage(const struct ev_log *log, bool has, uint64_t lineage)
{
	return (log->filter.lineage == 0 ||
	    (has && lineage == log->filter.lineage));
}

void
ev_text_wrap(GString *dst, const char *line, size_t len, unsigned width,
    size_t indent)
{
	size_t start = 0, col = 0;

	if (width == 0 || len <= width || indent + 8 >= width) {
		g_string_append_len(dst, line, (gssize)len);
		g_string_append_c(dst, '\n');
		return;
	}
	while (start < len) {
		size_t room = width - col, end, brk;

		if (len - start <= room) {
			g_string_append_len(dst, line + start,
			    (gssize)(len - start));
			break;
		}
		end = start + room;
		for (brk = end; brk > start && line[brk] != ' '; brk--)
			;
		if (brk == start)
			brk = end;		/* no space: cut */
		g_string_append_len(dst, line + start, (gssize)(brk - start));
		g_string_append_c(dst, '\n');
		start = brk;
		while (start < len && line[start] == ' ')
			start++;
		for (size_t i = 0; i < indent; i++)
			g_string_append_c(dst, ' ');
		col = indent;
	}
	g_string_append_c(dst, '\n');
}

/* One narrative line (line has no newline), wrapped at the filter's width. */
static void
text_write(struct ev_log *log, const char *line, size_t len, size_t indent)
{
	if (log->filter.width == 0) {
		fwrite(line, 1, len, log->text_out);
		fputc('\n', log->text_out);
		return;
	}
	g_string_truncate(log->wrapped, 0);
	ev_text_wrap(log->wrapped, line, len, log->filter.width, indent);
	fwrite(log->wrapped->str, 1, log->wrapped->len, log->text_out);
}

/* Characters that JSON strings cannot hold as they are. */
static bool
json_needs_escape(unsigned char c)
{
	return (c < 0x20 || c == '"' || c == '\\');
}

/* A JSON string: runs of plain bytes are copied in one go. */
static void
json_escape(GString *s, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	g_string_append_c(s, '"');
	while (*p != '\0') {
		const unsigned char *run = p;

		while (*p != '\0' && !json_needs_escape(*p))
			p++;
		g_string_append_len(s, (const char *)run, p - run);
		if (*p == '\0')
			break;
		switch (*p) {
		case '"':
			g_string_append(s, "\\\"");
			break;
		case '\\':
			g_string_append(s, "\\\\");
			break;
		case '\n':
			g_string_append(s, "\\n");
			break;
		case '\t':
			g_string_append(s, "\\t");
			break;
		default:
			g_string_append_printf(s, "\\u%04x", *p);
		}
		p++;
	}
	g_string_append_c(s, '"');
}

/* Decimal digits of v, without printf (this runs for every event). */
static void
append_u64(GString *s, uint64_t v)
{
	char buf[20];
	size_t i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	g_string_append_len(s, buf + i, (gssize)(sizeof(buf) - i));
}

/* Keys are the program's own identifiers: no escaping needed. */
static void
json_key(struct ev *e, const char *key)
{
	g_string_append_len(e->json, ",\"", 2);
	g_string_append(e->json, key);
	g_string_append_len(e->json, "\":", 2);
}

struct ev *
ev_begin(struct ev_log *log, const char *host, const char *kind)
{
	struct ev *e;
	uint64_t t;
	char frac[10];

	if (log == NULL)
		return (NULL);
	if (log->events != NULL)
		(*log->events)++;
	if (!ev_log_active(log))
		return (NULL);
	e = &log->ev;
	g_assert(!e->open);
	e->open = true;
	e->has_lineage = false;
	e->narrate = narrate_host_kind(log, host, kind);
	t = sim_now();
	if (log->jsonl_on) {
		g_string_truncate(e->json, 0);
		g_string_append_len(e->json, "{\"t\":", 5);
		append_u64(e->json, t);
		g_string_append_len(e->json, ",\"host\":", 8);
		json_escape(e->json, host);
		g_string_append_len(e->json, ",\"ev\":", 6);
		json_escape(e->json, kind);
	}
	if (log->text_out != NULL) {
		/* "   1.002000000 gw       " */
		g_string_truncate(e->text, 0);
		g_string_append_printf(e->text, "%4" PRIu64, (uint64_t)(t / SIM_NS_PER_S));
		snprintf(frac, sizeof(frac), "%09" PRIu64, (uint64_t)(t % SIM_NS_PER_S));
		g_string_append_c(e->text, '.');
		g_string_append_len(e->text, frac, 9);
		g_string_append_printf(e->text, " %-8s ", host);
		e->text_prefix_len = e->text->len;
	}
	return (e);
}

bool
ev_wants_json(const struct ev *e)
{
	return (e != NULL && e->log->jsonl_on);
}

bool
ev_wants_text(const struct ev *e)
{
	return (e != NULL && e->log->text_out != NULL);
}

void
ev_str(struct ev *e, const char *key, const char *val)
{
	if (!ev_wants_json(e))
		return;
	json_key(e, key);
	if (val == NULL)
		g_string_append(e->json, "null");
	else
		json_escape(e->json, val);
}

void
ev_int(struct ev *e, const char *key, int64_t val)
{
	if (e != NULL && strcmp(key, "lineage") == 0) {
		e->has_lineage = true;
		e->lineage = (uint64_t)val;
	}
	if (!ev_wants_json(e))
		return;
	json_key(e, key);
	if (val < 0) {
		g_string_append_c(e->json, '-');
		append_u64(e->json, (uint64_t)0 - (uint64_t)val);
	} else
		append_u64(e->json, (uint64_t)val);
}

void
ev_bool(struct ev *e, const char *key, bool val)
{
	if (!ev_wants_json(e))
		return;
	json_key(e, key);
	g_string_append(e->json, val ? "true" : "false");
}

void
ev_addr(struct ev *e, const char *key, uint32_t a)
{
	char buf[INET_ADDRSTRLEN];

	if (!ev_wants_json(e))
		return;
	ev_str(e, key, inet_addr_str(a, buf));
}

void
ev_null(struct ev *e, const char *key)
{
	ev_str(e, key, NULL);
}

void
ev_json(struct ev *e, const char *key, const char *json)
{
	if (!ev_wants_json(e))
		return;
	json_key(e, key);
	g_string_append(e->json, json);
}

void
ev_textf(struct ev *e, const char *fmt, ...)
{
	va_list ap;

	if (!ev_wants_text(e))
		return;
	va_start(ap, fmt);
	g_string_append_vprintf(e->text, fmt, ap);
	va_end(ap);
}

void
ev_end(struct ev *e)
{
	struct ev_log *log;

	if (e == NULL)
		return;
	log = e->log;
	if (log->jsonl_on) {
		g_string_append(e->json, "}\n");
		/* A failed stream is written no more (its error is kept). */
		if (log->jsonl_sink != NULL)
			log->jsonl_on = log->jsonl_sink(log->jsonl_ctx,
			    e->json->str, e->json->len);
		else if (fwrite(e->json->str, 1, e->json->len,
		    log->jsonl_out) != e->json->len) {
			log->jsonl_errno = errno != 0 ? errno : EIO;
			log->jsonl_on = false;
		}
	}
	/* An event whose text was left empty has no narrative line. */
	if (log->text_out != NULL && e->text->len > e->text_prefix_len &&
	    e->narrate && narrate_lineage(log, e->has_lineage, e->lineage))
		text_write(log, e->text->str, e->text->len,
		    e->text_prefix_len);
	e->open = false;
}

static void
log_vline(struct ev_log *log, const char *host, const char *fmt, va_list ap)
{
	uint64_t t = sim_now();
	GString *l = g_string_sized_new(160);
	size_t indent;

	g_string_append_printf(l, "%4" PRIu64 ".%09" PRIu64 " %-8s ",
	    (uint64_t)(t / SIM_NS_PER_S), (uint64_t)(t % SIM_NS_PER_S), host);
	indent = l->len;
	g_string_append_vprintf(l, fmt, ap);
	text_write(log, l->str, l->len, indent);
	g_string_free(l, TRUE);
}

void
ev_log_linef(struct ev_log *log, const char *host, const char *fmt, ...)
{
	va_list ap;

	/* Neither a kind nor a lineage: only a host filter can pass it. */
	if (log == NULL || log->text_out == NULL ||
	    log->filter.kind != NULL || log->filter.lineage != 0 ||
	    (log->filter.host != NULL && strcmp(log->filter.host, host) != 0))
		return;
	va_start(ap, fmt);
	log_vline(log, host, fmt, ap);
	va_end(ap);
}

void
ev_log_stepf(struct ev_log *log, const char *host, const char *kind,
    uint64_t lineage, const char *fmt, ...)
{
	va_list ap;

	if (log == NULL || log->text_out == NULL ||
	    !narrate_host_kind(log, host, kind) ||
	    !narrate_lineage(log, true, lineage))
		return;
	va_start(ap, fmt);
	log_vline(log, host, fmt, ap);
	va_end(ap);
}

void
ev_log_printf(struct ev_log *log, const char *fmt, ...)
{
	va_list ap;

	if (log == NULL || log->text_out == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(log->text_out, fmt, ap);
	va_end(ap);
}
