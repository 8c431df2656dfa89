/*
 * Differential test of the ipfw engine's quick rejection against the full
 * match.  The commands (ipfw rules and table commands) go into two chains:
 * one walked as divertsim walks it (the compiled chain, ipfw_cls_build(),
 * over every rule's quick rejection, ipfw_rule_prefilter()), one with the
 * full match alone on every rule.  The same packet walks both twice (the
 * second walk meets the states the first installed): verdicts, tablearg
 * and every rule's counters must agree, and no rule's quick rejection may
 * refuse a packet its full match accepts.
 *
 * Input: ipfw command lines separated by newlines, a NUL, then one flag
 * byte (bit 0: OUT pass, bit 1: source is `me`, bit 2: destination is
 * `me`, bit 3: release 14 walk, bit 4: received on em1 rather than em0)
 * and the bytes of an IPv4 packet.
 */
#include <string.h>

#include <glib.h>

#include "fuzz_common.h"
#include "ipfw/ipfw.h"
#include "ipfw/ipfw_chain.h"
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

/* Carry one command line out on both chains (errors: the line is left
 * out of both). */
static void
exec_both(const char *line, struct ipfw_chain *quick,
    struct ipfw_chain *full)
{
	struct ipfw_cmd *cmd;
	int bad;

	cmd = fuzz_ipfw_parse(line, NULL, &bad);
	if (cmd != NULL && (cmd->kind == IPFW_CMD_ADD ||
	    cmd->kind == IPFW_CMD_TABLE || cmd->kind == IPFW_CMD_DELETE)) {
		bool a = ipfw_cmd_exec(quick, cmd, NULL, NULL);
		bool b = ipfw_cmd_exec(full, cmd, NULL, NULL);

		FUZZ_CHECK(a == b, "'%s' done on one chain only", line);
	}
	ipfw_cmd_free(cmd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	struct ipfw_chain *quick, *full;
	struct ipfw_args args;
	gchar *text, **lines;
	size_t rest;

	if (nul == NULL || (size_t)(nul - data) + 2 > size)
		return (0);
	me_flags = nul[1];
	rest = size - (size_t)(nul - data) - 2;
	if (rest < 20)
		return (0);
	memset(&args, 0, sizeof(args));
	args.dir = (me_flags & 1) != 0 ? IPFW_DIR_OUT : IPFW_DIR_IN;
	args.rcvif = (me_flags & 16) != 0 ? "em1" : "em0";
	args.oif = (me_flags & 1) != 0 ? "em1" : NULL;
	args.pkt = nul + 2;
	args.pkt_len = (uint32_t)rest;
	args.release = (me_flags & 8) != 0 ? 14 : 6;
	args.is_me = is_me;
	ipfw_args_dissect(&args);
	me_src = args.src;
	me_dst = args.dst;

	quick = ipfw_chain_new(1);
	full = ipfw_chain_new(1);
	/* Compiled however few rules the input gives. */
	quick->cls_min_rules = 1;
	text = g_strndup((const char *)data, (size_t)(nul - data));
	lines = g_strsplit(text, "\n", 64);
	for (unsigned i = 0; lines[i] != NULL; i++)
		exec_both(lines[i], quick, full);
	g_strfreev(lines);
	g_free(text);
	ipfw_chain_full_match_only(full);

	/* Rule by rule, as ipfw_chk() tests it before the full match. */
	for (unsigned i = 0; i < quick->n_rules; i++) {
		const struct ipfw_rule *r = quick->rules[i];

		FUZZ_CHECK(!(ipfw_prefilter_rejects(r, &args) &&
		    ipfw_rule_match(r, &args)), "quick rejection of rule %u "
		    "refused a packet it matches (proto %u src %08x dst %08x)",
		    r->rulenum, args.proto, args.src, args.dst);
	}
	for (int walk = 0; walk < 2; walk++) {
		struct ipfw_args a = args, b = args;
		struct ipfw_verdict va, vb;

		a.now_ns = b.now_ns = (uint64_t)walk * 1000000000u;
		ipfw_chk(quick, &a, &va);
		ipfw_chk(full, &b, &vb);
		FUZZ_CHECK(va.kind == vb.kind && va.rulenum == vb.rulenum &&
		    va.port == vb.port && a.tablearg == b.tablearg,
		    "walk %d: compiled chain %d at rule %u, full match %d at "
		    "rule %u", walk, (int)va.kind, va.rulenum, (int)vb.kind,
		    vb.rulenum);
	}
	for (unsigned i = 0; i < quick->n_rules; i++)
		FUZZ_CHECK(quick->rules[i]->packets == full->rules[i]->packets &&
		    quick->rules[i]->bytes == full->rules[i]->bytes,
		    "rule %u counted differently", quick->rules[i]->rulenum);
	ipfw_chain_free(quick);
	ipfw_chain_free(full);
	return (0);
}
