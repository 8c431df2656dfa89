/*
 * The scenario lexer: splits a file's text into logical lines and each line
 * into words as a POSIX shell would (single and double quotes, backslash
 * escapes, `\` continuations), with `#` comments and no expansions.  Every
 * word keeps the 1-based line and column (in characters) where it starts.
 */
#ifndef DIVERTSIM_SCN_LEX_H
#define DIVERTSIM_SCN_LEX_H

#include <stddef.h>

#include <glib.h>

#include "scenario/scn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct diag;

/* The longest physical line read (a line past it is an error). */
#define	SCN_MAX_LINE_BYTES	65536u

/*
 * Split text (NUL-terminated UTF-8) into logical lines: a GPtrArray of
 * struct scn_words *, in file order, that frees them with scn_words_free().
 * Blank and comment-only lines are left out.  A line with a lexical error
 * (an unterminated quote, bytes that are not UTF-8) is reported through d
 * and left out too, so the parser never sees half a line.
 */
GPtrArray	*scn_lex(const char *text, struct diag *d);
void		 scn_words_free(struct scn_words *w);
/*
 * The same one line at a time, so that a file need not exist as words all
 * at once: scn_lexer_next() gives the next line with words (free it with
 * scn_words_free()), NULL at the end.  text must outlive the lexer.
 */
struct scn_lexer {
	const char	*text;
	const char	*p;
	unsigned	 lineno;
	struct diag	*d;
	void		*buf;		/* scn_lexer_next_scratch()'s */
	size_t		 cap;
};
void		 scn_lexer_init(struct scn_lexer *lx, const char *text,
		    struct diag *d);
struct scn_words *scn_lexer_next(struct scn_lexer *lx);
/*
 * The same into the lexer's own buffer, valid until the next call (keep a
 * line with scn_words_dup()); scn_lexer_done() frees the buffer.
 */
const struct scn_words *scn_lexer_next_scratch(struct scn_lexer *lx);
void		 scn_lexer_done(struct scn_lexer *lx);
/* A copy of w in one block of its own. */
struct scn_words *scn_words_dup(const struct scn_words *w);
/*
 * The logical line that starts at byte off of text (len bytes), its first
 * physical line numbered line, lexed again as scn_lex() did (silently);
 * NULL if there is no word there.  Free with scn_words_free().
 */
struct scn_words *scn_lex_line(const char *text, size_t len, size_t off,
		    unsigned line);

/*
 * Physical line `line` (an absolute line number inside w) of w->text; its
 * length without the newline goes to *len.  NULL if w does not hold it.
 */
const char	*scn_words_physline(const struct scn_words *w, unsigned line,
		    size_t *len);
/*
 * How many characters word i takes in the source, quotes and escapes
 * included, up to the end of its physical line; 1 for i == w->argc.
 */
unsigned	 scn_word_width(const struct scn_words *w, unsigned i);
/* Byte offset in line (len bytes) of 1-based character column col. */
size_t		 scn_col_offset(const char *line, size_t len, unsigned col);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_SCN_LEX_H */
