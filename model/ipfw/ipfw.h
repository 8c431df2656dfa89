/*
 * The firewall's public face: what the IPv4 hook, the scenario layer and the
 * reports use.  Parsing (ipfw_parse.c), checking (ipfw_check.c), the chain
 * (ipfw_chain.c), the engine (ipfw_engine.c, ipfw_match.c, ipfw_state.c) and
 * printing (ipfw_print.c) live behind it; struct ipfw_rule (ipfw_rule.h) is
 * the contract between them.  The engine never sees text and the parser
 * never sees packets.
 */
#ifndef DIVERTSIM_IPFW_H
#define DIVERTSIM_IPFW_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ipfw_chain;
struct ipfw_cmd;
struct ipfw_rule;
struct ipfw_tables;

#define	IPFW_DEFAULT_RULE	65535u
#define	IPFW_MAX_RULENUM	65534u
#define	IPFW_AUTOINC_STEP	100u
#define	IPFW_CALLSTACK_SIZE	16

/* ---- chain ------------------------------------------------------------ */

/*
 * A chain holding only the default rule.  seed feeds `prob`: a host passes
 * sim_rng_stream_seed(scenario seed, host name).
 */
struct ipfw_chain *ipfw_chain_new(uint64_t seed);
void		 ipfw_chain_free(struct ipfw_chain *chain);
/* net.inet.ip.fw.default_to_accept: the default rule's action. */
void		 ipfw_chain_set_default_accept(struct ipfw_chain *chain, bool on);
/* Number of rules including the default rule. */
unsigned	 ipfw_chain_count(const struct ipfw_chain *chain);
/* Whether any rule other than the default one is installed. */
bool		 ipfw_chain_has_rules(const struct ipfw_chain *chain);
/* Sum of packet/byte counters of every rule numbered num. */
void		 ipfw_chain_counters(const struct ipfw_chain *chain,
		    uint32_t num, uint64_t *packets, uint64_t *bytes);
/* Whether a rule numbered num is installed. */
bool		 ipfw_chain_has_number(const struct ipfw_chain *chain,
		    uint32_t num);
/* Calls fn for each distinct rule number present (ascending, with 65535). */
void		 ipfw_chain_foreach_number(const struct ipfw_chain *chain,
		    void (*fn)(void *ctx, uint32_t num), void *ctx);

/* ---- ipfw(8) command lines ------------------------------------------ */

/*
 * An ipfw(8) command line, argv[0] being the first word after "ipfw":
 * [-q] add [NUM] [set N] [prob P] ACTION [log] BODY | delete NUM... |
 * flush | zero [NUM...] | show | list.
 * On error returns NULL, sets *err (domain IPFW_ERROR) and *bad_word to the
 * index in argv of the word at fault (argc when a word is missing at the
 * end).  No packet, chain or host state is touched.
 */
struct ipfw_cmd	*ipfw_cmd_parse(int argc, char *const argv[], int *bad_word,
		    GError **err);
/*
 * The same for the ipfw(8) of a release (6 or 14): a keyword newer than
 * the release is refused with that reason, and rules print in the
 * release's style.  ipfw_cmd_parse() is release 6, the model's base.
 */
struct ipfw_cmd	*ipfw_cmd_parse_release(int release, int argc,
		    char *const argv[], int *bad_word, GError **err);
/*
 * Rule files, as ipfw(8)'s ipfw_readfile(): whether the words after "ipfw"
 * are `[-q] [-f] FILE` or `[-q] -p m4|cpp [-Dname[=value]|-Uname]... FILE`
 * (FILE relative to basedir, which may be NULL), and the file read into one
 * command whose lines run in order.  Errors as ipfw_cmd_parse(), naming
 * the file's line ("rules.fw: line 3: unknown action 'alow' (at 'alow')").
 */
bool		 ipfw_cmd_is_file(int argc, char *const argv[],
		    const char *basedir);
struct ipfw_cmd	*ipfw_file_parse(int release, int argc, char *const argv[],
		    const char *basedir, int *bad_word, GError **err);
void		 ipfw_cmd_free(struct ipfw_cmd *cmd);
/* Whether the command adds a divert or tee rule. */
bool		 ipfw_cmd_uses_divert(const struct ipfw_cmd *cmd);
/* The action word when the command adds a rule whose action FreeBSD 6's
 * ipfw does not have (call, return, reass), else NULL. */
const char	*ipfw_cmd_modern_action(const struct ipfw_cmd *cmd);
/*
 * Carry the command out on chain. Text that ipfw(8) would print (show, list,
 * add without -q echoes the rule as ipfw does) is appended to out (may be
 * NULL). Errors as ipfw(8) reports them (e.g. deleting a missing rule,
 * a rule number above 65534 after auto-increment) return false with *err.
 * Nothing is half-done: on error the chain is unchanged (a rule file stops
 * at its failing line, the lines before it staying applied, as ipfw(8)).
 */
/* The time `ipfw -d show` measures the states' lifetimes against. */
void		 ipfw_chain_set_now(struct ipfw_chain *chain, uint64_t now_ns);
/* net.inet.ip.fw.autoinc_step, kept within 1..1000 as add_rule() does. */
void		 ipfw_chain_set_autoinc_step(struct ipfw_chain *chain,
		    uint32_t step);
bool		 ipfw_cmd_exec(struct ipfw_chain *chain,
		    const struct ipfw_cmd *cmd, GString *out, GError **err);

/*
 * `ipfw nat N config if IF`: the interface's first IPv4 address (host
 * order), false when it has none; the host's, given by ipfw_attach().
 */
void		 ipfw_chain_set_ifaddr(struct ipfw_chain *chain,
		    bool (*ifaddr)(const void *ctx, const char *ifname,
		    uint32_t *addr), const void *ctx);

/* ipfw_nat()'s outcomes (ip_fw_nat.c): IP_FW_NAT, or IP_FW_DENY. */
enum ipfw_nat_result {
	IPFW_NAT_DONE,		/* translated or left alone: goes on */
	IPFW_NAT_NOINSTANCE,	/* no `nat N config` for N: denied */
	IPFW_NAT_DENY_IN,	/* incoming, ignored, deny_in: dropped */
	IPFW_NAT_UNRESOLVED,	/* incoming fragment not resolved: dropped */
};
/*
 * ipfw_nat(): translate the datagram at buf (len bytes, changed in place,
 * its length never changes) through instance id, LibAliasIn() on the IN
 * pass and LibAliasOut() on the OUT pass.
 */
enum ipfw_nat_result ipfw_nat(struct ipfw_chain *chain, uint32_t id,
		    bool incoming, uint8_t *buf, size_t len);

/* `ipfw show` (counters=true) or `ipfw list` of the whole chain. */
void		 ipfw_chain_print(const struct ipfw_chain *chain, bool counters,
		    GString *out);

#define	IPFW_ERROR	(ipfw_error_quark())
GQuark		 ipfw_error_quark(void);
/* The codes of ipfw_cmd_parse()'s errors that name an unknown word. */
enum ipfw_error_code {
	IPFW_ERR_OTHER = 0,
	IPFW_ERR_UNKNOWN_COMMAND,
	IPFW_ERR_UNKNOWN_ACTION,
	IPFW_ERR_UNKNOWN_OPTION,
	IPFW_ERR_NOT_MODELLED,	/* valid ipfw(8) of FreeBSD 14, not modelled */
};
/* The words the parser knows for an unknown word of that kind (borrowed
 * strings appended to names), for "did you mean". */
void		 ipfw_keyword_names(enum ipfw_error_code kind,
		    GPtrArray *names);

/* ---- the engine: ipfw_chk() ------------------------------------------ */

enum ipfw_dir { IPFW_DIR_IN, IPFW_DIR_OUT };

/*
 * Everything ipfw_chk() needs about one packet, dissected once by the
 * caller through ipfw_args_dissect() before the rule walk.  All addresses
 * and ports are in host byte order.
 */
struct ipfw_args {
	/* --- filled by the caller ---------------------------------------- */
	enum ipfw_dir	 dir;
	/*
	 * Set by ipfw_chk() when a dynamic state matches (only then, off
	 * the common path; in the padding after dir, so args grow not): 1 +
	 * the index of the check-state or keep-state rule whose lookup found
	 * it, on_match getting the state's rule.  --why reads it and sets it
	 * back to 0.
	 */
	uint32_t	 state_found_at;
	const char	*rcvif;		/* receive interface name or NULL */
	const char	*oif;		/* transmit interface name (OUT pass) */
	const uint8_t	*pkt;		/* IPv4 header (borrowed) */
	uint32_t	 pkt_len;	/* bytes at pkt */
	/* Re-entry: start after `tag` (when has_tag), at `slot` (has_slot),
	 * else at rule 1. */
	bool		 has_tag, has_slot;
	uint32_t	 tag;
	uint32_t	 slot;
	/* Release 14's call stack, kept by the caller across passes (NULL:
	 * a stack for this walk only); depth in *callsp. */
	uint16_t	*callstack;
	uint8_t		*callsp;
	/* The packet's ipfw tags (`tag N`), max_tags room; NULL: none kept
	 * (tag/untag do nothing, tagged never matches). */
	uint16_t	*tags;
	uint8_t		*ntags;
	uint8_t		 max_tags;
	/* Set during ipfw_chk(): the value of the last successful table(N)
	 * lookup, for `tablearg`. */
	uint32_t	 tablearg;
	bool		 tag_is_divert;	/* came from a divert socket write */
	bool		 tag_divert_out; /* ...written as outgoing */
	int		 release;	/* 6 or 14: tag 65535 semantics */
	uint64_t	 now_ns;	/* for keep-state lifetimes */
	/* `me`: whether addr is one of the host's addresses. */
	bool		(*is_me)(const void *ctx, uint32_t addr);
	const void	*me_ctx;
	/*
	 * verify_path() of the host's routes, on me_ctx: whether the route
	 * to addr leaves by interface ifname (ifname NULL: whether a route
	 * other than the default one exists).  NULL: never verified.
	 */
	bool		(*verify_path)(const void *ctx, uint32_t addr,
			    const char *ifname);
	/* in_localaddr(): addr is on a network of one of the interfaces. */
	bool		(*is_local_net)(const void *ctx, uint32_t addr);
	/* Called for every rule that matches (count rules too), before its
	 * action is applied; may be NULL. */
	void		(*on_match)(void *ctx, const struct ipfw_rule *rule,
			    const struct ipfw_args *args);
	void		*match_ctx;

	/* --- filled by ipfw_args_dissect() -------------------------------- */
	uint8_t		 proto;
	uint32_t	 src, dst;
	uint16_t	 sport, dport;	/* valid when has_ports */
	bool		 has_ports;	/* TCP/UDP, offset 0, long enough */
	uint8_t		 tcp_flags;	/* th_flags, valid when TCP has_ports */
	uint8_t		 icmp_type;	/* valid when has_icmp_type */
	bool		 has_icmp_type;
	uint16_t	 frag_off;	/* offset in 8-byte units */
	bool		 more_frags;	/* MF */
	uint16_t	 ip_len;
	uint16_t	 ip_id;
	uint8_t		 ip_ttl, ip_tos;
	bool		 has_ipoptions;	/* header longer than 20 bytes */
	/* TCP, offset 0, the whole 20-byte header present (as has_ports). */
	bool		 has_tcp;
	uint8_t		 tcp_hlen;	/* th_off * 4 */
	uint16_t	 tcp_win;
	uint32_t	 tcp_seq, tcp_ack;
	/* --- set by ipfw_chk() ---------------------------------------- */
	const struct ipfw_tables *tables;	/* for table(N) */
};

/* Fill the dissected fields of args from args->pkt / pkt_len. */
void		 ipfw_args_dissect(struct ipfw_args *args);

enum ipfw_verdict_kind {
	IPFW_V_PASS,		/* accept the packet */
	IPFW_V_DENY,		/* drop it (deny, or keep-state failure, ...) */
	IPFW_V_REJECT,		/* drop it; send ICMP unreach when send_icmp */
	IPFW_V_DIVERT,		/* hand it to divert port `port`, tag rulenum */
	IPFW_V_TEE,		/* hand a copy to `port`; then see the hook */
	IPFW_V_REASS,		/* reassemble, then continue at next_slot */
	IPFW_V_NAT,		/* ipfw_nat() with instance nat_id, then pass
				 * (one_pass) or continue at next_slot */
};

struct ipfw_verdict {
	enum ipfw_verdict_kind kind;
	uint32_t	 rulenum;	/* number of the deciding rule */
	uint32_t	 next_slot;	/* index of the rule after it (tee, reass) */
	uint16_t	 port;		/* divert / tee */
	bool		 send_icmp;	/* reject/unreach: an ICMP should go out */
	bool		 send_rst;	/* reset: a TCP RST should go out */
	uint8_t		 icmp_code;	/* ...ICMP_UNREACH code */
	uint32_t	 nat_id;	/* nat: the instance */
	/* PASS by `fwd`: the next hop (host order) and port (0: none). */
	bool		 fwd;
	uint32_t	 fwd_addr;
	uint16_t	 fwd_port;
	const struct ipfw_rule *rule;	/* deciding rule (NULL: none) */
};

/*
 * ipfw_chk(): walk the chain for one packet and decide.  Updates the
 * counters of every matching rule.  Start point per args (tag: first rule
 * numbered above it; release 6 treats tag >= 65535 as DENY as FreeBSD 6's
 * ipfw_chk() did).
 */
void		 ipfw_chk(struct ipfw_chain *chain, struct ipfw_args *args,
		    struct ipfw_verdict *v);

/* A rule's number, and its action as `ipfw list` prints it ("divert 8668"). */
uint32_t	 ipfw_rule_number(const struct ipfw_rule *rule);
void		 ipfw_rule_action_str(const struct ipfw_rule *rule, GString *out);
/* The whole rule as `ipfw list` prints it, without the number. */
void		 ipfw_rule_body_str(const struct ipfw_rule *rule, GString *out);
/* Whether the rule carries `log`. */
bool		 ipfw_rule_has_log(const struct ipfw_rule *rule);
/*
 * ipfw_log()'s budget (`log logamount N`), taken when a line is about to
 * be logged: 0 nothing may be logged any more, 1 log it, 2 log it and
 * then "limit N reached".  `zero` gives the budget back.
 */
int		 ipfw_rule_log_take(const struct ipfw_rule *rule);
uint32_t	 ipfw_rule_logamount(const struct ipfw_rule *rule);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_H */
