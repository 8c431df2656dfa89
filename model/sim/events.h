/*
 * The event log: one human-readable line on standard output and one JSON
 * object in events.jsonl per event (see docs/scenario-language.md).  Every
 * event is counted in sim.events whether or not it is written anywhere.
 *
 * Use:
 *	struct ev *e = ev_begin(log, "gw", "drop");
 *	ev_str(e, "reason", "badsum"); ev_int(e, "len", 84);
 *	ev_textf(e, "drop badsum len 84");
 *	ev_end(e);
 * Every function accepts e == NULL (logging off) and does nothing then.
 * An event given no text (no ev_textf) writes its JSON object only.
 */
#ifndef DIVERTSIM_EVENTS_H
#define DIVERTSIM_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ev_log;
struct ev;

/* text may be NULL (no stdout lines), jsonl may be NULL (no file). */
struct ev_log	*ev_log_new(FILE *text, FILE *jsonl, uint64_t *events_counter);
void		 ev_log_free(struct ev_log *log);
/*
 * Send the JSON lines to fn instead of a FILE (the checked trace writer):
 * one call per whole line.  fn returns false once its file has failed,
 * and no line is offered after that.
 */
typedef bool	(*ev_sink_fn)(void *ctx, const char *bytes, size_t len);
void		 ev_log_set_jsonl_sink(struct ev_log *log, ev_sink_fn fn,
		    void *ctx);
/* The errno of the first failed write of a FILE jsonl stream, 0 if none. */
int		 ev_log_jsonl_errno(const struct ev_log *log);
/* Whether --why is on: callers explain their events (ev_why()). */
bool		 ev_log_why(const struct ev_log *log);
/* Whether any event would be written: callers may skip building text. */
bool		 ev_log_active(const struct ev_log *log);

/*
 * Which events get a narrative line (the JSON objects are never filtered):
 * host and kind NULL for any, lineage 0 for any (an event without a lineage
 * then never matches).  width > 0 wraps each line at width columns, the
 * continuation lines indented under the text after the time and host.
 * The strings are borrowed and must outlive the log.
 */
struct ev_narration {
	const char	*host;
	const char	*kind;
	uint64_t	 lineage;
	unsigned	 width;
	bool		 why;		/* --why: callers add ev_why() */
};
void		 ev_log_set_narration(struct ev_log *log,
		    const struct ev_narration *n);

/*
 * Append line (len bytes, no newline) to dst wrapped at width columns:
 * broken at the last space that fits, cut where there is none; each
 * continuation line starts with indent spaces; a newline ends the result.
 * width 0 (or too narrow for indent) appends the line unwrapped.
 */
void		 ev_text_wrap(GString *dst, const char *line, size_t len,
		    unsigned width, size_t indent);

/*
 * Steps for the run's pcapng: every narrative line (an event's text, an
 * ev_log_linef() or ev_log_stepf() line) is also handed, unfiltered and
 * unwrapped, to the step sink, with the frame the step is about when its
 * caller gave one (ev_frame(), ev_log_frame()).  The line's text is the
 * narration's own, without the time and host.
 */
struct ev_frame {
	const char	*ifname;	/* "em0", "divert8000" */
	uint32_t	 linktype;	/* the pcap link type of that interface */
	bool		 inbound;	/* received (read), not sent (written) */
	const uint8_t	*bytes;		/* the datagram, IPv4 header first */
	size_t		 len;
};
struct ev_step {
	uint64_t	 t_ns;
	const char	*host;
	const char	*kind;		/* NULL for an ev_log_linef() line */
	bool		 has_lineage;
	uint64_t	 lineage;
	const char	*text;		/* not NUL-terminated */
	size_t		 text_len;
	const struct ev_frame *frame;	/* NULL: no frame */
};
typedef void	(*ev_step_fn)(void *ctx, const struct ev_step *s);
/* fn NULL: no sink.  A sink makes the log active and its text built. */
void		 ev_log_set_step_sink(struct ev_log *log, ev_step_fn fn,
		    void *ctx);

/* host and kind stay as they are while log lives (a host's name, a string
 * literal): their JSON text is made once per pair. */
struct ev	*ev_begin(struct ev_log *log, const char *host, const char *kind);
/* Whether the JSON object / the text line of e will be written: callers
 * skip formatting what nobody reads. */
bool		 ev_wants_json(const struct ev *e);
bool		 ev_wants_text(const struct ev *e);
/*
 * Fields; keys are string literals, plain identifiers written unescaped
 * (ev_str(e, "if", ...)).  The _k functions take the key as the JSON text
 * that precedes the value, made at compile time with its length:
 * EV_KEY("if") is ",\"if\":", 6.
 */
#define	EV_KEY(key)	(",\"" key "\":"), (sizeof(key) + 3)
#define	ev_str(e, key, val)	ev_str_k((e), EV_KEY(key), (val))
#define	ev_int(e, key, val)	ev_int_k((e), EV_KEY(key), (val))
#define	ev_bool(e, key, val)	ev_bool_k((e), EV_KEY(key), (val))
#define	ev_addr(e, key, val)	ev_addr_k((e), EV_KEY(key), (val))
#define	ev_null(e, key)		ev_str_k((e), EV_KEY(key), NULL)
#define	ev_json(e, key, val)	ev_json_k((e), EV_KEY(key), (val))
void		 ev_str_k(struct ev *e, const char *key, size_t klen,
		    const char *val);	/* NULL -> null */
void		 ev_int_k(struct ev *e, const char *key, size_t klen,
		    int64_t val);
void		 ev_bool_k(struct ev *e, const char *key, size_t klen,
		    bool val);
void		 ev_addr_k(struct ev *e, const char *key, size_t klen,
		    uint32_t addr);	/* host order */
/* A value that is already JSON text (a list, say). */
void		 ev_json_k(struct ev *e, const char *key, size_t klen,
		    const char *json);
/*
 * --why's sentences: a `why` list in the JSON object, and one narrative
 * line each under the event's line, indented.
 */
void		 ev_why(struct ev *e, const GPtrArray *sentences);
void		 ev_textf(struct ev *e, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 ev_end(struct ev *e);
/*
 * The frame of e's step (borrowed until ev_end()); only the step sink
 * sees it.
 */
void		 ev_frame(struct ev *e, const struct ev_frame *f);
/* The same for the next ev_log_stepf() line of log. */
void		 ev_log_frame(struct ev_log *log, const struct ev_frame *f);

/*
 * A narrative line with the event prefix (time, host) but no JSON object
 * and not counted: for steps that precede their event, e.g. a write-back
 * whose result is only known once ip_output() has run.
 */
void		 ev_log_linef(struct ev_log *log, const char *host,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* ev_log_linef() for a step of an event of this kind and lineage still to
 * come: the narration filter treats it as that event. */
void		 ev_log_stepf(struct ev_log *log, const char *host,
		    const char *kind, uint64_t lineage, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));
/* A free-form line of run output (ipfw show, log rules): stdout only. */
void		 ev_log_printf(struct ev_log *log, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_EVENTS_H */
