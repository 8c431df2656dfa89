/*
 * Short whole runs: any scenario that parses is built and simulated with
 * small limits (20,000 events, no traces), so that the model itself (ipfw,
 * divert, fragments, ICMP, the apps) meets whatever the scenario language
 * can express.  It must end without a crash, a leak or a sanitizer report.
 */
#include <glib.h>

#include "apps/proc.h"
#include "fuzz_common.h"
#include "scenario/scn.h"
#include "scenario/scn_build.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct scenario *s;
	struct world *w;
	struct run_opts o = { 0 };
	unsigned nerr = 0, passed;
	char *text;

	if (devnull == NULL) {
		devnull = fopen("/dev/null", "w");
		divert_programs_builtin();
	}
	text = g_strndup((const char *)data, size);
	s = scn_parse_string("fuzz.scn", text, devnull, &nerr);
	g_free(text);
	if (s == NULL)
		return (0);
	o.out = devnull;
	o.errout = devnull;
	o.quiet = true;
	o.counters = true;
	o.max_events = 20000;
	w = scn_build(s, &o, &nerr);
	if (w != NULL) {
		(void)world_run(w, &passed);
		world_free(w);
	}
	scn_free(s);
	return (0);
}
