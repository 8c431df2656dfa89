/*
 * Helpers shared by the ipfw harnesses.
 */
#include <glib.h>

#include "fuzz_common.h"

struct ipfw_cmd *
fuzz_ipfw_parse(const char *line, GError **err, int *bad)
{
	gchar **argv = g_strsplit_set(line, " \t\n\r\v\f", -1);
	int argc = 0;
	struct ipfw_cmd *cmd;

	/* Empty items (runs of blanks) are dropped. */
	for (int i = 0; argv[i] != NULL; i++)
		if (argv[i][0] != '\0')
			argv[argc++] = argv[i];
		else
			g_free(argv[i]);
	argv[argc] = NULL;
	cmd = ipfw_cmd_parse(argc, argv, bad, err);
	g_strfreev(argv);
	return (cmd);
}
