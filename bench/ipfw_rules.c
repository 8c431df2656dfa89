/*
 * ipfw_chk() cost per rule: rulesets of 10, 100 and 1000 rules that do
 * not match a UDP datagram, followed by `allow`, each walked many times;
 * prints nanoseconds per rule evaluated.  Wall-clock timing is this
 * program's business only; the simulator never reads a clock.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "ipfw/ipfw.h"

/* Rules that never match the datagram below, in rotation. */
static const char *const miss_forms[] = {
	"deny udp from 10.9.9.9 to any",
	"deny tcp from any to any 80",
	"deny ip from any to any via em9",
	"deny udp from any to any 53,5353",
	"deny icmp from any to any icmptypes 8",
	"deny ip from any to 192.0.2.0/24",
};

/* The same with or-blocks and a lookup in a table of 10,000 entries
 * (table 1, filled by main()), none matching either. */
static const char *const miss_forms_new[] = {
	"deny { tcp or icmp } from any to any",
	"deny ip from { 10.9.9.9 or 10.9.9.8 } to any",
	"deny ip from table(1) to any",
	"deny ip from any to any { via em8 or via em9 }",
	"deny udp from any to table(1)",
	"deny udp from any to any dst-port 53 { in or frag }",
};

static void
add_rule(struct ipfw_chain *chain, uint32_t num, const char *body)
{
	gchar *line = g_strdup_printf("-q add %u %s", num, body);
	gchar **argv = NULL;
	int argc = 0;
	struct ipfw_cmd *cmd;

	if (!g_shell_parse_argv(line, &argc, &argv, NULL) ||
	    (cmd = ipfw_cmd_parse(argc, argv, NULL, NULL)) == NULL ||
	    !ipfw_cmd_exec(chain, cmd, NULL, NULL)) {
		fprintf(stderr, "bad rule: %s\n", line);
		exit(1);
	}
	ipfw_cmd_free(cmd);
	g_strfreev(argv);
	g_free(line);
}

/* Table 1: 10,000 addresses in 172.16.0.0/16 as /32s and /24s. */
static void
fill_table(struct ipfw_chain *chain)
{
	for (unsigned i = 0; i < 10000; i++) {
		gchar *line = g_strdup_printf("table 1 add 172.%u.%u.%u/%u",
		    16 + i / 5000, (i / 250) % 20 * 10 + i % 2, i % 250,
		    i % 2 == 0 ? 32 : 24);
		gchar **argv = NULL;
		int argc = 0;
		struct ipfw_cmd *cmd;

		if (!g_shell_parse_argv(line, &argc, &argv, NULL) ||
		    (cmd = ipfw_cmd_parse(argc, argv, NULL, NULL)) == NULL) {
			fprintf(stderr, "bad table line: %s\n", line);
			exit(1);
		}
		/* A /24 may repeat: an existing prefix is refused. */
		(void)ipfw_cmd_exec(chain, cmd, NULL, NULL);
		ipfw_cmd_free(cmd);
		g_strfreev(argv);
		g_free(line);
	}
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

int
main(void)
{
	/* UDP 10.0.0.1:1000 -> 10.0.0.2:2000, 36 bytes. */
	static const uint8_t pkt[36] = {
		0x45, 0x00, 0x00, 0x24, 0x12, 0x34, 0x00, 0x00,
		0x40, 0x11, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
		0x0a, 0x00, 0x00, 0x02, 0x03, 0xe8, 0x07, 0xd0,
		0x00, 0x10, 0x00, 0x00,
	};
	static const unsigned sizes[] = { 10, 100, 1000 };

	for (size_t s = 0; s < 2 * G_N_ELEMENTS(sizes); s++) {
		struct ipfw_chain *chain = ipfw_chain_new(1);
		unsigned n = sizes[s % G_N_ELEMENTS(sizes)];
		bool new_forms = s >= G_N_ELEMENTS(sizes);
		const char *const *forms = new_forms ? miss_forms_new :
		    miss_forms;
		unsigned iters = 20000000u / (n + 1);
		struct ipfw_args a;
		struct ipfw_verdict v;
		uint64_t t0, t1;

		if (new_forms)
			fill_table(chain);
		for (unsigned i = 0; i < n; i++)
			add_rule(chain, 10 + i * 10,
			    forms[i % G_N_ELEMENTS(miss_forms)]);
		add_rule(chain, 65000, "allow ip from any to any");
		memset(&a, 0, sizeof(a));
		a.dir = IPFW_DIR_IN;
		a.rcvif = "em0";
		a.pkt = pkt;
		a.pkt_len = sizeof(pkt);
		a.release = 14;
		ipfw_args_dissect(&a);
		t0 = now_ns();
		for (unsigned k = 0; k < iters; k++) {
			ipfw_chk(chain, &a, &v);
			if (v.kind != IPFW_V_PASS || v.rulenum != 65000) {
				fprintf(stderr, "unexpected verdict\n");
				return (1);
			}
		}
		t1 = now_ns();
		printf("%5u rules%s + allow: %.2f ns per rule evaluation "
		    "(%.1f ns per packet)\n", n, new_forms ?
		    " (or-blocks, 10,000-entry table)" : "",
		    (double)(t1 - t0) / ((double)iters * (n + 1)),
		    (double)(t1 - t0) / iters);
		ipfw_chain_free(chain);
	}
	return (0);
}
