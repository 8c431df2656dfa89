/*
 * The ipfw(8) command parser on arbitrary words (split at blanks), with the
 * round trip every accepted rule must survive: printed as `ipfw list` does
 * and parsed again, it gives the same rule and the same text.
 */
#include <string.h>

#include <glib.h>

#include "fuzz_common.h"
#include "ipfw/ipfw.h"
#include "ipfw/ipfw_print.h"
#include "ipfw/ipfw_rule.h"

/* The rule's `ipfw list` line as an add command (set is not printed). */
static char *
print_as_add(const struct ipfw_rule *r)
{
	GString *s = g_string_new("add ");

	ipfw_rule_print(r, 0, 0, s);
	FUZZ_CHECK(s->len > 4 && s->str[s->len - 1] == '\n', "'%s'", s->str);
	g_string_truncate(s, s->len - 1);
	return (g_string_free(s, FALSE));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = g_strndup((const char *)data, size);
	struct ipfw_cmd *c1, *c2, *c3;
	GError *err = NULL;
	int bad = -1;
	char *t1, *t2;

	c1 = fuzz_ipfw_parse(line, &err, &bad);
	if (c1 == NULL) {
		FUZZ_CHECK(err != NULL && bad >= 0, "no error for '%s'", line);
		g_error_free(err);
		g_free(line);
		return (0);
	}
	FUZZ_CHECK(err == NULL, "error set on success");
	if (c1->kind != IPFW_CMD_ADD) {
		ipfw_cmd_free(c1);
		g_free(line);
		return (0);
	}
	t1 = print_as_add(c1->rule);
	c2 = fuzz_ipfw_parse(t1, &err, &bad);
	FUZZ_CHECK(c2 != NULL, "'%s' printed as '%s', which fails: %s "
	    "(word %d)", line, t1, err != NULL ? err->message : "?", bad);
	t2 = print_as_add(c2->rule);
	FUZZ_CHECK(strcmp(t1, t2) == 0, "'%s' printed '%s' then '%s'", line,
	    t1, t2);
	FUZZ_CHECK(ipfw_rule_equal(c1->rule, c2->rule), "'%s' lost something "
	    "when printed as '%s'", line, t1);
	c3 = fuzz_ipfw_parse(t2, &err, &bad);
	FUZZ_CHECK(c3 != NULL && ipfw_rule_equal(c2->rule, c3->rule),
	    "'%s' unstable", t2);
	ipfw_cmd_free(c1);
	ipfw_cmd_free(c2);
	ipfw_cmd_free(c3);
	g_free(t1);
	g_free(t2);
	g_free(line);
	return (0);
}
