/*
 * The event log: each event becomes one narrative line on the text stream
 * and one JSON object on the events.jsonl stream.  Both are built in flat
 * buffers reused for every event (an append is a bounds check and a copy;
 * numbers and escapes are written in place, no printf), so logging
 * allocates nothing per packet once warmed up, and when both streams are
 * off ev_begin() only counts.
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

/* A flat growable byte buffer. */
struct evbuf {
	char		*p;
	size_t		 len, cap;
};

struct ev {
	struct ev_log	*log;
	struct evbuf	 json;
	struct evbuf	 text;
	size_t		 text_prefix_len;	/* "TIME HOST " */
	bool		 open;
	bool		 narrate;	/* host and kind pass the filter */
	bool		 has_lineage;
	uint64_t	 lineage;
	uint64_t	 t;		/* for the step sink */
	const char	*host, *kind;
};

struct ev_log {
	FILE		*text_out;
	FILE		*jsonl_out;
	ev_sink_fn	 jsonl_sink;	/* instead of jsonl_out */
	void		*jsonl_ctx;
	bool		 jsonl_on;	/* either of the two, not failed */
	int		 jsonl_errno;	/* first failed fwrite */
	uint64_t	*events;
	struct ev_narration filter;
	GString		*wrapped;	/* scratch for --width */
	ev_step_fn	 step_fn;	/* the run's pcapng */
	void		*step_ctx;
	const struct ev_frame *frame;	/* of the next step, borrowed */
	struct ev	 ev;
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
	return (log);
}

void
ev_log_free(struct ev_log *log)
{
	if (log == NULL)
		return;
	g_free(log->ev.json.p);
	g_free(log->ev.text.p);
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
	return (log != NULL && (log->text_out != NULL || log->jsonl_on ||
	    log->step_fn != NULL));
}

void
ev_log_set_step_sink(struct ev_log *log, ev_step_fn fn, void *ctx)
{
	if (log == NULL)
		return;
	log->step_fn = fn;
	log->step_ctx = ctx;
}

/* Text is built for the narration and for the step sink. */
static inline bool
log_wants_text(const struct ev_log *log)
{
	return (log->text_out != NULL || log->step_fn != NULL);
}

/* Hand one narrative line (after its prefix) to the step sink. */
static void
step_emit(struct ev_log *log, uint64_t t, const char *host, const char *kind,
    bool has_lineage, uint64_t lineage, const char *text, size_t len)
{
	struct ev_step st;

	if (log->step_fn == NULL)
		return;
	st.t_ns = t;
	st.host = host;
	st.kind = kind;
	st.has_lineage = has_lineage;
	st.lineage = lineage;
	st.text = text;
	st.text_len = len;
	st.frame = log->frame;
	log->frame = NULL;
	log->step_fn(log->step_ctx, &st);
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
		fwrite_unlocked(line, 1, len, log->text_out);
		fputc_unlocked('\n', log->text_out);
		return;
	}
	g_string_truncate(log->wrapped, 0);
	ev_text_wrap(log->wrapped, line, len, log->filter.width, indent);
	fwrite_unlocked(log->wrapped->str, 1, log->wrapped->len, log->text_out);
}

static void
evbuf_grow(struct evbuf *b, size_t need)
{
	size_t cap = b->cap != 0 ? b->cap : 256;

	while (cap - b->len < need)
		cap *= 2;
	b->p = g_realloc(b->p, cap);
	b->cap = cap;
}

/* Room for n more bytes; the caller writes them and moves len. */
static inline char *
evbuf_room(struct evbuf *b, size_t n)
{
	if (b->cap - b->len < n)
		evbuf_grow(b, n);
	return (b->p + b->len);
}

static inline void
evbuf_put(struct evbuf *b, const char *s, size_t n)
{
	memcpy(evbuf_room(b, n), s, n);
	b->len += n;
}

#define	EVBUF_LIT(b, lit)	evbuf_put((b), (lit), sizeof(lit) - 1)

static inline void
evbuf_putc(struct evbuf *b, char c)
{
	*evbuf_room(b, 1) = c;
	b->len++;
}

/* Decimal digits of v, two at a time, without printf (this runs for
 * every field of every event). */
static inline void
evbuf_u64(struct evbuf *b, uint64_t v)
{
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	    "8081828384858687888990919293949596979899";
	char buf[20];
	size_t i = sizeof(buf);

	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);

		v /= 100;
		buf[--i] = pairs[2 * r + 1];
		buf[--i] = pairs[2 * r];
	}
	if (v >= 10) {
		buf[--i] = pairs[2 * v + 1];
		buf[--i] = pairs[2 * v];
	} else
		buf[--i] = (char)('0' + v);
	evbuf_put(b, buf + i, sizeof(buf) - i);
}

/*
 * A JSON string, escaped in place: room for the worst case (\u00XX for
 * every byte) is made once, then each byte is copied or escaped.
 */
static void
json_escape(struct evbuf *b, const char *v)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)v;
	size_t n = strlen(v);
	char *w = evbuf_room(b, 6 * n + 2), *start = w;

	*w++ = '"';
	/* Eight plain bytes at a time: none below 0x20, '"' or '\\'. */
	for (; n >= 8; n -= 8, p += 8) {
		uint64_t x, lt, q, bs;

		memcpy(&x, p, 8);
		lt = (x - 0x2020202020202020u) & ~x;
		q = x ^ 0x2222222222222222u;
		q = (q - 0x0101010101010101u) & ~q;
		bs = x ^ 0x5c5c5c5c5c5c5c5cu;
		bs = (bs - 0x0101010101010101u) & ~bs;
		if (((lt | q | bs) & 0x8080808080808080u) != 0)
			break;
		memcpy(w, p, 8);
		w += 8;
	}
	for (; *p != '\0'; p++) {
		unsigned char c = *p;

		if (c >= 0x20 && c != '"' && c != '\\') {
			*w++ = (char)c;
			continue;
		}
		*w++ = '\\';
		switch (c) {
		case '"':	*w++ = '"'; break;
		case '\\':	*w++ = '\\'; break;
		case '\n':	*w++ = 'n'; break;
		case '\t':	*w++ = 't'; break;
		default:
			*w++ = 'u';
			*w++ = '0';
			*w++ = '0';
			*w++ = hex[c >> 4];
			*w++ = hex[c & 15];
		}
	}
	*w++ = '"';
	b->len += (size_t)(w - start);
}

/* Keys are the program's own identifiers: no escaping needed. */
static inline void
json_key(struct ev *e, const char *key)
{
	size_t n = strlen(key);
	char *w = evbuf_room(&e->json, n + 4);

	w[0] = ',';
	w[1] = '"';
	memcpy(w + 2, key, n);
	w[n + 2] = '"';
	w[n + 3] = ':';
	e->json.len += n + 4;
}

/* "   1.002000000 gw       ": printf's "%4llu.%09llu %-8s ". */
static void
text_prefix(struct evbuf *b, uint64_t t, const char *host)
{
	uint64_t sec = t / SIM_NS_PER_S, ns = t % SIM_NS_PER_S;
	size_t hl = strlen(host);
	char digits[20];
	size_t i = sizeof(digits);
	char *w;

	do {
		digits[--i] = (char)('0' + sec % 10);
		sec /= 10;
	} while (sec != 0);
	w = evbuf_room(b, 4 + (sizeof(digits) - i) + 10 + 8 + hl + 1);
	for (size_t pad = sizeof(digits) - i; pad < 4; pad++)
		*w++ = ' ';
	memcpy(w, digits + i, sizeof(digits) - i);
	w += sizeof(digits) - i;
	*w++ = '.';
	for (int k = 8; k >= 0; k--) {
		w[k] = (char)('0' + ns % 10);
		ns /= 10;
	}
	w += 9;
	*w++ = ' ';
	memcpy(w, host, hl);
	w += hl;
	for (size_t pad = hl; pad < 8; pad++)
		*w++ = ' ';
	*w++ = ' ';
	b->len = (size_t)(w - b->p);
}

struct ev *
ev_begin(struct ev_log *log, const char *host, const char *kind)
{
	struct ev *e;
	uint64_t t;

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
	e->t = t;
	e->host = host;
	e->kind = kind;
	log->frame = NULL;
	if (log->jsonl_on) {
		e->json.len = 0;
		EVBUF_LIT(&e->json, "{\"t\":");
		evbuf_u64(&e->json, t);
		EVBUF_LIT(&e->json, ",\"host\":");
		json_escape(&e->json, host);
		EVBUF_LIT(&e->json, ",\"ev\":");
		json_escape(&e->json, kind);
	}
	if (log_wants_text(log)) {
		e->text.len = 0;
		text_prefix(&e->text, t, host);
		e->text_prefix_len = e->text.len;
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
	return (e != NULL && log_wants_text(e->log));
}

void
ev_str(struct ev *e, const char *key, const char *val)
{
	if (!ev_wants_json(e))
		return;
	json_key(e, key);
	if (val == NULL)
		EVBUF_LIT(&e->json, "null");
	else
		json_escape(&e->json, val);
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
		evbuf_putc(&e->json, '-');
		evbuf_u64(&e->json, (uint64_t)0 - (uint64_t)val);
	} else
		evbuf_u64(&e->json, (uint64_t)val);
}

void
ev_bool(struct ev *e, const char *key, bool val)
{
	if (!ev_wants_json(e))
		return;
	json_key(e, key);
	if (val)
		EVBUF_LIT(&e->json, "true");
	else
		EVBUF_LIT(&e->json, "false");
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
	evbuf_put(&e->json, json, strlen(json));
}

void
ev_textf(struct ev *e, const char *fmt, ...)
{
	struct evbuf *b;
	va_list ap;
	size_t avail;
	int n;

	if (!ev_wants_text(e))
		return;
	b = &e->text;
	(void)evbuf_room(b, 128);
	avail = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, avail, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= avail) {
		evbuf_room(b, (size_t)n + 1);
		va_start(ap, fmt);
		(void)vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
ev_end(struct ev *e)
{
	struct ev_log *log;

	if (e == NULL)
		return;
	log = e->log;
	if (log->jsonl_on) {
		EVBUF_LIT(&e->json, "}\n");
		/* A failed stream is written no more (its error is kept);
		 * one stream per thread: the unlocked stdio write. */
		if (log->jsonl_sink != NULL)
			log->jsonl_on = log->jsonl_sink(log->jsonl_ctx,
			    e->json.p, e->json.len);
		else if (fwrite_unlocked(e->json.p, 1, e->json.len,
		    log->jsonl_out) != e->json.len) {
			log->jsonl_errno = errno != 0 ? errno : EIO;
			log->jsonl_on = false;
		}
	}
	/* An event whose text was left empty has no narrative line. */
	if (log_wants_text(log) && e->text.len > e->text_prefix_len)
		step_emit(log, e->t, e->host, e->kind, e->has_lineage,
		    e->lineage, e->text.p + e->text_prefix_len,
		    e->text.len - e->text_prefix_len);
	if (log->text_out != NULL && e->text.len > e->text_prefix_len &&
	    e->narrate && narrate_lineage(log, e->has_lineage, e->lineage))
		text_write(log, e->text.p, e->text.len, e->text_prefix_len);
	log->frame = NULL;
	e->open = false;
}

void
ev_frame(struct ev *e, const struct ev_frame *f)
{
	if (e != NULL)
		e->log->frame = f;
}

void
ev_log_frame(struct ev_log *log, const struct ev_frame *f)
{
	if (log != NULL && log->step_fn != NULL)
		log->frame = f;
}

/*
 * A line of a step that has no event of its own: to the step sink always,
 * to the narration when narrate.
 */
static void
log_vline(struct ev_log *log, const char *host, const char *kind,
    bool has_lineage, uint64_t lineage, bool narrate, const char *fmt,
    va_list ap)
{
	uint64_t t = sim_now();
	GString *l = g_string_sized_new(160);
	size_t indent;

	g_string_append_printf(l, "%4" PRIu64 ".%09" PRIu64 " %-8s ",
	    (uint64_t)(t / SIM_NS_PER_S), (uint64_t)(t % SIM_NS_PER_S), host);
	indent = l->len;
	g_string_append_vprintf(l, fmt, ap);
	step_emit(log, t, host, kind, has_lineage, lineage, l->str + indent,
	    l->len - indent);
	if (narrate)
		text_write(log, l->str, l->len, indent);
	g_string_free(l, TRUE);
}

void
ev_log_linef(struct ev_log *log, const char *host, const char *fmt, ...)
{
	va_list ap;
	bool narrate;

	if (log == NULL || !log_wants_text(log))
		return;
	/* Neither a kind nor a lineage: only a host filter can pass it. */
	narrate = log->text_out != NULL &&
	    log->filter.kind == NULL && log->filter.lineage == 0 &&
	    (log->filter.host == NULL || strcmp(log->filter.host, host) == 0);
	if (!narrate && log->step_fn == NULL)
		return;
	va_start(ap, fmt);
	log_vline(log, host, NULL, false, 0, narrate, fmt, ap);
	va_end(ap);
}

void
ev_log_stepf(struct ev_log *log, const char *host, const char *kind,
    uint64_t lineage, const char *fmt, ...)
{
	va_list ap;
	bool narrate;

	if (log == NULL || !log_wants_text(log))
		return;
	narrate = log->text_out != NULL &&
	    narrate_host_kind(log, host, kind) &&
	    narrate_lineage(log, true, lineage);
	if (!narrate && log->step_fn == NULL)
		return;
	va_start(ap, fmt);
	log_vline(log, host, kind, true, lineage, narrate, fmt, ap);
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
