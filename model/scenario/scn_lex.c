/*
 * The scenario lexer: text to logical lines of words, with positions.
 *
 * Words are split as sh(1) splits them (POSIX XCU 2.2 "Quoting"): outside
 * quotes a backslash keeps the next character literally and a backslash at
 * the end of a line joins the next line; inside single quotes every
 * character is literal; inside double quotes a backslash is special only
 * before $ ` " \ and the newline.  Nothing is expanded.  Unlike sh, `#`
 * starts a comment wherever it appears outside quotes (the scenario
 * contract says so), and a quote may not run past the end of its line.
 */
#include <string.h>

#include "scenario/diag.h"
#include "scenario/scn_lex.h"

enum lex_quote { Q_NONE, Q_SINGLE, Q_DOUBLE };

/* One logical line being assembled. */
struct lex_line {
	GString		*src;		/* physical lines joined by '\n' */
	unsigned	 first_line;
	GPtrArray	*argv;		/* char * */
	GArray		*pos;		/* struct scn_pos */
	GString		*cur;		/* word being built, or NULL */
	struct scn_pos	 end;		/* just after the last word */
	enum lex_quote	 quote;
	struct scn_pos	 quote_pos;	/* where the open quote is */
	struct scn_pos	 cont_pos;	/* the last continuation backslash */
};

static inline int
is_cont_byte(unsigned char c)
{

	return ((c & 0xc0) == 0x80);
}

size_t
scn_col_offset(const char *line, size_t len, unsigned col)
{
	size_t i;
	unsigned c;

	/* Column c starts at the c-th byte that is not a UTF-8 continuation. */
	c = 1;
	for (i = 0; i < len; i++) {
		if (is_cont_byte((unsigned char)line[i]))
			continue;
		if (c == col)
			return (i);
		c++;
	}
	return (len);
}

static unsigned
chars_between(const char *s, size_t from, size_t to)
{
	unsigned n;

	n = 0;
	for (; from < to; from++)
		if (!is_cont_byte((unsigned char)s[from]))
			n++;
	return (n);
}

const char *
scn_words_physline(const struct scn_words *w, unsigned line, size_t *len)
{
	const char *p, *nl;
	unsigned l;

	if (w == NULL || w->text == NULL || line < w->line)
		return (NULL);
	p = w->text;
	for (l = w->line; l < line; l++) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			return (NULL);
		p = nl + 1;
	}
	nl = strchr(p, '\n');
	*len = nl != NULL ? (size_t)(nl - p) : strlen(p);
	return (p);
}

unsigned
scn_word_width(const struct scn_words *w, unsigned i)
{
	const char *line;
	size_t len, start, j;
	enum lex_quote q;

	if (i >= w->argc)
		return (1);
	line = scn_words_physline(w, w->pos[i].line, &len);
	if (line == NULL)
		return (1);
	start = scn_col_offset(line, len, w->pos[i].col);
	/* Re-run the word's quoting rules until the word ends. */
	q = Q_NONE;
	for (j = start; j < len; j++) {
		char c = line[j];

		if (q == Q_SINGLE) {
			if (c == '\'')
				q = Q_NONE;
		} else if (q == Q_DOUBLE) {
			if (c == '"')
				q = Q_NONE;
			else if (c == '\\' && j + 1 < len)
				j++;
		} else if (c == ' ' || c == '\t' || c == '#') {
			break;
		} else if (c == '\\') {
			if (j + 1 < len)
				j++;
		} else if (c == '\'') {
			q = Q_SINGLE;
		} else if (c == '"') {
			q = Q_DOUBLE;
		}
	}
	if (j > len)
		j = len;
	if (j == start)
		return (1);
	return (chars_between(line, start, j));
}

void
scn_words_free(struct scn_words *w)
{

	/* One block holds the line: see line_finish(). */
	g_free(w);
}

static void
word_start(struct lex_line *ll, unsigned line, unsigned col)
{
	struct scn_pos pos = { line, col };

	if (ll->cur != NULL)
		return;
	ll->cur = g_string_new(NULL);
	g_array_append_val(ll->pos, pos);
}

static void
word_end(struct lex_line *ll, unsigned line, unsigned col)
{

	if (ll->cur == NULL)
		return;
	g_ptr_array_add(ll->argv, g_string_free(ll->cur, FALSE));
	ll->cur = NULL;
	ll->end.line = line;
	ll->end.col = col;
}

/*
 * Hand the assembled line over as a struct scn_words, in one allocation:
 * the struct, argv, pos, the source text and the words.  A file of short
 * lines then costs about twice its size, not twenty times (a malloc'd block
 * per word and per array).
 */
static struct scn_words *
line_finish(struct lex_line *ll)
{
	struct scn_words *w;
	size_t n, words, off;
	char *p;
	unsigned k;

	n = ll->argv->len;
	words = 0;
	for (k = 0; k < n; k++)
		words += strlen(g_ptr_array_index(ll->argv, k)) + 1;
	off = sizeof(*w) + (n + 1) * sizeof(char *);
	off = (off + _Alignof(struct scn_pos) - 1) &
	    ~(size_t)(_Alignof(struct scn_pos) - 1);
	w = g_malloc(off + (n + 1) * sizeof(struct scn_pos) + ll->src->len +
	    1 + words);
	w->argc = (unsigned)n;
	w->argv = (char **)(void *)(w + 1);
	w->pos = (struct scn_pos *)(void *)((char *)w + off);
	g_array_append_val(ll->pos, ll->end);
	memcpy(w->pos, ll->pos->data, (n + 1) * sizeof(struct scn_pos));
	p = (char *)(w->pos + n + 1);
	w->text = p;
	memcpy(p, ll->src->str, ll->src->len + 1);
	p += ll->src->len + 1;
	for (k = 0; k < n; k++) {
		const char *a = g_ptr_array_index(ll->argv, k);
		size_t l = strlen(a) + 1;

		memcpy(p, a, l);
		w->argv[k] = p;
		p += l;
	}
	w->argv[n] = NULL;
	g_ptr_array_free(ll->argv, TRUE);
	g_array_free(ll->pos, TRUE);
	g_string_free(ll->src, TRUE);
	w->line = ll->first_line;
	return (w);
}

/* Copy one UTF-8 character at s[*i] into the word; advance *i past it. */
static void
append_char(GString *cur, const char *s, size_t len, size_t *i)
{
	size_t j;

	j = *i + 1;
	while (j < len && is_cont_byte((unsigned char)s[j]))
		j++;
	g_string_append_len(cur, s + *i, (gssize)(j - *i));
	*i = j - 1;
}

static bool
cont_at(struct lex_line *ll, unsigned lineno, unsigned col)
{

	ll->cont_pos.line = lineno;
	ll->cont_pos.col = col;
	return (true);
}

/*
 * Lex one physical line s (len bytes, no newline) numbered lineno into ll.
 * Returns true when it ends with a continuation (the logical line goes on).
 */
static bool
lex_physline(struct lex_line *ll, const char *s, size_t len, unsigned lineno)
{
	size_t i;
	unsigned col;

	col = 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!is_cont_byte((unsigned char)c))
			col++;
		switch (ll->quote) {
		case Q_SINGLE:
			if (c == '\'')
				ll->quote = Q_NONE;
			else
				append_char(ll->cur, s, len, &i);
			continue;
		case Q_DOUBLE:
			if (c == '"') {
				ll->quote = Q_NONE;
			} else if (c == '\\') {
				if (i + 1 == len)
					return (cont_at(ll, lineno, col));
				if (strchr("$`\"\\", s[i + 1]) != NULL) {
					g_string_append_c(ll->cur, s[i + 1]);
					i++;
					col++;
				} else {
					g_string_append_c(ll->cur, '\\');
				}
			} else {
				append_char(ll->cur, s, len, &i);
			}
			continue;
		case Q_NONE:
			break;
		}
		if (c == ' ' || c == '\t') {
			word_end(ll, lineno, col);
		} else if (c == '#') {
			/* A comment also swallows a trailing backslash. */
			word_end(ll, lineno, col);
			return (false);
		} else if (c == '\\') {
			if (i + 1 == len)
				return (cont_at(ll, lineno, col));
			word_start(ll, lineno, col);
			i++;
			col++;
			append_char(ll->cur, s, len, &i);
		} else if (c == '\'' || c == '"') {
			word_start(ll, lineno, col);
			ll->quote = c == '\'' ? Q_SINGLE : Q_DOUBLE;
			ll->quote_pos.line = lineno;
			ll->quote_pos.col = col;
		} else {
			word_start(ll, lineno, col);
			append_char(ll->cur, s, len, &i);
		}
	}
	if (ll->quote == Q_NONE)
		word_end(ll, lineno, col + 1);
	return (false);
}

static void
line_discard(struct lex_line *ll)
{

	if (ll->cur != NULL)
		g_string_free(ll->cur, TRUE);
	g_ptr_array_free(ll->argv, TRUE);
	g_array_free(ll->pos, TRUE);
	g_string_free(ll->src, TRUE);
}

/* Report bytes that are not UTF-8 at the first of them. */
static void
report_bad_utf8(struct diag *d, const char *p, size_t len, const char *bad,
    unsigned lineno)
{
	struct scn_words w;
	struct scn_pos pos;
	char *argv[1] = { NULL };

	memset(&w, 0, sizeof(w));
	w.argv = argv;
	w.pos = &pos;
	w.text = g_strndup(p, len);
	w.line = lineno;
	pos.line = lineno;
	pos.col = 1 + chars_between(p, 0, (size_t)(bad - p));
	diag_error_at(d, &w, pos, 1, "invalid UTF-8 byte 0x%02x",
	    (unsigned char)*bad);
	g_free(w.text);
}

/*
 * Lex the next logical line at *pp (line number *lineno) into *out; the
 * lines that hold no word or a lexical error (reported through d) give
 * NULL.  Returns false at the end of the text.
 */
static bool
lex_next(const char *text, const char **pp, unsigned *lineno,
    struct diag *d, struct scn_words **out)
{
	const char *p, *nl, *bad;
	size_t len, off;
	struct lex_line ll;
	struct scn_words *w;
	bool cont, broken;

	p = *pp;
	*out = NULL;
	if (*p == '\0')
		return (false);
	off = (size_t)(p - text);
	memset(&ll, 0, sizeof(ll));
	ll.src = g_string_new(NULL);
	ll.first_line = *lineno;
	ll.argv = g_ptr_array_new_with_free_func(g_free);
	ll.pos = g_array_new(FALSE, FALSE, sizeof(struct scn_pos));
	ll.quote = Q_NONE;
	broken = false;
	do {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		/* CRLF files: the CR is not part of the line. */
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (*lineno != ll.first_line)
			g_string_append_c(ll.src, '\n');
		g_string_append_len(ll.src, p, (gssize)len);
		if (len > SCN_MAX_LINE_BYTES) {
			struct scn_pos at = { *lineno, 1 };

			diag_error_at(d, NULL, at, 1, "line too long "
			    "(%zu bytes; at most %u)", len,
			    SCN_MAX_LINE_BYTES);
			broken = true;
			cont = false;
		} else if (!g_utf8_validate(p, (gssize)len, &bad)) {
			report_bad_utf8(d, p, len, bad, *lineno);
			broken = true;
			cont = false;
		} else {
			cont = lex_physline(&ll, p, len, *lineno);
		}
		p = nl != NULL ? nl + 1 : p + strlen(p);
		(*lineno)++;
	} while (cont && *p != '\0');
	*pp = p;
	if (broken) {
		line_discard(&ll);
		return (true);
	}
	if (ll.quote != Q_NONE) {
		word_end(&ll, ll.quote_pos.line, ll.quote_pos.col);
		w = line_finish(&ll);
		diag_error_at(d, w, ll.quote_pos, 1, "unterminated %s quote",
		    ll.quote == Q_SINGLE ? "single" : "double");
		scn_words_free(w);
		return (true);
	}
	/* A continuation on the file's last line just ends it. */
	if (cont)
		word_end(&ll, ll.cont_pos.line, ll.cont_pos.col);
	if (ll.argv->len == 0) {
		line_discard(&ll);
		return (true);
	}
	*out = line_finish(&ll);
	(*out)->off = off;
	return (true);
}

/* The bytes of w's one block (line_finish()): up to its last string. */
static size_t
words_size(const struct scn_words *w)
{
	const char *end = w->text + strlen(w->text) + 1;

	for (unsigned k = 0; k < w->argc; k++)
		if (w->argv[k] + strlen(w->argv[k]) + 1 > end)
			end = w->argv[k] + strlen(w->argv[k]) + 1;
	return ((size_t)(end - (const char *)w));
}

/* Copy w's block to dst (size bytes) and point the copy at itself. */
static struct scn_words *
words_move(void *dst, const struct scn_words *w, size_t size)
{
	struct scn_words *c = dst;
	ptrdiff_t delta = (const char *)dst - (const char *)w;

	memcpy(dst, w, size);
	c->argv = (char **)(void *)((char *)w->argv + delta);
	c->pos = (struct scn_pos *)(void *)((char *)w->pos + delta);
	c->text = w->text + delta;
	for (unsigned k = 0; k < w->argc; k++)
		c->argv[k] = w->argv[k] + delta;
	return (c);
}

struct scn_words *
scn_words_dup(const struct scn_words *w)
{
	size_t size = words_size(w);

	return (words_move(g_malloc(size), w, size));
}

void
scn_lexer_init(struct scn_lexer *lx, const char *text, struct diag *d)
{

	lx->text = text;
	lx->p = text;
	/* A UTF-8 byte-order mark, as some editors write: not a word. */
	if (strncmp(lx->p, "\xef\xbb\xbf", 3) == 0)
		lx->p += 3;
	lx->lineno = 1;
	lx->d = d;
	lx->buf = NULL;
	lx->cap = 0;
}

struct scn_words *
scn_lexer_next(struct scn_lexer *lx)
{
	struct scn_words *w;

	while (lex_next(lx->text, &lx->p, &lx->lineno, lx->d, &w))
		if (w != NULL)
			return (w);
	return (NULL);
}

const struct scn_words *
scn_lexer_next_scratch(struct scn_lexer *lx)
{
	struct scn_words *w;
	size_t size;

	if ((w = scn_lexer_next(lx)) == NULL)
		return (NULL);
	size = words_size(w);
	if (size > lx->cap) {
		lx->cap = MAX(size, 2 * lx->cap);
		lx->buf = g_realloc(lx->buf, lx->cap);
	}
	(void)words_move(lx->buf, w, size);
	/* Freed before the caller allocates: no hole left between the
	 * records it makes from one line and the next. */
	scn_words_free(w);
	return (lx->buf);
}

void
scn_lexer_done(struct scn_lexer *lx)
{

	g_free(lx->buf);
	lx->buf = NULL;
	lx->cap = 0;
}

GPtrArray *
scn_lex(const char *text, struct diag *d)
{
	GPtrArray *lines;
	struct scn_lexer lx;
	struct scn_words *w;

	lines = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)scn_words_free);
	scn_lexer_init(&lx, text, d);
	while ((w = scn_lexer_next(&lx)) != NULL)
		g_ptr_array_add(lines, w);
	return (lines);
}

struct scn_words *
scn_lex_line(const char *text, size_t len, size_t off, unsigned line)
{
	struct scn_words *w;
	const char *p;
	struct diag quiet;

	if (off >= len)
		return (NULL);
	diag_init(&quiet, "", NULL);
	p = text + off;
	(void)lex_next(text, &p, &line, &quiet, &w);
	diag_flush(&quiet);
	return (w);
}
