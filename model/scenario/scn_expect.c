/*
 * Expectations: which counter names a world can have, and the pass/fail
 * evaluation printed at the end of a run.
 */
#include <string.h>

#include <glib.h>

#include "net/host.h"
#include "scenario/scn_build.h"
#include "sim/counters.h"

/*
 * Counters that come into being during a run (a rule added by `at`, the
 * first errno a sendto returns, a ping started later): the part after
 * "HOST." must have one of these shapes.
 */
static const char *const dynamic_counter_re =
    "^(ipfw\\.[0-9]+\\.(packets|bytes)"
    "|divert\\.[0-9]+\\.(read|written|dropped_full|write_errors|loops|discarded"
    "|errno\\.E[A-Z]+)"
    "|divert\\.(noport|disabled|badsum)"
    "|if\\.[A-Za-z0-9_.]+\\.(qdrops|ierrors)"
    "|ping\\.(sent|received|duplicates)"
    "|ip\\.badaddr|icmp\\.(noroute|tooshort|outhist\\.[0-9]+)"
    "|udp\\.(hdrops|badlen|noportbcast))$";

bool
scn_counter_name_valid(const struct world *w, const char *name)
{
	static GRegex *re;
	const char *dot;
	bool exists;
	char *host;
	bool ok;

	(void)counters_get(world_counters(w), name, &exists);
	if (exists)
		return (true);
	dot = strchr(name, '.');
	if (dot == NULL)
		return (false);
	host = g_strndup(name, (gsize)(dot - name));
	ok = world_host(w, host) != NULL;
	g_free(host);
	if (!ok)
		return (false);
	if (re == NULL)
		re = g_regex_new(dynamic_counter_re, G_REGEX_OPTIMIZE, 0, NULL);
	return (g_regex_match(re, dot + 1, 0, NULL));
}

static const char *
op_text(enum scn_op op)
{
	switch (op) {
	case SCN_EQ: return ("==");
	case SCN_NE: return ("!=");
	case SCN_LT: return ("<");
	case SCN_LE: return ("<=");
	case SCN_GT: return (">");
	case SCN_GE: return (">=");
	}
	return ("?");
}

static bool
op_holds(enum scn_op op, uint64_t a, uint64_t b)
{
	switch (op) {
	case SCN_EQ: return (a == b);
	case SCN_NE: return (a != b);
	case SCN_LT: return (a < b);
	case SCN_LE: return (a <= b);
	case SCN_GT: return (a > b);
	case SCN_GE: return (a >= b);
	}
	return (false);
}

unsigned
scn_expect_eval(const struct scenario *s, const struct counters *c,
    FILE *out, const char *prefix, unsigned *npassed)
{
	unsigned failed = 0, passed = 0;

	for (guint i = 0; i < s->expects->len; i++) {
		const struct scn_expect *x = g_ptr_array_index(s->expects, i);
		uint64_t v = counters_get(c, x->counter, NULL);
		bool ok = op_holds(x->op, v, x->value);

		fprintf(out, "%s%s:%u: expect %s %s %" G_GUINT64_FORMAT
		    " (got %" G_GUINT64_FORMAT ")\n",
		    ok ? "PASS " : "FAIL ", prefix != NULL ? prefix : s->path,
		    x->pos.line, x->counter, op_text(x->op), x->value, v);
		if (ok)
			passed++;
		else
			failed++;
	}
	if (npassed != NULL)
		*npassed = passed;
	return (failed);
}
