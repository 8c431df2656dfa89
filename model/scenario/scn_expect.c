/*
 * Expectations: which counter names a world can have, and the pass/fail
 * evaluation printed at the end of a run.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "net/host.h"
#include "ipfw/ipfw.h"
#include "net/if.h"
#include "netinet/ip_drop.h"
#include "scenario/diag.h"
#include "scenario/scn_build.h"
#include "sim/counters.h"

/* The errno names a sendto(2) on a divert socket can count, and the
 * others of FreeBSD's errno(2): a name outside it is a typo. */
static const char *const errno_names[] = {
	"EACCES", "EADDRNOTAVAIL", "EAFNOSUPPORT", "EDESTADDRREQ",
	"EHOSTDOWN", "EHOSTUNREACH", "EINVAL", "EMSGSIZE", "ENETDOWN",
	"ENETUNREACH", "ENOBUFS", "ENOMEM", "ENOTCONN", "EPERM", "EADDRINUSE",
	"EAGAIN", "EBADF", "ECONNREFUSED", "EEXIST", "EFAULT", "EINTR", "EIO",
	"EISCONN", "ENOENT", "ENOPROTOOPT", "ENOSPC", "ENOTSOCK", "EOPNOTSUPP",
	"EPIPE", "EPROTONOSUPPORT", "EPROTOTYPE", "ERANGE", "ETIMEDOUT",
	"EWOULDBLOCK", NULL
};

/* The per-port divert counters (divert_queue.c registers them). */
static const char *const divert_port_fields[] = {
	"read", "written", "dropped_full", "write_errors", "loops",
	"discarded", "errno", NULL
};

/* Counters that exist from the first moment a rule, port, socket or
 * program exists: the dynamic shapes. */
static const char *const families[] = {
	"ip", "udp", "icmp", "ping", "ipfw", "divert", "if", "tcp", NULL
};

/* HOST.tcp.NAME (netstat -s -p tcp), made on the host's first TCP use,
 * and the per-connection HOST.tcp.conn.N.FIELD. */
static const char *const tcp_names[] = {
	"connattempt", "accepts", "connects", "drops", "conndrops", "closed",
	"timeoutdrop", "rexmttimeo", "delack", "sndtotal", "sndpack",
	"sndbyte", "sndrexmitpack", "sndrexmitbyte", "sndacks", "sndctrl",
	"sndrst", "rcvtotal", "rcvpack", "rcvbyte", "rcvduppack",
	"rcvdupbyte", "rcvpartduppack", "rcvoopack", "rcvoobyte",
	"rcvdupack", "rcvackpack", "rcvackbyte", "badsum", "rcvbadoff",
	"rcvshort", "noport", "mturesent", "fastrexmit", NULL
};
/* lint --counters lists the per-connection names up to this many. */
#define	TCP_CONNS_LISTED	64
static const char *const tcp_conn_fields[] = {
	"sndbyte", "rcvbyte", "rexmit", "time_us", "established", NULL
};

/* Host counters whose slot is made at their first increment. */
static const char *const host_dynamic[] = {
	"divert.noport", "divert.disabled", "divert.badsum",
	"ping.sent", "ping.received", "ping.duplicates",
	"ip.badaddr", "icmp.noroute", "icmp.tooshort",
	"udp.hdrops", "udp.badlen", "udp.noportbcast", NULL
};

static bool
all_digits(const char *s, size_t n)
{

	if (n == 0 || n > 5)
		return (false);
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return (false);
	return (true);
}

/*
 * Whether rule n digits at s names is in h's chain once the time-0
 * commands ran (the build checks expectations then): the facts hold only
 * what `at` lines add.  "%u" spelling only, as the facts' keys.
 */
static bool
rule_at_time0(const struct host *h, const char *s, size_t n)
{
	uint32_t num = 0;

	if (h->fw == NULL || s[0] == '0')
		return (false);
	for (size_t i = 0; i < n; i++)
		num = num * 10 + (uint32_t)(s[i] - '0');
	return (ipfw_chain_has_number(h->fw, num));
}

struct rule_names {
	GPtrArray	*out;
	const char	*host;
};

static void
rule_names_one(void *arg, uint32_t num)
{
	struct rule_names *a = arg;

	g_ptr_array_add(a->out, g_strdup_printf("%s.ipfw.%u.packets",
	    a->host, num));
	g_ptr_array_add(a->out, g_strdup_printf("%s.ipfw.%u.bytes", a->host,
	    num));
}

static char *
host_key(const char *host, const char *rest, size_t n)
{

	return (g_strdup_printf("%s:%.*s", host, (int)n, rest));
}

/* The registered name closest to name, for "did you mean". */
static const char *
closest_counter(const struct world *w, const char *name, GPtrArray *names)
{
	struct diag_suggest sg;

	(void)w;
	diag_suggest_init(&sg, name);
	for (guint i = 0; i < names->len; i++)
		diag_suggest_offer(&sg, g_ptr_array_index(names, i));
	return (diag_suggest_best(&sg));
}

static int
fail(char **msg, int level, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static int
fail(char **msg, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return (level);
}

int
scn_counter_check(const struct world *w, const char *name, char **msg)
{
	const struct scn_counter_facts *f = world_counter_facts(w);
	GPtrArray *names;
	const char *dot, *rest, *p2, *p3, *best;
	struct host *h;
	struct diag_suggest sg;
	char *host, *key, dym[160];
	bool exists, bound;
	size_t n;
	int rc;

	*msg = NULL;
	(void)counters_get(world_counters(w), name, &exists);
	dot = strchr(name, '.');
	if (dot == NULL)
		return (fail(msg, SCN_COUNTER_ERROR, "bad counter name '%s'",
		    name));
	host = g_strndup(name, (gsize)(dot - name));
	rest = dot + 1;
	h = world_host(w, host);
	/* Every name, sorted: only for a suggestion (a million hosts have
	 * tens of millions of names). */
	names = NULL;
	rc = SCN_COUNTER_OK;
	if (strcmp(host, "sim") != 0 && h == NULL) {
		names = counters_names(world_counters(w));
		diag_suggest_init(&sg, host);
		for (guint i = 0; i < names->len; i++) {
			const char *c = g_ptr_array_index(names, i);

			if (strncmp(c, "sim.", 4) != 0) {
				/* offer each host name once: its first counter */
				char *hn = g_strndup(c, strcspn(c, "."));

				diag_suggest_offer(&sg, world_host(w, hn) != NULL ?
				    world_host(w, hn)->name : NULL);
				g_free(hn);
			}
		}
		rc = fail(msg, SCN_COUNTER_ERROR, "unknown host '%s' in counter "
		    "'%s'%s", host, name, diag_did_you_mean(
		    diag_suggest_best(&sg), dym, sizeof(dym)));
		goto out;
	}
	p2 = strchr(rest, '.');
	n = p2 != NULL ? (size_t)(p2 - rest) : strlen(rest);
	if (h != NULL && strncmp(rest, "ipfw.", 5) == 0 &&
	    (p3 = strchr(rest + 5, '.')) != NULL &&
	    all_digits(rest + 5, (size_t)(p3 - rest - 5))) {
		/* HOST.ipfw.NUM.packets|bytes: NUM must be added by a line. */
		if (strcmp(p3 + 1, "packets") != 0 &&
		    strcmp(p3 + 1, "bytes") != 0) {
			static const char *const fl[] = { "packets", "bytes",
			    NULL };

			rc = fail(msg, SCN_COUNTER_ERROR, "unknown counter '%s' "
			    "(HOST.ipfw.NUM.packets or .bytes)%s", name,
			    diag_did_you_mean(diag_suggest_list(p3 + 1, fl),
			    dym, sizeof(dym)));
			goto out;
		}
		key = host_key(host, rest + 5, (size_t)(p3 - rest - 5));
		if (!g_hash_table_contains(f->rules, key) &&
		    !rule_at_time0(h, rest + 5, (size_t)(p3 - rest - 5)))
			rc = fail(msg, SCN_COUNTER_ERROR, "counter '%s': no "
			    "line of this file adds a rule %.*s on host '%s'",
			    name, (int)(p3 - rest - 5), rest + 5, host);
		g_free(key);
		goto out;
	}
	if (h != NULL && strncmp(rest, "divert.", 7) == 0 &&
	    (p3 = strchr(rest + 7, '.')) != NULL &&
	    all_digits(rest + 7, (size_t)(p3 - rest - 7))) {
		/* HOST.divert.PORT.FIELD[.ERRNO] */
		const char *field = p3 + 1;
		size_t fl = strcspn(field, ".");
		char *fname = g_strndup(field, fl);
		bool known = false;

		for (unsigned k = 0; divert_port_fields[k] != NULL; k++)
			if (strcmp(fname, divert_port_fields[k]) == 0)
				known = true;
		if (!known || (strcmp(fname, "errno") == 0) != (field[fl] ==
		    '.') || (strcmp(fname, "errno") != 0 && field[fl] != '\0')) {
			rc = fail(msg, SCN_COUNTER_ERROR, "unknown counter '%s' "
			    "(HOST.divert.PORT. then read, written, dropped_full, "
			    "write_errors, loops, discarded or errno.NAME)%s",
			    name, diag_did_you_mean(known ? NULL :
			    diag_suggest_list(fname, divert_port_fields), dym,
			    sizeof(dym)));
			g_free(fname);
			goto out;
		}
		if (strcmp(fname, "errno") == 0) {
			const char *en = field + fl + 1;
			bool eknown = false;

			for (unsigned k = 0; errno_names[k] != NULL; k++)
				if (strcmp(en, errno_names[k]) == 0)
					eknown = true;
			/* An errno without a name is counted as E<number>. */
			if (en[0] == 'E' && all_digits(en + 1, strlen(en + 1)))
				eknown = true;
			if (!eknown) {
				rc = fail(msg, SCN_COUNTER_ERROR, "unknown errno "
				    "name '%s' in counter '%s'%s", en, name,
				    diag_did_you_mean(diag_suggest_list(en,
				    errno_names), dym, sizeof(dym)));
				g_free(fname);
				goto out;
			}
		}
		g_free(fname);
		key = host_key(host, rest + 7, (size_t)(p3 - rest - 7));
		bound = g_hash_table_contains(f->bound, key);
		if (!bound && g_hash_table_contains(f->targeted, key))
			rc = fail(msg, SCN_COUNTER_WARNING, "counter '%s' can "
			    "never move: no program binds divert port %.*s on "
			    "host '%s'", name, (int)(p3 - rest - 7), rest + 7,
			    host);
		else if (!bound)
			rc = fail(msg, SCN_COUNTER_ERROR, "counter '%s': no line "
			    "of this file binds divert port %.*s on host '%s'",
			    name, (int)(p3 - rest - 7), rest + 7, host);
		g_free(key);
		goto out;
	}
	if (h != NULL && strncmp(rest, "if.", 3) == 0 &&
	    (g_str_has_suffix(rest, ".qdrops") ||
	    g_str_has_suffix(rest, ".ierrors") ||
	    g_str_has_suffix(rest, ".downdrops")) && strlen(rest) > 10 &&
	    strrchr(rest, '.') > rest + 3) {
		char *ifn = g_strndup(rest + 3, (gsize)(strrchr(rest, '.') -
		    (rest + 3)));
		bool found = false;

		diag_suggest_init(&sg, ifn);
		for (guint i = 0; i < h->ifnets->len; i++) {
			const struct ifnet *ifp = g_ptr_array_index(h->ifnets,
			    i);

			if (strcmp(ifp->if_xname, ifn) == 0)
				found = true;
			diag_suggest_offer(&sg, ifp->if_xname);
		}
		if (!found)
			rc = fail(msg, SCN_COUNTER_ERROR, "counter '%s': host "
			    "'%s' has no interface '%s'%s", name, host, ifn,
			    diag_did_you_mean(diag_suggest_best(&sg), dym,
			    sizeof(dym)));
		g_free(ifn);
		goto out;
	}
	if (exists)
		goto out;
	if (h != NULL) {
		for (unsigned k = 0; host_dynamic[k] != NULL; k++)
			if (strcmp(rest, host_dynamic[k]) == 0)
				goto out;
		/* Every drop reason's counter (ip_drop.h's table). */
		if (drop_counter_match(rest))
			goto out;
		if (strncmp(rest, "tcp.", 4) == 0) {
			const char *t = rest + 4;

			for (unsigned k = 0; tcp_names[k] != NULL; k++)
				if (strcmp(t, tcp_names[k]) == 0)
					goto out;
			if (strncmp(t, "conn.", 5) == 0 &&
			    (p3 = strchr(t + 5, '.')) != NULL &&
			    all_digits(t + 5, (size_t)(p3 - t - 5)))
				for (unsigned k = 0; tcp_conn_fields[k] != NULL;
				    k++) {
					unsigned long long cn;

					if (strcmp(p3 + 1, tcp_conn_fields[k]) != 0)
						continue;
					cn = strtoull(t + 5, NULL, 10);
					if (cn < 1 || cn > f->tcp_conns)
						rc = fail(msg, SCN_COUNTER_ERROR,
						    "counter '%s': the connect lines "
						    "of this file make at most %llu "
						    "connection blocks", name,
						    (unsigned long long)
						    f->tcp_conns);
					goto out;
				}
			rc = fail(msg, SCN_COUNTER_ERROR, "unknown counter '%s' "
			    "(HOST.tcp.NAME as netstat -s -p tcp names it, or "
			    "HOST.tcp.conn.N.FIELD)%s", name, diag_did_you_mean(
			    diag_suggest_list(t, tcp_names), dym, sizeof(dym)));
			goto out;
		}
		/* icps_outhist[]: one per ICMP type sent. */
		if (strncmp(rest, "icmp.outhist.", 13) == 0 &&
		    all_digits(rest + 13, strlen(rest + 13)) &&
		    atoi(rest + 13) <= 255)
			goto out;
	}
	/* Not a dynamic shape and not registered: a typo somewhere. */
	if (h != NULL) {
		char *fam = g_strndup(rest, n);
		bool fknown = false;

		for (unsigned k = 0; families[k] != NULL; k++)
			if (strcmp(fam, families[k]) == 0)
				fknown = true;
		if (!fknown) {
			rc = fail(msg, SCN_COUNTER_ERROR, "unknown counter '%s': "
			    "no counter family '%s' (ip, udp, icmp, ping, ipfw, "
			    "divert, if, tcp)%s", name, fam, diag_did_you_mean(
			    diag_suggest_list(fam, families), dym,
			    sizeof(dym)));
			g_free(fam);
			goto out;
		}
		g_free(fam);
	}
	names = counters_names(world_counters(w));
	best = closest_counter(w, name, names);
	rc = fail(msg, SCN_COUNTER_ERROR, "unknown counter '%s' (see "
	    "docs/counters.md)%s", name, diag_did_you_mean(best, dym,
	    sizeof(dym)));
out:
	if (names != NULL)
		g_ptr_array_free(names, TRUE);
	g_free(host);
	return (rc);
}

static gint
str_ptr_cmp(gconstpointer a, gconstpointer b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

GPtrArray *
scn_counter_names(const struct world *w)
{
	const struct scn_counter_facts *f = world_counter_facts(w);
	GPtrArray *reg, *out;
	GHashTable *seen;
	GHashTableIter it;
	gpointer k;

	out = g_ptr_array_new_with_free_func(g_free);
	seen = g_hash_table_new(g_str_hash, g_str_equal);
	reg = counters_names(world_counters(w));
	for (guint i = 0; i < reg->len; i++)
		g_ptr_array_add(out, g_strdup(g_ptr_array_index(reg, i)));
	g_ptr_array_free(reg, TRUE);
	/* HOST:PORT and HOST:NUM keys to the names they make possible. */
	g_hash_table_iter_init(&it, f->bound);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		char **hp = g_strsplit(k, ":", 2);

		for (unsigned j = 0; divert_port_fields[j] != NULL; j++) {
			if (strcmp(divert_port_fields[j], "errno") == 0) {
				for (unsigned e = 0; errno_names[e] != NULL; e++)
					g_ptr_array_add(out, g_strdup_printf(
					    "%s.divert.%s.errno.%s", hp[0],
					    hp[1], errno_names[e]));
				continue;
			}
			g_ptr_array_add(out, g_strdup_printf("%s.divert.%s.%s",
			    hp[0], hp[1], divert_port_fields[j]));
		}
		g_strfreev(hp);
	}
	g_hash_table_iter_init(&it, f->rules);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		char **hp = g_strsplit(k, ":", 2);

		g_ptr_array_add(out, g_strdup_printf("%s.ipfw.%s.packets",
		    hp[0], hp[1]));
		g_ptr_array_add(out, g_strdup_printf("%s.ipfw.%s.bytes",
		    hp[0], hp[1]));
		g_strfreev(hp);
	}
	for (guint i = 0; i < out->len; i++) {
		const char *n = g_ptr_array_index(out, i);
		const char *dot = strchr(n, '.');
		char *host;

		if (dot == NULL || strncmp(n, "sim.", 4) == 0)
			continue;
		host = g_strndup(n, (gsize)(dot - n));
		if (!g_hash_table_contains(seen, host) &&
		    world_host(w, host) != NULL) {
			for (unsigned j = 0; host_dynamic[j] != NULL; j++)
				g_ptr_array_add(out, g_strdup_printf("%s.%s",
				    host, host_dynamic[j]));
			for (unsigned j = 0; tcp_names[j] != NULL; j++)
				g_ptr_array_add(out, g_strdup_printf(
				    "%s.tcp.%s", host, tcp_names[j]));
			for (uint64_t cn = 1; cn <= f->tcp_conns &&
			    cn <= TCP_CONNS_LISTED; cn++)
				for (unsigned j = 0; tcp_conn_fields[j] != NULL;
				    j++)
					g_ptr_array_add(out, g_strdup_printf(
					    "%s.tcp.conn.%llu.%s", host,
					    (unsigned long long)cn,
					    tcp_conn_fields[j]));
			/* The drop counters named without IF or PORT. */
			for (unsigned j = 0; j < DROP_REASON_COUNT; j++)
				if (strstr(drop_table[j].counter, "IF") == NULL &&
				    strstr(drop_table[j].counter, "PORT") == NULL)
					g_ptr_array_add(out, g_strdup_printf(
					    "%s.%s", host, drop_table[j].counter));
			/* The rules of its chain (the `at` ones are facts). */
			if (world_host(w, host)->fw != NULL) {
				struct rule_names a = { out, host };

				ipfw_chain_foreach_number(world_host(w,
				    host)->fw, rule_names_one, &a);
			}
			g_hash_table_add(seen, world_host(w, host)->name);
		}
		g_free(host);
	}
	g_hash_table_destroy(seen);
	g_ptr_array_sort(out, str_ptr_cmp);
	/* Drop duplicates (a registered name also made from a fact). */
	for (guint i = 1; i < out->len;) {
		if (strcmp(g_ptr_array_index(out, i),
		    g_ptr_array_index(out, i - 1)) == 0)
			g_ptr_array_remove_index(out, i);
		else
			i++;
	}
	return (out);
}

bool
scn_counter_name_valid(const struct world *w, const char *name)
{
	char *msg;
	int rc;

	rc = scn_counter_check(w, name, &msg);
	g_free(msg);
	return (rc != SCN_COUNTER_ERROR);
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
scn_expect_eval_opts(const struct scenario *s, const struct counters *c,
    const struct run_opts *o, unsigned *npassed)
{
	unsigned failed = 0, passed = 0;

	for (guint i = 0; i < s->expects->len; i++) {
		const struct scn_expect *x = g_ptr_array_index(s->expects, i);
		uint64_t v = counters_get(c, x->counter, NULL);
		bool ok = op_holds(x->op, v, x->value);

		if (!ok || !o->failures_only)
			fprintf(o->out, "%s%s:%u: expect %s %s %"
			    G_GUINT64_FORMAT " (got %" G_GUINT64_FORMAT ")\n",
			    ok ? "PASS " : "FAIL ", o->expect_prefix != NULL ?
			    o->expect_prefix : s->path, x->pos.line, x->counter,
			    op_text(x->op), x->value, v);
		if (o->on_expect != NULL)
			o->on_expect(o->on_expect_ctx, x, v, ok);
		if (ok)
			passed++;
		else
			failed++;
	}
	if (npassed != NULL)
		*npassed = passed;
	return (failed);
}

unsigned
scn_expect_eval(const struct scenario *s, const struct counters *c,
    FILE *out, const char *prefix, unsigned *npassed)
{
	struct run_opts o;

	memset(&o, 0, sizeof(o));
	o.out = out;
	o.expect_prefix = prefix;
	return (scn_expect_eval_opts(s, c, &o, npassed));
}
