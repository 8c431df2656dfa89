/*
 * The event log: each event becomes one narrative line on the text stream
 * and one JSON object on the events.jsonl stream.  Both are built in flat
 * buffers reused for every event (an append is a bounds check and a copy;
 * numbers and escapes are written in place, no printf), so logging
 * allocates nothing per packet once warmed up, and when both streams are
 * off ev_begin() only counts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <glib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "sim/events.h"
#include "sim/sim_bytes.h"
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
	struct evbuf	 why;		/* ev_why(): lines, '\n'-ended */
};

/*
 * The JSON text ",\"host\":\"H\",\"ev\":\"KIND\"" of a host and an
 * event kind, kept by the pair of pointers: events.h asks that both strings
 * stay as they are while the log lives (a host's name, a literal), so the
 * few pairs of a run are escaped once, not at every event.
 */
#define	EV_HEADS	256
#define	EV_HEAD_MAX	80

struct ev_head {
	const char	*host, *kind;
	uint8_t		 len;
	char		 text[EV_HEAD_MAX];
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
	struct evbuf	 line;		/* scratch for ev_log_linef/stepf */
	struct ev_head	*heads;		/* EV_HEADS of them, made on demand */
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
	g_free(log->heads);
	g_free(log->ev.why.p);
	g_free(log->line.p);
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
ev_log_why(const struct ev_log *log)
{
	return (log != NULL && log->filter.why && ev_log_active(log));
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
	sim_short_copy(evbuf_room(b, n), s, n);
	b->len += n;
}

#define	EVBUF_LIT(b, lit)	evbuf_put((b), (lit), sizeof(lit) - 1)

static inline void
evbuf_putc(struct evbuf *b, char c)
{
	*evbuf_room(b, 1) = c;
	b->len++;
}

/* Decimal digits of v without printf (this runs for every field of every
 * event). */
static inline void
evbuf_u64(struct evbuf *b, uint64_t v)
{
	char buf[20], *p = sim_u64_dec(buf + sizeof(buf), v);

	evbuf_put(b, p, (size_t)(buf + sizeof(buf) - p));
}

/* The bytes a JSON string cannot hold as they are: below 0x20, '"', '\\'. */
static const bool json_special[256] = {
	[0x00 ... 0x1f] = true, ['"'] = true, ['\\'] = true,
};

/*
 * How many of the first n bytes of p (n >= 8) need no escaping, found and
 * copied to w 16 (SSE2) or 8 bytes at a time.  Apart, so that the many
 * short strings (host names, kinds, interfaces) skip its set-up.
 */
static size_t
json_plain_run(const unsigned char *p, size_t n, char *w)
{
	size_t done = 0;

#ifdef __SSE2__
	for (; n - done >= 16; done += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)
		    (p + done));
		__m128i bad = _mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
		    _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(0x1f)),
		    _mm_set1_epi8(0x1f)));

		if (_mm_movemask_epi8(bad) != 0)
			return (done);
		_mm_storeu_si128((__m128i *)(void *)(w + done), x);
	}
#endif
	for (; n - done >= 8; done += 8) {
		uint64_t x, lt, q, bs;

		memcpy(&x, p + done, 8);
		lt = (x - 0x2020202020202020u) & ~x;
		q = x ^ 0x2222222222222222u;
		q = (q - 0x0101010101010101u) & ~q;
		bs = x ^ 0x5c5c5c5c5c5c5c5cu;
		bs = (bs - 0x0101010101010101u) & ~bs;
		if (((lt | q | bs) & 0x8080808080808080u) != 0)
			return (done);
		memcpy(w + done, p + done, 8);
	}
	return (done);
}

/* From the first byte that needs it on: each byte copied or escaped. */
static char *
json_escape_rest(char *w, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (; n > 0; n--, p++) {
		unsigned char c = *p;

		if (!json_special[c]) {
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
	return (w);
}

/*
 * A JSON string of n bytes, escaped in place: room for the worst case
 * (\u00XX for every byte) is made once; the plain bytes before the first
 * that needs escaping are copied in blocks (a long run) or one by one, the
 * rest is left to json_escape_rest().
 */
static void
json_escape_n(struct evbuf *b, const char *v, size_t n)
{
	const unsigned char *p = (const unsigned char *)v;
	char *w = evbuf_room(b, 6 * n + 2), *start = w;
	size_t i = 0;

	*w++ = '"';
	if (n >= 8)
		i = json_plain_run(p, n, w);
	for (; i < n && !json_special[p[i]]; i++)
		w[i] = (char)p[i];
	w += i;
	if (i < n)
		w = json_escape_rest(w, p + i, n - i);
	*w++ = '"';
	b->len += (size_t)(w - start);
}

static inline void
json_escape(struct evbuf *b, const char *v)
{
	json_escape_n(b, v, strlen(v));
}

/* The key's text, ",\"KEY\":" (EV_KEY): the program's own identifiers,
 * no escaping needed. */
static inline void
json_key(struct ev *e, const char *key, size_t n)
{
	evbuf_put(&e->json, key, n);
}

static inline bool
wants_json(const struct ev *e)
{
	return (e != NULL && e->log->jsonl_on);
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

/* ",\"host\":H,\"ev\":KIND" into b, from the log's table when it can. */
static void
json_head(struct ev_log *log, struct evbuf *b, const char *host,
    const char *kind)
{
	uintptr_t k = (uintptr_t)host * 31u ^ (uintptr_t)kind;
	struct ev_head *h;
	size_t start = b->len;

	if (log->heads == NULL)
		log->heads = g_new0(struct ev_head, EV_HEADS);
	h = &log->heads[(k ^ k >> 8 ^ k >> 16) % EV_HEADS];
	if (h->host == host && h->kind == kind) {
		evbuf_put(b, h->text, h->len);
		return;
	}
	EVBUF_LIT(b, ",\"host\":");
	json_escape(b, host);
	EVBUF_LIT(b, ",\"ev\":");
	json_escape(b, kind);
	if (b->len - start <= EV_HEAD_MAX) {
		h->host = host;
		h->kind = kind;
		h->len = (uint8_t)(b->len - start);
		memcpy(h->text, b->p + start, h->len);
	}
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
	e->why.len = 0;
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
		json_head(log, &e->json, host, kind);
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
ev_str_k(struct ev *e, const char *key, size_t klen, const char *val)
{
	if (!wants_json(e))
		return;
	json_key(e, key, klen);
	if (val == NULL)
		EVBUF_LIT(&e->json, "null");
	else
		json_escape(&e->json, val);
}

void
ev_int_k(struct ev *e, const char *key, size_t klen, int64_t val)
{
	if (e != NULL && klen == sizeof(",\"lineage\":") - 1 &&
	    memcmp(key, ",\"lineage\":", klen) == 0) {
		e->has_lineage = true;
		e->lineage = (uint64_t)val;
	}
	if (!wants_json(e))
		return;
	json_key(e, key, klen);
	if (val < 0) {
		evbuf_putc(&e->json, '-');
		evbuf_u64(&e->json, (uint64_t)0 - (uint64_t)val);
	} else
		evbuf_u64(&e->json, (uint64_t)val);
}

void
ev_bool_k(struct ev *e, const char *key, size_t klen, bool val)
{
	if (!wants_json(e))
		return;
	json_key(e, key, klen);
	if (val)
		EVBUF_LIT(&e->json, "true");
	else
		EVBUF_LIT(&e->json, "false");
}

void
ev_addr_k(struct ev *e, const char *key, size_t klen, uint32_t a)
{
	char buf[INET_ADDRSTRLEN];

	if (!wants_json(e))
		return;
	ev_str_k(e, key, klen, inet_addr_str(a, buf));
}

void
ev_json_k(struct ev *e, const char *key, size_t klen, const char *json)
{
	if (!wants_json(e))
		return;
	json_key(e, key, klen);
	evbuf_put(&e->json, json, strlen(json));
}

void
ev_why(struct ev *e, const GPtrArray *sentences)
{
	if (e == NULL)
		return;
	if (ev_wants_json(e)) {
		json_key(e, EV_KEY("why"));
		evbuf_putc(&e->json, '[');
		for (guint i = 0; i < sentences->len; i++) {
			if (i > 0)
				evbuf_putc(&e->json, ',');
			json_escape(&e->json, g_ptr_array_index(sentences, i));
		}
		evbuf_putc(&e->json, ']');
	}
	if (!ev_wants_text(e))
		return;
	for (guint i = 0; i < sentences->len; i++) {
		const char *t = g_ptr_array_index(sentences, i);

		evbuf_put(&e->why, t, strlen(t));
		evbuf_putc(&e->why, '\n');
	}
}

/*
 * evbuf_vprintf()'s fast path: the conversions narrative lines use (%s %c
 * %d %i %u %x %%, plain or with l, ll or z) written directly, vsnprintf
 * being most of a narrated line's cost.  Anything else (a flag, a width,
 * a precision, another conversion or length, a null string) returns
 * false with b as it was, and vsnprintf does the whole format.
 */
static bool
evbuf_fmt_fast(struct evbuf *b, const char *fmt, va_list ap)
{
	size_t start = b->len;
	const char *f = fmt;

	for (;;) {
		const char *pct = strchr(f, '%');
		size_t lit = pct != NULL ? (size_t)(pct - f) : strlen(f);
		int lm = 0;		/* 0 int, 1 long, 2 long long, 3 size_t */
		char buf[24], *d;
		uint64_t u;
		bool neg = false;
		char conv;

		if (lit > 0)
			evbuf_put(b, f, lit);
		if (pct == NULL)
			break;
		f = pct + 1;
		if (f[0] == 'l' && f[1] == 'l')
			lm = 2, f += 2;
		else if (f[0] == 'l')
			lm = 1, f++;
		else if (f[0] == 'z')
			lm = 3, f++;
		switch ((conv = *f++)) {
		case '%':
			if (lm != 0)
				goto slow;
			evbuf_putc(b, '%');
			continue;
		case 's': {
			const char *v;

			if (lm != 0 || (v = va_arg(ap, const char *)) == NULL)
				goto slow;
			evbuf_put(b, v, strlen(v));
			continue;
		}
		case 'c':
			if (lm != 0)
				goto slow;
			evbuf_putc(b, (char)va_arg(ap, int));
			continue;
		case 'd':
		case 'i': {
			int64_t v = lm == 0 ? va_arg(ap, int) :
			    lm == 1 ? va_arg(ap, long) :
			    lm == 2 ? va_arg(ap, long long) :
			    va_arg(ap, ssize_t);

			neg = v < 0;
			u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			break;
		}
		case 'u':
		case 'x':
			u = lm == 0 ? va_arg(ap, unsigned) :
			    lm == 1 ? va_arg(ap, unsigned long) :
			    lm == 2 ? va_arg(ap, unsigned long long) :
			    va_arg(ap, size_t);
			if (conv == 'u')
				break;
			d = buf + sizeof(buf);
			do {
				*--d = "0123456789abcdef"[u & 15];
				u >>= 4;
			} while (u != 0);
			evbuf_put(b, d, (size_t)(buf + sizeof(buf) - d));
			continue;
		default:
			goto slow;
		}
		if (neg)
			evbuf_putc(b, '-');
		evbuf_u64(b, u);
	}
	/* NUL-terminated, as vsnprintf leaves it. */
	*evbuf_room(b, 1) = '\0';
	return (true);
slow:
	b->len = start;
	return (false);
}

/* printf into b: tried in the room there is, again once grown if short. */
static void
evbuf_vprintf(struct evbuf *b, const char *fmt, va_list ap)
{
	va_list first;
	size_t avail;
	int n;
	bool done;

	va_copy(first, ap);
	done = evbuf_fmt_fast(b, fmt, first);
	va_end(first);
	if (done)
		return;
	(void)evbuf_room(b, 128);
	avail = b->cap - b->len;
	va_copy(first, ap);
	n = vsnprintf(b->p + b->len, avail, fmt, first);
	va_end(first);
	if (n < 0)
		return;
	if ((size_t)n >= avail) {
		evbuf_room(b, (size_t)n + 1);
		(void)vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void
ev_textf(struct ev *e, const char *fmt, ...)
{
	va_list ap;

	if (!ev_wants_text(e))
		return;
	va_start(ap, fmt);
	evbuf_vprintf(&e->text, fmt, ap);
	va_end(ap);
}

/* ev_why()'s lines under the event's text, two columns further in. */
static void
why_write(struct ev_log *log, struct ev *e)
{
	size_t indent = e->text_prefix_len + 2, at = 0;
	GString *l = g_string_sized_new(160);

	while (at < e->why.len) {
		const char *nl = memchr(e->why.p + at, '\n', e->why.len - at);
		size_t n = (size_t)(nl - (e->why.p + at));

		g_string_truncate(l, 0);
		for (size_t i = 0; i < indent; i++)
			g_string_append_c(l, ' ');
		g_string_append_len(l, e->why.p + at, (gssize)n);
		/* A sentence wrapped at --width goes on further in. */
		text_write(log, l->str, l->len, indent + 2);
		at += n + 1;
	}
	g_string_free(l, TRUE);
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
	    e->narrate && narrate_lineage(log, e->has_lineage, e->lineage)) {
		text_write(log, e->text.p, e->text.len, e->text_prefix_len);
		if (e->why.len > 0)
			why_write(log, e);
	}
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
	struct evbuf *l = &log->line;
	size_t indent;

	/* The same prefix and buffer growth as an event's line. */
	l->len = 0;
	text_prefix(l, t, host);
	indent = l->len;
	evbuf_vprintf(l, fmt, ap);
	step_emit(log, t, host, kind, has_lineage, lineage, l->p + indent,
	    l->len - indent);
	if (narrate)
		text_write(log, l->p, l->len, indent);
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
