/*
 * Scenario diagnostics: one report as FILE:LINE:COLUMN, the source line and
 * a caret line, as clang prints them.  Columns count characters; the caret
 * line repeats the tabs of the source line so that it stays aligned.
 */
#include <limits.h>
#include <string.h>

#include "scenario/diag.h"
#include "scenario/scn_lex.h"

G_DEFINE_QUARK(divertsim-scenario-error, diag_error)

/* A report held until diag_flush() (sorted mode). */
struct diag_held {
	unsigned	 line;		/* 0: about the whole file */
	unsigned	 seq;
	bool		 hidden_as_warning;
	char		*text;		/* rendered, newline-terminated */
};

void
diag_init(struct diag *d, const char *path, FILE *out)
{

	memset(d, 0, sizeof(*d));
	d->path = path;
	d->out = out;
}

void
diag_set_werror(struct diag *d, bool on)
{

	d->werror = on;
}

void
diag_set_sorted(struct diag *d, bool on)
{

	d->sorted = on;
}

/*
 * Append len bytes of s to g, with C0 control bytes, DEL and bytes that are
 * not UTF-8 written as \xHH; tabs kept when keep_tab (source lines, whose
 * caret line repeats them).
 */
static void
escape_append(GString *g, const char *s, size_t len, bool keep_tab)
{
	size_t i, n;
	gunichar c;

	for (i = 0; i < len; i += n) {
		unsigned char b = (unsigned char)s[i];

		n = 1;
		if (b >= 0x80) {
			c = g_utf8_get_char_validated(s + i, (gssize)(len - i));
			if (c != (gunichar)-1 && c != (gunichar)-2) {
				n = (size_t)(g_utf8_next_char(s + i) - (s + i));
				g_string_append_len(g, s + i, (gssize)n);
				continue;
			}
		} else if (!(b < 0x20 || b == 0x7f) ||
		    (b == '\t' && keep_tab)) {
			g_string_append_c(g, (char)b);
			continue;
		}
		g_string_append_printf(g, "\\x%02x", b);
	}
}

/* How many columns the source character at s takes once escaped. */
static unsigned
shown_width(const char *s, size_t len)
{
	unsigned char b = (unsigned char)*s;
	gunichar c;

	if (b >= 0x80) {
		c = g_utf8_get_char_validated(s, (gssize)len);
		return (c == (gunichar)-1 || c == (gunichar)-2 ? 4 : 1);
	}
	return (b == '\t' || !(b < 0x20 || b == 0x7f) ? 1 : 4);
}

/* The source line holding pos and a caret line under [pos, pos + width). */
static void
render_source(GString *g, const struct scn_words *w, struct scn_pos pos,
    unsigned width)
{
	const char *line;
	size_t len, i, off, n;
	unsigned col, k, sw;

	line = scn_words_physline(w, pos.line, &len);
	if (line == NULL)
		return;
	escape_append(g, line, len, true);
	g_string_append_c(g, '\n');
	off = scn_col_offset(line, len, pos.col);
	col = 1;
	for (i = 0; i < off; i += n, col++) {
		n = 1;
		if (line[i] == '\t') {
			g_string_append_c(g, '\t');
			continue;
		}
		sw = shown_width(line + i, len - i);
		for (k = 0; k < sw; k++)
			g_string_append_c(g, ' ');
		if (sw == 1 && (unsigned char)line[i] >= 0x80)
			n = (size_t)(g_utf8_next_char(line + i) - (line + i));
	}
	/* A position past the end of the line (a missing word). */
	for (; col < pos.col; col++)
		g_string_append_c(g, ' ');
	g_string_append_c(g, '^');
	for (col = 1; col < width; col++)
		g_string_append_c(g, '~');
	g_string_append_c(g, '\n');
}

static int
held_cmp(const void *a, const void *b)
{
	const struct diag_held *x = a, *y = b;

	if (x->line != y->line)
		return (x->line < y->line ? -1 : 1);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* Count one report; false when it is past the cap (counted, not shown). */
static bool
admit(struct diag *d, bool warning)
{

	if (warning) {
		d->warnings++;
		if (d->werror)
			d->errors++;
	} else {
		d->errors++;
	}
	if (d->out == NULL)
		return (false);
	/* Sorted mode decides in emit(): the cap keeps the first lines of
	 * the file, not the first reports made. */
	if (!d->sorted && d->shown >= DIAG_MAX_SHOWN) {
		if (warning && !d->werror)
			d->hidden_warnings++;
		else
			d->hidden_errors++;
		return (false);
	}
	d->shown++;
	return (true);
}

static void
hide(struct diag *d, const struct diag_held *h)
{

	if (h->hidden_as_warning)
		d->hidden_warnings++;
	else
		d->hidden_errors++;
}

/*
 * Print g now, or hold it in line order.  At most DIAG_MAX_SHOWN are held
 * (the earliest lines), so a file of a million bad lines costs no memory.
 */
static void
emit(struct diag *d, unsigned line, bool warning, GString *g)
{
	struct diag_held h, *last;
	guint i;

	if (!d->sorted) {
		fwrite(g->str, 1, g->len, d->out);
		g_string_free(g, TRUE);
		return;
	}
	if (d->held == NULL)
		d->held = g_array_new(FALSE, FALSE, sizeof(struct diag_held));
	h.line = line;
	h.seq = d->seq++;
	h.hidden_as_warning = warning && !d->werror;
	if (d->held->len == DIAG_MAX_SHOWN) {
		last = &g_array_index(d->held, struct diag_held,
		    d->held->len - 1);
		if (held_cmp(&h, last) > 0) {
			hide(d, &h);
			g_string_free(g, TRUE);
			return;
		}
		hide(d, last);
		g_free(last->text);
		g_array_set_size(d->held, d->held->len - 1);
	}
	h.text = g_string_free(g, FALSE);
	for (i = d->held->len; i > 0; i--)
		if (held_cmp(&g_array_index(d->held, struct diag_held, i - 1),
		    &h) <= 0)
			break;
	g_array_insert_val(d->held, i, h);
}

static const char *
class_text(const struct diag *d, bool warning)
{

	return (!warning ? "error" : d->werror ? "error" : "warning");
}

static void
diag_vreport(struct diag *d, const struct scn_words *w, struct scn_pos pos,
    unsigned width, bool warning, const char *fmt, va_list ap)
{
	GString *g;
	char *msg;

	if (!admit(d, warning))
		return;
	g = g_string_new(NULL);
	/* Line 0: about the file as a whole, "FILE: error: MESSAGE". */
	if (pos.line == 0)
		g_string_append_printf(g, "%s: %s: ", d->path,
		    class_text(d, warning));
	else
		g_string_append_printf(g, "%s:%u:%u: %s: ", d->path, pos.line,
		    pos.col, class_text(d, warning));
	msg = g_strdup_vprintf(fmt, ap);
	escape_append(g, msg, strlen(msg), false);
	g_free(msg);
	if (warning && d->werror)
		g_string_append(g, " [-Werror]");
	g_string_append_c(g, '\n');
	if (w != NULL)
		render_source(g, w, pos, width);
	emit(d, pos.line, warning, g);
}

static void
diag_vfile(struct diag *d, bool warning, const char *fmt, va_list ap)
{
	struct scn_pos none = { 0, 0 };

	diag_vreport(d, NULL, none, 1, warning, fmt, ap);
}

void
diag_flush(struct diag *d)
{
	GString *g;
	unsigned i;

	g = g_string_new(NULL);
	if (d->held != NULL) {
		for (i = 0; i < d->held->len; i++) {
			struct diag_held *h = &g_array_index(d->held,
			    struct diag_held, i);

			g_string_append(g, h->text);
			g_free(h->text);
		}
		g_array_free(d->held, TRUE);
		d->held = NULL;
	}
	if (d->hidden_errors > 0)
		g_string_append_printf(g, "%s: %u more error%s\n", d->path,
		    d->hidden_errors, d->hidden_errors == 1 ? "" : "s");
	if (d->hidden_warnings > 0)
		g_string_append_printf(g, "%s: %u more warning%s\n", d->path,
		    d->hidden_warnings, d->hidden_warnings == 1 ? "" : "s");
	d->hidden_errors = d->hidden_warnings = 0;
	if (d->out != NULL && g->len > 0) {
		fwrite(g->str, 1, g->len, d->out);
		fflush(d->out);
	}
	g_string_free(g, TRUE);
}

void
diag_verror(struct diag *d, const struct scn_words *w, unsigned word_index,
    const char *fmt, va_list ap)
{

	if (word_index > w->argc)
		word_index = w->argc;
	diag_vreport(d, w, w->pos[word_index], scn_word_width(w, word_index),
	    false, fmt, ap);
}

void
diag_word(struct diag *d, bool warning, const struct scn_words *w,
    unsigned word_index, const char *fmt, ...)
{
	va_list ap;

	if (word_index > w->argc)
		word_index = w->argc;
	va_start(ap, fmt);
	diag_vreport(d, w, w->pos[word_index], scn_word_width(w, word_index),
	    warning, fmt, ap);
	va_end(ap);
}

void
diag_gerror(struct diag *d, const struct scn_words *w, unsigned word_index,
    const GError *err)
{

	diag_error(d, w, word_index, "%s", err->message);
}

void
diag_error_at(struct diag *d, const struct scn_words *w, struct scn_pos pos,
    unsigned width, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vreport(d, w, pos, width > 0 ? width : 1, false, fmt, ap);
	va_end(ap);
}

void
diag_file(struct diag *d, bool warning, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vfile(d, warning, fmt, ap);
	va_end(ap);
}

/* ---- did you mean ---------------------------------------------------- */

unsigned
diag_edit_distance(const char *a, const char *b, unsigned cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned *r0, *r1, *r2, *t, best, d;

	if ((la > lb ? la - lb : lb - la) > cap)
		return (cap + 1);
	/* Three rows: the optimal string alignment distance needs i - 2. */
	r0 = g_new(unsigned, lb + 1);
	r1 = g_new(unsigned, lb + 1);
	r2 = g_new(unsigned, lb + 1);
	for (j = 0; j <= lb; j++)
		r1[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		r2[0] = (unsigned)i;
		best = r2[0];
		for (j = 1; j <= lb; j++) {
			d = r1[j - 1] + (a[i - 1] != b[j - 1]);
			if (r1[j] + 1 < d)
				d = r1[j] + 1;
			if (r2[j - 1] + 1 < d)
				d = r2[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && r0[j - 2] + 1 < d)
				d = r0[j - 2] + 1;
			r2[j] = d;
			if (d < best)
				best = d;
		}
		if (best > cap) {
			g_free(r0);
			g_free(r1);
			g_free(r2);
			return (cap + 1);
		}
		t = r0;
		r0 = r1;
		r1 = r2;
		r2 = t;
	}
	d = r1[lb];
	g_free(r0);
	g_free(r1);
	g_free(r2);
	return (d > cap ? cap + 1 : d);
}

void
diag_suggest_init(struct diag_suggest *sg, const char *word)
{

	sg->word = word;
	sg->best = NULL;
	sg->best_dist = UINT_MAX;
}

/* A typo: one edit for short words, up to a third of the word's length. */
static unsigned
typo_cap(const char *word)
{
	size_t n = g_utf8_strlen(word, -1);

	return (n <= 4 ? 1 : n <= 8 ? 2 : 3);
}

void
diag_suggest_offer(struct diag_suggest *sg, const char *cand)
{
	unsigned cap, d;

	if (cand == NULL || strcmp(cand, sg->word) == 0)
		return;
	cap = typo_cap(sg->word);
	if (sg->best != NULL && sg->best_dist - 1 < cap)
		cap = sg->best_dist - 1;
	if (sg->best != NULL && sg->best_dist == 0)
		return;
	d = diag_edit_distance(sg->word, cand, cap);
	/* Ties keep the first offered: tables list the common words first. */
	if (d <= cap && (sg->best == NULL || d < sg->best_dist)) {
		sg->best = cand;
		sg->best_dist = d;
	}
}

const char *
diag_suggest_best(const struct diag_suggest *sg)
{

	return (sg->best);
}

const char *
diag_suggest_list(const char *word, const char *const *cands)
{
	struct diag_suggest sg;

	diag_suggest_init(&sg, word);
	for (; *cands != NULL; cands++)
		diag_suggest_offer(&sg, *cands);
	return (diag_suggest_best(&sg));
}

const char *
diag_did_you_mean(const char *best, char *buf, size_t size)
{

	if (best == NULL)
		return ("");
	snprintf(buf, size, "; did you mean '%s'?", best);
	return (buf);
}
