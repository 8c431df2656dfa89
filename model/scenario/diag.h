/*
 * Diagnostics for scenario files, in the shape clang prints them:
 *
 *	FILE:LINE:COLUMN: error: MESSAGE
 *	<the source line>
 *	<caret line: ^~~~ under the offending word>
 *
 * The context travels in struct diag (no globals), as pfctl's struct file
 * does, so that a parse reports every error of a file and the caller knows
 * how many there were.
 *
 * Two classes: errors (nothing is simulated) and warnings (on by default;
 * diag_set_werror() turns them into errors, for CI).  Every report is
 * rendered into memory and written with one fwrite: stderr is unbuffered,
 * and a character at a time made a long line cost seconds.  At most
 * DIAG_MAX_SHOWN reports of a file are shown, the rest counted in a closing
 * "N more errors" line.  Control bytes and bytes that are not UTF-8 are
 * shown escaped (\xHH), never sent raw to a terminal.
 *
 * In sorted mode (diag_set_sorted()) reports are held until diag_flush()
 * and come out in line order, so that the parser's and the world builder's
 * findings read as one list.
 */
#ifndef DIVERTSIM_DIAG_H
#define DIVERTSIM_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include <glib.h>

#include "scenario/scn.h"

#ifdef __cplusplus
extern "C" {
#endif

#define	DIAG_MAX_SHOWN	50u

struct diag {
	const char	*path;		/* named in every message */
	unsigned	 errors;	/* errors reported so far (and warnings
					   under --Werror) */
	unsigned	 warnings;	/* warnings reported so far */
	FILE		*out;		/* NULL: count reports, print nothing */
	bool		 werror;	/* warnings are errors */
	bool		 sorted;	/* hold reports until diag_flush() */
	unsigned	 seq;		/* reports so far, orders equal lines */
	unsigned	 shown;		/* printed or held */
	unsigned	 hidden_errors, hidden_warnings; /* past the cap */
	GArray		*held;		/* struct diag_held, sorted mode */
};

/* GError domain for scenario errors found outside the parser. */
#define	DIAG_ERROR	(diag_error_quark())
GQuark		 diag_error_quark(void);

void		 diag_init(struct diag *d, const char *path, FILE *out);
void		 diag_set_werror(struct diag *d, bool on);
void		 diag_set_sorted(struct diag *d, bool on);
/*
 * Write what is held (sorted mode) and the "N more errors" line; frees the
 * held reports.  Call once when the file is done (harmless otherwise).
 */
void		 diag_flush(struct diag *d);

/*
 * Report an error at word word_index of w; word_index == w->argc means "at
 * the end of the line" (a missing word).  The caret line marks the whole
 * word as it is written in the source, quotes included.
 */
void		 diag_word(struct diag *d, bool warning,
		    const struct scn_words *w, unsigned word_index,
		    const char *fmt, ...) G_GNUC_PRINTF(5, 6);
#define	diag_error(d, w, i, ...)	diag_word((d), false, (w), (i), \
					    __VA_ARGS__)
/* A warning at a word, as diag_error(). */
#define	diag_warning(d, w, i, ...)	diag_word((d), true, (w), (i), \
					    __VA_ARGS__)
void		 diag_verror(struct diag *d, const struct scn_words *w,
		    unsigned word_index, const char *fmt, va_list ap)
		    G_GNUC_PRINTF(4, 0);
/* The message of err, at a word as diag_error(). */
void		 diag_gerror(struct diag *d, const struct scn_words *w,
		    unsigned word_index, const GError *err);
/*
 * Report an error at an arbitrary position inside w's source text (pos.line
 * is a physical line of w), marking width characters (at least one).  w may
 * be NULL: the position is named but no source line is shown.
 */
void		 diag_error_at(struct diag *d, const struct scn_words *w,
		    struct scn_pos pos, unsigned width, const char *fmt, ...)
		    G_GNUC_PRINTF(5, 6);
/* An error (or warning) about the file as a whole: "FILE: error: MSG". */
void		 diag_file(struct diag *d, bool warning, const char *fmt, ...)
		    G_GNUC_PRINTF(3, 4);
#define	diag_error_file(d, ...)		diag_file((d), false, __VA_ARGS__)
#define	diag_warning_file(d, ...)	diag_file((d), true, __VA_ARGS__)

/*
 * "Did you mean": the candidate closest to word by edit distance
 * (insertions, deletions, substitutions and swaps of two neighbours),
 * when it is close enough to be a typo of it.
 *
 *	struct diag_suggest sg;
 *	diag_suggest_init(&sg, word);
 *	for each candidate c: diag_suggest_offer(&sg, c);
 *	best = diag_suggest_best(&sg);	  NULL when none is close
 */
struct diag_suggest {
	const char	*word;
	const char	*best;
	unsigned	 best_dist;
};
void		 diag_suggest_init(struct diag_suggest *sg, const char *word);
void		 diag_suggest_offer(struct diag_suggest *sg, const char *cand);
const char	*diag_suggest_best(const struct diag_suggest *sg);
/* The closest of a NULL-terminated list, or NULL. */
const char	*diag_suggest_list(const char *word, const char *const *cands);
/* Edit distance of a and b (optimal string alignment), capped at cap + 1. */
unsigned	 diag_edit_distance(const char *a, const char *b, unsigned cap);
/* "; did you mean 'X'?" or "" (a static string or one in buf). */
const char	*diag_did_you_mean(const char *best, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_DIAG_H */
