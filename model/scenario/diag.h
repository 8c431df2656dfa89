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
 */
#ifndef DIVERTSIM_DIAG_H
#define DIVERTSIM_DIAG_H

#include <stdarg.h>
#include <stdio.h>

#include <glib.h>

#include "scenario/scn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct diag {
	const char	*path;		/* named in every message */
	unsigned	 errors;	/* errors reported so far */
	FILE		*out;		/* NULL: count errors, print nothing */
};

/* GError domain for scenario errors found outside the parser. */
#define	DIAG_ERROR	(diag_error_quark())
GQuark		 diag_error_quark(void);

void		 diag_init(struct diag *d, const char *path, FILE *out);

/*
 * Report an error at word word_index of w; word_index == w->argc means "at
 * the end of the line" (a missing word).  The caret line marks the whole
 * word as it is written in the source, quotes included.
 */
void		 diag_error(struct diag *d, const struct scn_words *w,
		    unsigned word_index, const char *fmt, ...)
		    G_GNUC_PRINTF(4, 5);
void		 diag_verror(struct diag *d, const struct scn_words *w,
		    unsigned word_index, const char *fmt, va_list ap)
		    G_GNUC_PRINTF(4, 0);
/* The message of err, at a word as diag_error(). */
void		 diag_gerror(struct diag *d, const struct scn_words *w,
		    unsigned word_index, const GError *err);
/*
 * Report an error at an arbitrary position inside w's source text (pos.line
 * is a physical line of w), marking width characters (at least one).
 */
void		 diag_error_at(struct diag *d, const struct scn_words *w,
		    struct scn_pos pos, unsigned width, const char *fmt, ...)
		    G_GNUC_PRINTF(5, 6);
/* An error about the file as a whole: "FILE: error: MESSAGE". */
void		 diag_error_file(struct diag *d, const char *fmt, ...)
		    G_GNUC_PRINTF(2, 3);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_DIAG_H */
