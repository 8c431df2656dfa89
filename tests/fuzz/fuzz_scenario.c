/*
 * The scenario front end (lexer, parser, the checks of `divertsim lint`) on
 * arbitrary text: it must report errors, never crash, leak or hang.
 */
#include <glib.h>

#include "fuzz_common.h"
#include "scenario/scn.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct scenario *s;
	unsigned nerr = 0;
	char *text;

	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	/* A NUL ends the text, as it ends a line read from a file. */
	text = g_strndup((const char *)data, size);
	s = scn_parse_string("fuzz.scn", text, devnull, &nerr);
	FUZZ_CHECK((s == NULL) == (nerr > 0), "%u errors, scenario %p", nerr,
	    (void *)s);
	scn_free(s);
	g_free(text);
	return (0);
}
