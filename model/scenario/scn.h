/*
 * A parsed scenario: the records scn_parse() produces from a file and
 * scn_build() turns into a world.  Parsing touches no simulation state.
 * Every record keeps its source position for diagnostics.
 */
#ifndef DIVERTSIM_SCN_H
#define DIVERTSIM_SCN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Defaults of a `link` and of a `divert` process (scenario-language.md). */
#define	LINK_DEFAULT_RATE_BPS		100000000ull	/* 100Mbps */
#define	LINK_DEFAULT_DELAY_NS		1000000ull	/* 1ms */
#define	LINK_DEFAULT_MTU		1500u
#define	LINK_DEFAULT_QUEUE		100u		/* packets */
#define	DIVERT_DEFAULT_SERVICE_NS	10000ull	/* 10us */
#define	DIVERT_DEFAULT_RCVBUF		65636u

struct ipfw_cmd;
struct scn_source;

/* Where a word came from: 1-based line and column. */
struct scn_pos {
	unsigned	 line;
	unsigned	 col;
};

/* One logical line split into words as a POSIX shell splits them. */
struct scn_words {
	unsigned	 argc;
	char		**argv;		/* NULL-terminated */
	struct scn_pos	*pos;		/* pos[i] for argv[i]; pos[argc] = end */
	char		*text;		/* the physical line(s), for carets */
	unsigned	 line;		/* first physical line */
	size_t		 off;		/* byte offset of the line in the file */
};

enum scn_host_cmd_kind {
	SCN_IFCONFIG_ADDR,	/* ifconfig IF inet A/P [alias] */
	SCN_IFCONFIG_MTU,	/* ifconfig IF mtu N */
	SCN_ROUTE_ADD,		/* route add default|NET/PLEN|-host A GW */
	SCN_SYSCTL,		/* sysctl NAME=VALUE */
	SCN_IPFW,		/* ipfw ... */
	SCN_DIVERT,		/* divert PORT PROGRAM [ARGS] [-u] [-t] [-b] */
	SCN_LISTEN_UDP,		/* listen udp PORT [echo] */
	SCN_PING,		/* ping ... DEST */
	SCN_SEND_UDP,		/* send udp DEST:PORT ... */
	SCN_LISTEN_TCP,		/* listen tcp PORT [echo|discard|sink] [-r] */
	SCN_CONNECT_TCP,	/* connect tcp DEST:PORT [-b] [-n] [-i] [-r] */
};

enum scn_sysctl {
	SYSCTL_FORWARDING,
	SYSCTL_FW_ENABLE,
	SYSCTL_FW_ONE_PASS,
	SYSCTL_FW_VERBOSE,
	SYSCTL_FW_DEFAULT_TO_ACCEPT,
	SYSCTL_ICMPLIM,		/* net.inet.icmp.icmplim: 0..1000000 */
	SYSCTL_FW_AUTOINC_STEP,
};

/*
 * Allocated only as long as the union member of its kind needs
 * (scn_parse.c): a generated host has several, kept until the world holds
 * them.
 */
struct scn_host_cmd {
	enum scn_host_cmd_kind kind;
	unsigned	 w0;		/* index of the command's first word */
	/*
	 * The words (borrowed from the file) while parsing; NULL afterwards
	 * for the time-0 commands of a host, whose lines are not kept:
	 * scn_cmd_words() lexes the line again from the file for a message.
	 */
	struct scn_words *w;
	unsigned	 argc;		/* words on its line */
	unsigned	 line;		/* first physical line */
	size_t		 off;		/* byte offset of the line */
	union {
		struct { char *ifname; uint32_t addr; uint8_t plen;
			 bool alias; } ifaddr;
		struct { char *ifname; uint32_t mtu; } ifmtu;
		struct { uint32_t dst; uint8_t plen; uint32_t gw; } route;
		struct { enum scn_sysctl name; int64_t value; } sysctl;
		struct { struct ipfw_cmd *cmd; } ipfw;
		struct { uint16_t port; char *program;
			 int argc; char **argv;	/* program args */
			 unsigned argv_w0;	/* word index of argv[0] */
			 uint32_t uid; uint64_t service_ns;
			 uint32_t rcvbuf; } divert;
		struct { uint16_t port; bool echo;
			 uint8_t mode;	/* enum app_tcp_mode (tcp) */
			 bool rst; } listen;
		struct { uint32_t dst; uint16_t dport; uint64_t bytes;
			 uint32_t count; uint64_t interval_ns; bool rst;
		       } connect;	/* connect tcp */
		struct { uint32_t dst; uint16_t dport; uint32_t count;
			 uint64_t interval_ns; uint32_t size; bool df;
			 uint8_t ttl; uint16_t sport; /* 0: ephemeral */
		       } traffic;	/* ping and send udp */
	} u;
};

enum scn_op { SCN_EQ, SCN_NE, SCN_LT, SCN_LE, SCN_GT, SCN_GE };

struct scn_expect {
	char		*counter;
	enum scn_op	 op;
	uint64_t	 value;
	char		*text;		/* "gw.divert.8668.read == 6" as written */
	struct scn_pos	 pos;		/* of the counter word */
};

struct scn_link {
	char		*a, *ifa, *b, *ifb;
	uint64_t	 rate_bps, delay_ns;
	uint32_t	 mtu, queue;
	struct scn_pos	 pos;
};

struct scn_host {
	char		*name;
	/* NULL once the build used them up (run_opts.consume_cmds). */
	GPtrArray	*cmds;		/* struct scn_host_cmd *, time 0, in order */
	GPtrArray	*ifnames;	/* char *, in order of first mention */
	struct scn_pos	 pos;
	int		 release;	/* 6 or 14 */
	bool		 no_ipdivert;
	bool		 parse_errors;	/* a line of it was rejected: what
					   the world lacks follows from it */
};

struct scn_at {
	uint64_t	 t_ns;
	char		*host;
	struct scn_host_cmd *cmd;
	unsigned	 seq;		/* file order, breaks ties */
};

struct scenario {
	char		*path;		/* as given */
	char		*name;		/* base name without .scn */
	char		*title;
	uint32_t	 seed;		/* default 1 */
	unsigned	 loop_limit;	/* default 64 */
	GPtrArray	*hosts;		/* struct scn_host *, declaration order */
	GHashTable	*host_index;	/* name -> struct scn_host * */
	GPtrArray	*links;		/* struct scn_link * */
	GPtrArray	*ats;		/* struct scn_at *, file order */
	GPtrArray	*expects;	/* struct scn_expect * */
	bool		 has_run;
	uint64_t	 run_until_ns;	/* 0: until no event is pending */
	/*
	 * struct scn_words *, owned: the lines of `at` and `expect`, whose
	 * words the run and the checks use.  The others are dropped once
	 * parsed (a host's lines cost several times their text); messages
	 * about them lex their line again (scn_cmd_words()).
	 */
	GPtrArray	*lines;
	unsigned	 nlines;	/* logical lines the file had */
	struct scn_source *src;		/* where those lines are read again */
	unsigned	 parse_errors;	/* reported while parsing */
};

/*
 * Parse the file at path. On failure returns NULL and prints every error to
 * errout as FILE:LINE:COLUMN: error: MESSAGE, the line, and a caret under
 * the word; *nerrors is set to the count.
 */
struct scenario	*scn_parse_file(const char *path, FILE *errout,
		    unsigned *nerrors);
/* The same from a string (tests); path names it in messages. */
struct scenario	*scn_parse_string(const char *path, const char *text,
		    FILE *errout, unsigned *nerrors);
/*
 * The same, reporting through d (scenario/diag.h) and returning the
 * scenario even when it has errors (d->errors > 0): the lines that parsed
 * are recorded, the others left out, so that scn_build_diag() can report
 * the build's errors in the same round.  NULL only when the file cannot be
 * read.
 */
struct diag;
struct scenario	*scn_parse_file_diag(const char *path, struct diag *d);
struct scenario	*scn_parse_text_diag(const char *path, const char *text,
		    struct diag *d);
void		 scn_free(struct scenario *s);
/*
 * Free what the build no longer needs (scn_build.c, when the caller lets
 * it): a host's interface names once its interfaces exist, its commands
 * once they ran (both arrays become NULL), a link once it exists (its
 * slot becomes NULL), then the list of links.
 */
void		 scn_host_drop_ifnames(struct scn_host *h);
void		 scn_host_drop_cmds(struct scn_host *h);
void		 scn_drop_link(struct scenario *s, unsigned i);	/* to NULL */
void		 scn_drop_links(struct scenario *s);
/*
 * The words of c's line, for a message: c->w when kept, otherwise the line
 * lexed again from the file's text (read again from the file when it was
 * not kept).  Valid until the next call for s.  If the file has changed
 * since, words without text at c's line (a message without its source).
 */
const struct scn_words *scn_cmd_words(const struct scenario *s,
		    const struct scn_host_cmd *c);
struct scn_host	*scn_find_host(const struct scenario *s, const char *name);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_SCN_H */
