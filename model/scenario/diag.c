/*
 * Scenario diagnostics: one error as FILE:LINE:COLUMN, the source line and
 * a caret line, as clang prints them.  Columns count characters; the caret
 * line repeats the tabs of the source line so that it stays aligned.
 */
#include <string.h>

#include "scenario/diag.h"
#include "scenario/scn_lex.h"

G_DEFINE_QUARK(divertsim-scenario-error, diag_error)

void
diag_init(struct diag *d, const char *path, FILE *out)
{

	d->path = path;
	d->errors = 0;
	d->out = out;
}

/* The source line holding pos and a caret line under [pos, pos + width). */
static void
print_source(FILE *out, const struct scn_words *w, struct scn_pos pos,
    unsigned width)
{
	const char *line;
	size_t len, i, off;
	unsigned col;

	line = scn_words_physline(w, pos.line, &len);
	if (line == NULL)
		return;
	fprintf(out, "%.*s\n", (int)len, line);
	off = scn_col_offset(line, len, pos.col);
	col = 1;
	for (i = 0; i < off; i++) {
		if ((line[i] & 0xc0) == 0x80)
			continue;
		fputc(line[i] == '\t' ? '\t' : ' ', out);
		col++;
	}
	/* A position past the end of the line (a missing word). */
	for (; col < pos.col; col++)
		fputc(' ', out);
	fputc('^', out);
	for (col = 1; col < width; col++)
		fputc('~', out);
	fputc('\n', out);
}

static void
diag_vreport(struct diag *d, const struct scn_words *w, struct scn_pos pos,
    unsigned width, const char *fmt, va_list ap)
{

	d->errors++;
	if (d->out == NULL)
		return;
	fprintf(d->out, "%s:%u:%u: error: ", d->path, pos.line, pos.col);
	vfprintf(d->out, fmt, ap);
	fputc('\n', d->out);
	print_source(d->out, w, pos, width);
}

void
diag_verror(struct diag *d, const struct scn_words *w, unsigned word_index,
    const char *fmt, va_list ap)
{

	if (word_index > w->argc)
		word_index = w->argc;
	diag_vreport(d, w, w->pos[word_index], scn_word_width(w, word_index),
	    fmt, ap);
}

void
diag_error(struct diag *d, const struct scn_words *w, unsigned word_index,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(d, w, word_index, fmt, ap);
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
	diag_vreport(d, w, pos, width > 0 ? width : 1, fmt, ap);
	va_end(ap);
}

void
diag_error_file(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	d->errors++;
	if (d->out == NULL)
		return;
	fprintf(d->out, "%s: error: ", d->path);
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
}
