/*
 * Differential test of the ipfw engine: the quick rejection installed with
 * a rule (ipfw_rule_prefilter(): protocol, one source and one destination
 * network) must never reject a packet the full match accepts.
 *
 * Input: an ipfw command line, a NUL, then one flag byte (bit 0: OUT pass,
 * bit 1: source is `me`, bit 2: destination is `me`) and the bytes of an
 * IPv4 packet.
 */
#include <string.h>

#include <glib.h>

#include "fuzz_common.h"
#include "ipfw/ipfw.h"
#include "ipfw/ipfw_engine.h"
#include "ipfw/ipfw_rule.h"

static uint8_t me_flags;
static uint32_t me_src, me_dst;

static bool
is_me(const void *ctx, uint32_t addr)
{
	(void)ctx;
	return (((me_flags & 2) != 0 && addr == me_src) ||
	    ((me_flags & 4) != 0 && addr == me_dst));
}

static struct ipfw_rule *
parse_rule(const char *line)
{
	struct ipfw_cmd *cmd;
	struct ipfw_rule *r = NULL;
	int bad;

	cmd = fuzz_ipfw_parse(line, NULL, &bad);
	if (cmd != NULL && cmd->kind == IPFW_CMD_ADD) {
		r = cmd->rule;
		cmd->rule = NULL;
	}
	ipfw_cmd_free(cmd);
	return (r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	struct ipfw_args args;
	struct ipfw_rule *r;
	size_t rest;
	char *line;
	bool rejected, full;

	if (nul == NULL || (size_t)(nul - data) + 2 > size)
		return (0);
	line = g_strndup((const char *)data, (size_t)(nul - data));
	r = parse_rule(line);
	g_free(line);
	if (r == NULL)
		return (0);
	ipfw_rule_prefilter(r);
	me_flags = nul[1];
	rest = size - (size_t)(nul - data) - 2;
	memset(&args, 0, sizeof(args));
	args.dir = (me_flags & 1) != 0 ? IPFW_DIR_OUT : IPFW_DIR_IN;
	args.rcvif = "em0";
	args.oif = (me_flags & 1) != 0 ? "em1" : NULL;
	args.pkt = nul + 2;
	args.pkt_len = (uint32_t)rest;
	args.release = (me_flags & 8) != 0 ? 14 : 6;
	args.is_me = is_me;
	if (rest < 20) {
		ipfw_rule_free(r);
		return (0);
	}
	ipfw_args_dissect(&args);
	me_src = args.src;
	me_dst = args.dst;
	/* As ipfw_chk() tests it inline before the full match. */
	rejected = (r->pf_proto != 0 && r->pf_proto != args.proto) ||
	    (args.src & r->pf_src_mask) != r->pf_src_addr ||
	    (args.dst & r->pf_dst_mask) != r->pf_dst_addr;
	full = ipfw_rule_match(r, &args);
	FUZZ_CHECK(!(rejected && full), "quick rejection refused a packet "
	    "the rule matches (proto %u src %08x dst %08x)", args.proto,
	    args.src, args.dst);
	ipfw_rule_free(r);
	return (0);
}
