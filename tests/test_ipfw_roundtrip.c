/*
 * Parser and printer pinned together (model/ipfw/ipfw_parse.c and
 * ipfw_print.c): for every accepted rule form, parse -> print -> parse ->
 * print gives the same text twice and rules equal to the first one.
 */
#include <string.h>

#include <glib.h>

#include "check_util.h"
#include "ipfw/ipfw.h"
#include "ipfw/ipfw_print.h"
#include "ipfw/ipfw_rule.h"

static const char *const forms[] = {
	"add 100 divert 8668 ip from any to any via em1",
	"add divert natd all from any to any",
	"add 200 tee 9000 ip from any to any in recv em0",
	"add 1 allow ip from any to any",
	"add 65534 accept ip4 from any to any",
	"add pass ipv4 from any to any out xmit em1",
	"add permit tcp from any to any",
	"add deny udp from any to any",
	"add drop icmp from any to any",
	"add reject ip from any to any",
	"add unreach net ip from any to any",
	"add unreach host ip from any to any",
	"add unreach protocol ip from any to any",
	"add unreach port udp from any to any",
	"add unreach needfrag ip from any to any",
	"add unreach srcfail ip from any to any",
	"add unreach net-unknown ip from any to any",
	"add unreach host-unknown ip from any to any",
	"add unreach isolated ip from any to any",
	"add unreach net-prohib ip from any to any",
	"add unreach host-prohib ip from any to any",
	"add unreach tosnet ip from any to any",
	"add unreach toshost ip from any to any",
	"add unreach filter-prohib ip from any to any",
	"add unreach host-precedence ip from any to any",
	"add unreach precedence-cutoff ip from any to any",
	"add unreach 99 ip from any to any",
	"add count ip from any to any",
	"add count log ip from any to any",
	"add skipto 65535 ip from any to any",
	"add call 500 ip from any to any",
	"add return ip from any to any",
	"add check-state",
	"add check-state log",
	"add check-state udp from any to any in",
	"add reass ip from any to any",
	"add set 5 allow ip from any to any",
	"add prob 0.5 allow ip from any to any",
	"add prob 0.3 deny log ip from any to any",
	"add prob 1 allow ip from any to any",
	/* Probabilities six decimals cannot name (prob %f shows 0). */
	"add prob 1e-7 allow ip from any to any",
	"add prob 4.7e-10 allow ip from any to any",
	"add prob 0.9999999999 allow ip from any to any",
	"add prob 0.0000005 count ip from any to any",
	"add 100 set 2 prob 0.125 count log ip from any to any",
	"add allow 47 from any to any",
	"add allow 200 from any to any",
	"add allow gre from any to any",
	"add allow not udp from any to any",
	"add allow ip from 10.0.0.1 to 10.0.0.2",
	"add allow ip from 10.0.0.0/8 to 192.168.1.0/24",
	"add allow ip from 10.1.2.3/8 to any",
	"add allow ip from 1.2.3.4:255.255.0.255 to any",
	"add allow ip from 1.2.3.4/32 to 0.0.0.0/0",
	"add allow ip from not 10.0.0.1 to not me",
	"add allow ip from me to any",
	"add allow ip from { 10.0.0.1, 10.0.0.2 } to any",
	"add allow ip from any to {10.0.0.1,10.0.1.0/24}",
	"add allow ip from 10.0.0.1,10.0.0.2,10.0.0.8/29 to any",
	"add allow tcp from any 80 to any",
	"add allow tcp from any to any 80",
	"add allow udp from any 1024-65535 to any 53,5353",
	"add allow udp from any not 53 to any not 1-10,20",
	"add allow udp from any any to any any",
	"add allow ip from any to any dst-port 53 proto udp",
	"add allow ip from any to any proto tcp src-port 1-2",
	"add allow ip from any to any in",
	"add allow ip from any to any out",
	"add allow ip from any to any not in",
	"add allow ip from any to any not out",
	"add allow ip from any to any via em*",
	"add allow ip from any to any recv ng0 xmit em1",
	"add allow ip from any to any not via lo0",
	"add allow ip from any to any via any",
	"add allow ip from any to any frag",
	"add allow ip from any to any fragment",
	"add allow ip from any to any not frag",
	"add allow ip from any to any ipoptions",
	"add allow ip from any to any ipopts ssrr,lsrr,!rr,ts",
	"add allow ip from any to any iplen 20",
	"add allow ip from any to any iplen 20-40,1500",
	"add allow ip from any to any ipid 0",
	"add allow ip from any to any ipttl 1-3",
	"add allow ip from any to any not ipttl 64",
	"add allow ip from any to any iptos lowdelay",
	"add allow ip from any to any iptos throughput,reliability,"
	    "!mincost,congestion",
	"add allow ip from any to any iptos !congestion,lowdelay",
	"add allow icmp from any to any icmptypes 0,3,8,11",
	"add allow icmp from any to any icmptype 31",
	"add allow icmp from any to any not icmptypes 5",
	"add allow udp from any to any keep-state",
	"add count udp from any to any keep-state in",
	"add allow ip from any to any diverted",
	"add allow ip from any to any diverted-loopback",
	"add allow ip from any to any not diverted-output",
	"add 300 skipto 400 log tcp from not 10.0.0.0/8 1-1023 to me "
	    "not 22 in recv em0 ipttl 2-255 iptos lowdelay keep-state",
	"-q add allow ip from any to any",
	/* TCP options (ipfw(8) of both releases). */
	"add allow tcp from any to any setup",
	"add allow tcp from any to any not setup",
	"add allow tcp from any to any established",
	"add deny tcp from any to any not established",
	"add allow tcp from any to any tcpflags syn,!ack",
	"add allow tcp from any to any tcpflags fin,syn,rst,psh,ack,urg",
	"add allow tcp from any to any tcpflags !fin,!rst",
	"add allow tcp from any to any tcpflgs syn",
	"add allow tcp from any to any not tcpflags rst",
	"add allow tcp from any to any tcpoptions mss",
	"add allow tcp from any to any tcpoptions mss,window,sack,ts,cc",
	"add allow tcp from any to any tcpopts !ts,maxseg",
	"add allow tcp from any to any tcpoptions timestamp,!sack",
	"add allow tcp from any to any tcpseq 0",
	"add allow tcp from any to any tcpseq 4294967295",
	"add allow tcp from any to any tcpack 12345",
	"add allow tcp from any to any not tcpack 1",
	"add allow tcp from any to any tcpwin 0",
	"add allow tcp from any to any tcpwin 1024-65535",
	"add allow tcp from any to any tcpwin 512,1024,2048-4096",
	"add allow tcp from any to any tcpdatalen 0",
	"add allow tcp from any to any tcpdatalen 1-1460",
	"add allow tcp from any to any not tcpdatalen 0",
	"add allow ip from any to any ipversion 4",
	"add allow ip from any to any ipver 6",
	"add deny log ip4 from any to any in via em1 setup proto tcp",
	"add allow tcp from me to any setup keep-state",
	"add allow tcp from any to me 25 setup",
	/* log logamount, // comments. */
	"add deny log logamount 500 ip from any to any",
	"add count log logamount 1 udp from any to any",
	"add allow ip from any to any // a comment",
	"add allow ip from any to any // several words, and 1,2,3",
	"add deny log tcp from any to any setup // log the setups",
	"add check-state // states first",
	"add allow udp from any to any keep-state // with state",
	/* Service names (/etc/services) become numbers. */
	"add allow udp from any to any domain",
	"add allow tcp from any ftp\\\\-data to any",
	"add allow tcp from any smtp,domain to any 1024-65535",
	"add allow udp from me to any ntp keep-state",
	"add allow udp from any to any dst-port domain,ntp",
	"add allow tcp from any to any src-port 20-smtp",
	"add allow udp from any to any not domain",
	/* rc.firewall forms. */
	"add 100 pass all from any to any via lo0",
	"add 200 deny all from any to 127.0.0.0/8",
	"add 300 deny ip from 127.0.0.0/8 to any",
	"add pass all from 10.0.0.0/24 to 255.255.255.255",
	"add pass all from me to 10.0.0.0/24",
	"add pass tcp from any to any established",
	"add pass all from any to any frag",
	"add deny tcp from any to any setup",
	"add pass udp from me to any 53 keep-state",
	"add pass udp from any 67 to me 68 in",
	"add pass udp from 0.0.0.0 68 to 255.255.255.255 67 out",
	"add pass icmp from any to any icmptype 3,4,11",
	"add deny tcp from any 80,443 to any 1024-65535 in",
	"add deny ip from any to 224.0.0.0/24 in",
	"add 65000 count ip from any to any",
	/* Tables. */
	"add deny all from any to table(13) via em1",
	"add deny all from table(13) to any via em1",
	"add allow ip from table(0,5) to not table(127)",
	"add allow tcp from not table(1,4294967295) 80 to me",
	/* Address sets. */
	"add allow ip from 10.0.0.0/24{1,2,3} to any",
	"add allow ip from any to not 10.1.2.128/25{0,5-9,127}",
	"add allow ip from 192.0.2.0/24{0-255} to 192.0.2.8/30{0,3}",
	"add allow ip from { 10.0.0.0/24{1,5} or 10.0.1.1 } to any",
	/* Tags. */
	"add count tag 5 ip from any to any",
	"add allow log untag 5 ip from any to any tagged 5",
	"add allow ip from any to any tagged 1,10-20",
	"add skipto 1000 log logamount 3 tag 65534 udp from any to any",
	"add deny ip from any to any not tagged 7",
	/* reset. */
	"add reset tcp from any to me 113",
	"add reset log ip from any to any in setup",
	/* limit. */
	"add allow tcp from any to me 22 setup limit src-addr 2",
	"add allow udp from any to any limit src-addr dst-port 10",
	"add allow ip from any to any limit src-addr src-port dst-addr "
	    "dst-port 65534",
	/* Addresses as options. */
	"add allow ip from any to any src-ip 10.0.0.1",
	"add allow ip from 10.0.0.0/8 to any not src-ip 10.0.0.1,10.0.0.2",
	"add allow udp from any to any dst-ip me dst-port 53",
	"add allow ip from any to any dst-ip table(4) src-ip 10.0.0.0/24{7}",
	/* Anti-spoofing. */
	"add deny ip from any to any not verrevpath in",
	"add deny ip from any to any not versrcreach",
	"add deny ip from any to any not antispoof in recv em0",
	/* Or-blocks. */
	"add deny { tcp or udp } from any to any 137 in",
	"add allow { udp or not icmp or 47 } from any to any",
	"add allow ip from { 10.0.0.1 or 10.0.1.0/24 or me } to any",
	"add allow ip from any to { table(3) or 192.0.2.0/24,10.0.0.9 }",
	"add allow ip from { not 10.0.0.1 or 10.0.0.2 } to any",
	"add allow ip from any to any { via em0 or via em1 }",
	"add allow ip from any to any { in or frag or not ipttl 1-3 } out",
	"add allow tcp from any to any { setup or tcpflags rst } "
	    "{ recv em0 or xmit em1 }",
	/* FreeBSD 12 and later only (release 14). */
	"14:add allow tcp from any to any tcpmss 536-1460",
	"14:add allow tcp from any to any not tcpmss 1460",
	"14:add allow udp from any to any keep-state :dns",
	"14:add allow udp from any to any keep-state :default",
	"14:add check-state :dns",
	"14:add check-state :any",
	"14:add check-state :dns log // named",
	"14:add allow tcp from me to any setup keep-state :out-flows.1",
	"14:add allow ip from table(65535) to any",
	"14:add divert tablearg ip from any to table(1)",
	"14:add skipto tablearg ip from table(2) to any",
	"14:add count tag tablearg ip from table(3) to any",
	"14:add tee tablearg udp from table(4,5) to any",
	"14:add allow tcp from any to any limit dst-addr 3 :per-dst",
	/* fwd (release 6 with IPFIREWALL_FORWARD), printed as print_fwd(). */
	"add fwd 10.0.0.1 ip from any to any",
	"add fwd 127.0.0.1,3128 tcp from 10.0.0.0/24 to any 80 in recv em0",
	"add forward 192.0.2.2,53 udp from any to any 53 out xmit em1",
	"add fwd 198.51.100.2 log udp from any to any 53",
	"14:add fwd tablearg ip from table(3) to any",
	"14:add fwd tablearg,8080 tcp from table(3) to any",
	/* In-kernel NAT (FreeBSD 7 and later). */
	"14:add nat 1 ip from any to any via em1",
	"14:add nat 65534 udp from 10.0.0.0/8 to any out xmit em1",
	"14:add nat tablearg ip from table(7) to any",
	"14:add nat 2 tcp from any to me 8080 in recv em1 // redirect",
};

static struct ipfw_rule *
parse_rule_rel(int release, const char *line)
{
	gchar **argv = NULL;
	int argc = 0, bad = -1;
	GError *err = NULL;
	struct ipfw_cmd *cmd;
	struct ipfw_rule *r;

	ck_assert(g_shell_parse_argv(line, &argc, &argv, NULL));
	cmd = ipfw_cmd_parse_release(release, argc, argv, &bad, &err);
	g_strfreev(argv);
	ck_assert_msg(cmd != NULL, "'%s': %s (word %d)", line,
	    err != NULL ? err->message : "?", bad);
	ck_assert_int_eq(cmd->kind, IPFW_CMD_ADD);
	r = cmd->rule;
	cmd->rule = NULL;
	ipfw_cmd_free(cmd);
	return (r);
}

static struct ipfw_rule *
parse_rule(const char *line)
{
	return (parse_rule_rel(6, line));
}

/* The `ipfw list` line of r turned back into an add command. */
static char *
print_as_add(const struct ipfw_rule *r)
{
	GString *s = g_string_new("add ");

	ipfw_rule_print(r, 0, 0, s);
	ck_assert(s->str[s->len - 1] == '\n');
	g_string_truncate(s, s->len - 1);
	return (g_string_free(s, FALSE));
}

/* Loop index: forms[] for release 6, then again for release 14. */
START_TEST(test_roundtrip)
{
	int n = (int)G_N_ELEMENTS(forms);
	int rel = _i < n ? 6 : 14;
	const char *form = forms[_i % n];
	struct ipfw_rule *r1, *r2, *r3;
	char *t1, *t2;

	if (strncmp(form, "14:", 3) == 0) {
		gchar **argv;
		int argc, bad = -1;
		GError *err = NULL;

		form += 3;
		if (rel == 6) {
			/* Refused by release 6, naming the release. */
			ck_assert(g_shell_parse_argv(form, &argc, &argv,
			    NULL));
			ck_assert_msg(ipfw_cmd_parse_release(6, argc, argv,
			    &bad, &err) == NULL, "'%s' accepted by 6", form);
			ck_assert_msg(strstr(err->message, "release 6") !=
			    NULL, "%s", err->message);
			g_error_free(err);
			g_strfreev(argv);
			return;
		}
	}
	r1 = parse_rule_rel(rel, form);
	t1 = print_as_add(r1);
	r2 = parse_rule_rel(rel, t1);
	t2 = print_as_add(r2);
	ck_assert_msg(strcmp(t1, t2) == 0, "'%s': '%s' then '%s'", form, t1,
	    t2);
	r3 = parse_rule_rel(rel, t2);
	ck_assert_msg(ipfw_rule_equal(r2, r3), "'%s': rules differ", form);
	/* Printing loses nothing that matters (set is not printed). */
	ck_assert_msg(ipfw_rule_equal(r1, r2), "'%s': '%s' lost something",
	    form, t1);
	ipfw_rule_free(r1);
	ipfw_rule_free(r2);
	ipfw_rule_free(r3);
	g_free(t1);
	g_free(t2);
}
END_TEST

/* Run one ipfw command line on chain; its output, or NULL on error
 * (*msg then holds the message). */
static char *
run_cmd(struct ipfw_chain *chain, const char *line, char **msg)
{
	gchar **argv = NULL;
	int argc = 0, bad = -1;
	GError *err = NULL;
	struct ipfw_cmd *cmd;
	GString *out = g_string_new(NULL);

	ck_assert(g_shell_parse_argv(line, &argc, &argv, NULL));
	cmd = ipfw_cmd_parse_release(14, argc, argv, &bad, &err);
	g_strfreev(argv);
	if (cmd == NULL || !ipfw_cmd_exec(chain, cmd, out, &err)) {
		*msg = g_strdup(err->message);
		g_error_free(err);
		ipfw_cmd_free(cmd);
		g_string_free(out, TRUE);
		return (NULL);
	}
	ipfw_cmd_free(cmd);
	return (g_string_free(out, FALSE));
}

/*
 * `ipfw nat N config` prints the instance as nat_show_cfg() does (mode
 * words in its order: deny_in, same_ports, unreg_only, reset; redirects
 * in the kernel's list order, last given first), and that line run
 * again (less its leading "ipfw ") gives the same instance: the same
 * words, the redirects listed the other way round, and a third run the
 * first line again.
 */
START_TEST(test_nat_config_roundtrip)
{
	struct ipfw_chain *chain = ipfw_chain_new(1);
	const char *want = "ipfw nat 1 config ip 192.0.2.1 deny_in same_ports "
	    "reset redirect_port tcp 10.0.0.2:80-81 8080-8081 redirect_port "
	    "udp 10.0.0.2:7 8007\n";
	char *o1, *o2, *msg = NULL;

	o1 = run_cmd(chain, "nat 1 config ip 192.0.2.1 same_ports reset "
	    "deny_in redirect_port udp 10.0.0.2:7 8007 redirect_port tcp "
	    "10.0.0.2:80-81 8080-8081", &msg);
	ck_assert_msg(o1 != NULL, "%s", msg);
	ck_assert_str_eq(o1, want);
	o2 = run_cmd(chain, o1 + 5, &msg);
	ck_assert_msg(o2 != NULL, "%s", msg);
	ck_assert_str_eq(o2, "ipfw nat 1 config ip 192.0.2.1 deny_in "
	    "same_ports reset redirect_port udp 10.0.0.2:7 8007 redirect_port "
	    "tcp 10.0.0.2:80-81 8080-8081\n");
	g_free(o1);
	o1 = run_cmd(chain, o2 + 5, &msg);
	ck_assert_str_eq(o1, want);
	g_free(o1);
	g_free(o2);
	/* Newest instance first; a reconfiguration moves it to the head. */
	g_free(run_cmd(chain, "-q nat 2 config ip 198.51.100.1 unreg_only",
	    &msg));
	o1 = run_cmd(chain, "nat show config", &msg);
	ck_assert_str_eq(o1, "ipfw nat 2 config ip 198.51.100.1 unreg_only\n"
	    "ipfw nat 1 config ip 192.0.2.1 deny_in same_ports reset "
	    "redirect_port tcp 10.0.0.2:80-81 8080-8081 redirect_port udp "
	    "10.0.0.2:7 8007\n");
	g_free(o1);
	g_free(run_cmd(chain, "-q nat 1 config ip 192.0.2.9", &msg));
	o1 = run_cmd(chain, "nat show config", &msg);
	ck_assert_str_eq(o1, "ipfw nat 1 config ip 192.0.2.9\n"
	    "ipfw nat 2 config ip 198.51.100.1 unreg_only\n");
	g_free(o1);
	o1 = run_cmd(chain, "nat 2 show config", &msg);
	ck_assert_str_eq(o1, "ipfw nat 2 config ip 198.51.100.1 unreg_only\n");
	g_free(o1);
	/* delete, then a second delete: ESRCH. */
	o1 = run_cmd(chain, "nat 2 delete", &msg);
	ck_assert_str_eq(o1, "");
	g_free(o1);
	ck_assert_ptr_null(run_cmd(chain, "nat 2 delete", &msg));
	ck_assert_str_eq(msg, "setsockopt(IP_FW_NAT44_DESTROY: 2): No such "
	    "process");
	g_free(msg);
	/* `if IF` needs the host's addresses: none in a bare chain. */
	ck_assert_ptr_null(run_cmd(chain, "nat 3 config if em0", &msg));
	ck_assert_ptr_nonnull(strstr(msg, "em0: no IPv4 address"));
	g_free(msg);
	ipfw_chain_free(chain);
}
END_TEST

/* The nat and fwd mistakes, each naming its word. */
START_TEST(test_nat_config_errors)
{
	static const struct {
		int release;
		const char *line;
		int word;
		const char *msg;
	} bad[] = {
		{ 6, "nat 1 config ip 192.0.2.1", 0, "in-kernel 'nat' is "
		    "ipfw(8) of FreeBSD 7 and later; this host runs release 6" },
		{ 6, "add nat 1 ip from any to any", 1, "in-kernel 'nat'" },
		{ 14, "nat 0 config ip 192.0.2.1", 1, "illegal nat number" },
		{ 14, "nat 1 config ip 192.0.2", 4, "bad ip address" },
		{ 14, "nat 1 config ip", 4, "missing argument for 'ip'" },
		{ 14, "nat 1 config log", 3, "'log' is not modelled" },
		{ 14, "nat 1 config same_port", 3, "unrecognised option" },
		{ 14, "nat 1 config redirect_port tcp 10.0.0.2:80-82 8080", 6,
		    "port ranges must be equal" },
		{ 14, "nat 1 config redirect_port icmp 10.0.0.2:80 8080", 4,
		    "'icmp' is not tcp or udp" },
		{ 14, "nat 1 config redirect_port tcp 10.0.0.2 8080", 5,
		    "is not ADDR:PORT" },
		{ 14, "nat 1 config redirect_port tcp 10.0.0.2:80 8080 "
		    "192.0.2.99", 7, "remote address is not modelled" },
		{ 14, "nat 1 config redirect_port tcp 10.0.0.2:80", 6,
		    "redirect_port: missing argument" },
		{ 14, "nat 1 show", 3, "only 'nat N show config'" },
		{ 14, "nat 1 flush", 2, "unknown nat command 'flush'" },
		{ 14, "add nat global ip from any to any", 2, "'nat global' is "
		    "not modelled" },
		{ 14, "add nat 65535 ip from any to any", 2, "illegal nat "
		    "number" },
		{ 6, "add fwd ip from any to any", 2, "bad forward address "
		    "'ip'" },
		{ 6, "add fwd any ip from any to any", 2, "bad forward "
		    "address" },
		{ 6, "add fwd 10.0.0.1,0 ip from any to any", 2, "bad forward "
		    "port" },
		{ 6, "add fwd 10.0.0.1/24 ip from any to any", 2, "bad forward "
		    "address" },
		{ 6, "add fwd", 2, "missing forward address" },
		{ 14, "add allow udp from any to any keep-state :any", 8,
		    "':any' is only for check-state" },
		{ 6, "add fwd tablearg ip from any to any", 2, "'tablearg' is "
		    "ipfw(8) of FreeBSD 7" },
	};

	for (size_t k = 0; k < G_N_ELEMENTS(bad); k++) {
		gchar **argv = NULL;
		int argc = 0, w = -1;
		GError *err = NULL;

		ck_assert(g_shell_parse_argv(bad[k].line, &argc, &argv, NULL));
		ck_assert_msg(ipfw_cmd_parse_release(bad[k].release, argc,
		    argv, &w, &err) == NULL, "'%s' accepted", bad[k].line);
		ck_assert_msg(strstr(err->message, bad[k].msg) != NULL,
		    "'%s': %s", bad[k].line, err->message);
		ck_assert_msg(w == bad[k].word, "'%s': word %d, not %d",
		    bad[k].line, w, bad[k].word);
		g_error_free(err);
		g_strfreev(argv);
	}
}
END_TEST

START_TEST(test_equal_detects_differences)
{
	struct ipfw_rule *a = parse_rule("add allow udp from any to any 53");
	struct ipfw_rule *b = parse_rule("add allow udp from any to any 54");
	struct ipfw_rule *c = parse_rule("add allow udp from any 53 to any");

	/* The comparison the round trip relies on is not vacuous. */
	ck_assert(!ipfw_rule_equal(a, b));
	ck_assert(!ipfw_rule_equal(a, c));
	ck_assert(ipfw_rule_equal(a, a));
	ipfw_rule_free(a);
	ipfw_rule_free(b);
	ipfw_rule_free(c);
}
END_TEST

static Suite *
ipfw_roundtrip_suite(void)
{
	Suite *s = suite_create("ipfw_roundtrip");
	TCase *tc = tcase_create("ipfw_roundtrip");

	tcase_add_loop_test(tc, test_roundtrip, 0,
	    2 * (int)G_N_ELEMENTS(forms));
	tcase_add_test(tc, test_equal_detects_differences);
	tcase_add_test(tc, test_nat_config_roundtrip);
	tcase_add_test(tc, test_nat_config_errors);
	suite_add_tcase(s, tc);
	return (s);
}

CHECK_MAIN(ipfw_roundtrip_suite())
