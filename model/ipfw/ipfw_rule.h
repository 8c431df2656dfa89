/*
 * struct ipfw_rule: the contract between the parser (ipfw_parse.c), the
 * checker (ipfw_check.c), the chain (ipfw_chain.c), the engine
 * (ipfw_engine.c, ipfw_match.c, ipfw_state.c) and the printer
 * (ipfw_print.c).  Private to the ipfw area (and its unit tests).
 *
 * A rule is compiled, as ipfw(8)'s compile_rule() does, into an array of
 * small match options ("opcodes") that must all hold; the body (protocol,
 * addresses, ports) is compiled into the same array, first, in the order
 * ipfw(8) prints it.  Lists (addresses, port ranges) live in per-rule
 * arrays that options refer to by index, so a rule copies with memcpy.
 */
#ifndef DIVERTSIM_IPFW_RULE_H
#define DIVERTSIM_IPFW_RULE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ipfw/ipfw.h"

#ifdef __cplusplus
extern "C" {
#endif

#define	IPFW_IFNAMSIZ		16	/* IFNAMSIZ, with the NUL */
#define	IPFW_MAX_LIST		15	/* addresses or ranges in one list */
/* List entries of one rule: ipfw_opt.first is 16 bits wide. */
#define	IPFW_MAX_RULE_ENTRIES	65535u
#define	IPFW_RESVD_SET		31	/* set of the default rule */
#define	IPFW_PROB_SCALE		0x7fffffffu	/* as compile_rule() scales */
#define	IPFW_REJECT_RST		0x100u	/* ICMP_REJECT_RST: `reset` */
/* limit masks, ipfw2.c's limit_masks[] (DYN_SRC_ADDR ...) */
#define	IPFW_LIMIT_SRC_ADDR	0x01
#define	IPFW_LIMIT_SRC_PORT	0x02
#define	IPFW_LIMIT_DST_ADDR	0x04
#define	IPFW_LIMIT_DST_PORT	0x08

/* pf_ext bits: which tests besides protocol and addresses a rule has. */
#define	IPFW_PF_DIR	0x01	/* pf_dirs */
#define	IPFW_PF_PORTS	0x02	/* pf_sport_*, pf_dport_* */
#define	IPFW_PF_IFACES	0x04	/* pf_recv, pf_xmit, pf_via */

enum ipfw_act {
	IPFW_ACT_ALLOW,
	IPFW_ACT_DENY,
	IPFW_ACT_UNREACH,	/* reject == unreach host (code 1) */
	IPFW_ACT_COUNT,
	IPFW_ACT_DIVERT,
	IPFW_ACT_TEE,
	IPFW_ACT_SKIPTO,
	IPFW_ACT_CALL,
	IPFW_ACT_RETURN,
	IPFW_ACT_CHECK_STATE,
	IPFW_ACT_REASS,
	IPFW_ACT_NAT,		/* arg: the nat instance (or tablearg) */
	IPFW_ACT_FWD,		/* arg: next hop (host order, or tablearg),
				 * fwd_port */
};

/* Match options; the order of the body ones is the printing order. */
enum ipfw_op {
	IPFW_O_PROTO,		/* u.val: protocol number */
	IPFW_O_SRC_ME,
	IPFW_O_SRC_ADDR,	/* list of struct ipfw_addr */
	IPFW_O_SRC_PORT,	/* list of struct ipfw_range */
	IPFW_O_DST_ME,
	IPFW_O_DST_ADDR,
	IPFW_O_DST_PORT,
	IPFW_O_IN,		/* negated: `out` */
	IPFW_O_RECV,		/* u.ifname */
	IPFW_O_XMIT,
	IPFW_O_VIA,
	IPFW_O_FRAG,
	IPFW_O_IPOPT,		/* u.flags; set == clear == 0: any option */
	IPFW_O_IPLEN,		/* list of struct ipfw_range */
	IPFW_O_IPID,
	IPFW_O_IPTTL,
	IPFW_O_IPTOS,		/* u.flags */
	IPFW_O_ICMPTYPE,	/* u.val: bit i set = type i */
	IPFW_O_DIVERTED,	/* u.val: 1 loopback, 2 output, 3 both */
	IPFW_O_IPVER,		/* u.val: 4 or 6 */
	IPFW_O_TCPFLAGS,	/* u.flags; `setup` is syn,!ack */
	IPFW_O_ESTAB,		/* `established`: ack or rst set */
	IPFW_O_TCPOPTS,		/* u.flags, IP_FW_TCPOPT_* bits */
	IPFW_O_TCPSEQ,		/* u.val */
	IPFW_O_TCPACK,		/* u.val */
	IPFW_O_TCPWIN,		/* list of struct ipfw_range */
	IPFW_O_TCPDATALEN,	/* list of struct ipfw_range */
	IPFW_O_TCPMSS,		/* list of struct ipfw_range */
	IPFW_O_SRC_TABLE,	/* table(N[,V]): first = N, n = 1 when V
				 * (u.val) is given */
	IPFW_O_DST_TABLE,
	IPFW_O_SRC_SET,		/* A/LEN{...}: addrs[first] the base,
				 * the next 8 entries' addr a 256-bit map */
	IPFW_O_DST_SET,
	IPFW_O_TAGGED,		/* list of struct ipfw_range */
	IPFW_O_VERREVPATH,
	IPFW_O_VERSRCREACH,
	IPFW_O_ANTISPOOF,
	IPFW_O_NOPS		/* number of opcodes */
};

struct ipfw_addr {
	uint32_t	addr;		/* host order, already masked */
	uint32_t	mask;		/* host order */
};

struct ipfw_range {
	uint16_t	lo, hi;		/* inclusive */
};

struct ipfw_opt {
	uint8_t		op;		/* enum ipfw_op */
	bool		negate;		/* `not` in front */
	uint16_t	first;		/* index in addrs[] or ranges[] */
	uint16_t	n;		/* number of list entries */
	bool		glob;		/* recv/xmit/via: name has * ? [ */
	bool		or_next;	/* `{ this or the next }` (F_OR) */
	bool		opt_form;	/* an address given as src-ip/dst-ip */
	union {
		uint32_t val;
		struct {
			uint8_t set, clear;
		} flags;
		char	 ifname[IPFW_IFNAMSIZ];
	} u;
};

struct ipfw_rule {
	uint32_t	 rulenum;	/* 0 in a parsed rule: auto-number */
	uint32_t	 set;
	double		 prob;		/* as given; 1 = always */
	uint32_t	 prob_x;	/* prob * IPFW_PROB_SCALE, as ipfw does */
	enum ipfw_act	 action;
	uint32_t	 arg;		/* port, target rule or ICMP code */
	int		 release;	/* the ipfw(8) it was written for (6,
					 * 14): its printing style */
	/* (Fields ordered to leave no holes: a chain of a big world holds
	 * two rules a host.) */
	bool		 log;
	bool		 keep_state;
	bool		 untag;
	/* `tablearg` in place of the action's argument / the tag: the
	 * value of the rule's last successful table lookup (release 14). */
	bool		 arg_targ, tag_targ;
	/* `limit MASK... N` (keep_state is set too): at most limit_n
	 * states per value of the masked flow fields. */
	uint8_t		 limit_mask;	/* IPFW_LIMIT_* */
	uint16_t	 tag;		/* tag N / untag N (1..65534); 0: none */
	uint16_t	 fwd_port;	/* fwd A,PORT; 0: none */
	uint32_t	 logamount;	/* log logamount N; 0: none given */
	uint32_t	 log_left;	/* lines still allowed (logamount) */
	uint32_t	 limit_n;
	/* The rule's own copy (ipfw_rule_clone() duplicates it), not
	 * interned: glib's quark table never shrinks, so every distinct
	 * comment parsed would stay for good; NULL when absent. */
	char		*comment;	/* `// text` */
	/* Interned (g_intern_string()): states and lookups compare flow
	 * names by pointer; NULL when absent. */
	const char	*flow;		/* keep-state/check-state :name */

	struct ipfw_opt	*opts;
	unsigned	 n_opts;
	unsigned	 n_addrs;
	struct ipfw_addr *addrs;
	struct ipfw_range *ranges;
	unsigned	 n_ranges;

	/*
	 * Owned by the chain: a quick rejection test derived from the body
	 * when the rule is installed (ipfw_rule_prefilter()).  A packet
	 * fails it only if the full match would fail too.  It is left open
	 * (all zero) on rules with prob, whose draw must happen whatever
	 * the body says; a keep-state rule's applies only once the walk's
	 * state lookup has answered (ipfw_chk()).
	 */
	uint8_t		 pf_proto;	/* 0: any protocol */
	uint8_t		 pf_ext;	/* IPFW_PF_*; 0: none of the below */
	uint8_t		 pf_dirs;	/* 1 << enum ipfw_dir allowed */
	uint32_t	 pf_src_mask, pf_src_addr;	/* mask 0: any */
	uint32_t	 pf_dst_mask, pf_dst_addr;
	/* Ports p with p - lo <= span (unsigned); a packet without ports
	 * has port 0x10000, outside every list.  span UINT32_MAX: any. */
	uint32_t	 pf_sport_lo, pf_sport_span;
	uint32_t	 pf_dport_lo, pf_dport_span;
	/* Interface keys (ipfw_ifkey()) under all-ones or zero masks. */
	uint64_t	 pf_recv, pf_recv_m, pf_xmit, pf_xmit_m, pf_via, pf_via_m;

	/* Owned by the chain. */
	uint64_t	 packets;
	uint64_t	 bytes;
	unsigned	 index;		/* position in the chain */
};

/* What ipfw_cmd_parse() returns; private so that tests can see the rule. */
enum ipfw_cmd_kind {
	IPFW_CMD_ADD,
	IPFW_CMD_DELETE,
	IPFW_CMD_FLUSH,
	IPFW_CMD_ZERO,
	IPFW_CMD_SHOW,
	IPFW_CMD_LIST,
	IPFW_CMD_FILE,		/* ipfw [-q] [-p CMD ...] FILE */
	IPFW_CMD_TABLE,		/* table N create|add|delete|flush|list */
	IPFW_CMD_NAT,		/* nat N config|delete|show config */
};

enum ipfw_nat_op { IPFW_NAT_CONFIG, IPFW_NAT_DELETE, IPFW_NAT_SHOW };
struct ipfw_nat_cfg;

enum ipfw_table_op {
	IPFW_TABLE_CREATE, IPFW_TABLE_ADD, IPFW_TABLE_DELETE,
	IPFW_TABLE_FLUSH, IPFW_TABLE_LIST,
};

struct ipfw_cmd {
	enum ipfw_cmd_kind kind;
	bool		 quiet;		/* -q */
	bool		 dynamic;	/* -d: show/list the states too */
	struct ipfw_rule *rule;		/* add */
	uint32_t	*nums;		/* delete, zero */
	unsigned	 n_nums;
	/* file: one command per non-empty line, NULL-terminated */
	char		*file;		/* as written in the command */
	struct ipfw_cmd	**sub;
	unsigned	*sub_line;	/* line number of each sub command */
	unsigned	 n_sub;
	/* table */
	int		 release;
	enum ipfw_table_op table_op;
	uint32_t	 table;
	uint32_t	 t_addr;	/* host order, masked */
	uint8_t		 t_plen;
	uint32_t	 t_value;
	/* nat: the instance (0 in `nat show config`: all of them) */
	enum ipfw_nat_op nat_op;
	uint32_t	 nat_id;
	struct ipfw_nat_cfg *nat;	/* config */
};

/* Rule storage (ipfw_chain.c). */
struct ipfw_rule *ipfw_rule_new(void);
struct ipfw_rule *ipfw_rule_clone(const struct ipfw_rule *rule);
void		 ipfw_rule_free(struct ipfw_rule *rule);
/* Same rule text-wise: everything but counters, index and set. */
bool		 ipfw_rule_equal(const struct ipfw_rule *a,
		    const struct ipfw_rule *b);
/* Fill the rule's pf_* quick-rejection fields from its options. */
void		 ipfw_rule_prefilter(struct ipfw_rule *rule);
/* The quick rejection's key of an interface name: its first 8 bytes,
 * zero-padded; 0 for none (a name is never empty). */
static inline uint64_t
ipfw_ifkey(const char *name)
{
	uint64_t k = 0;

	if (name != NULL)
		memcpy(&k, name, strnlen(name, sizeof(k)));
	return (k);
}
/* Clear them (tests: the full match alone). */
void		 ipfw_rule_prefilter_open(struct ipfw_rule *rule);
/* The option of a given opcode, or NULL. */
const struct ipfw_opt *ipfw_rule_find_opt(const struct ipfw_rule *rule,
		    enum ipfw_op op);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_RULE_H */
