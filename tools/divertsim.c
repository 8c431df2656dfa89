/*
 * divertsim(1): the command line.  Options, sub-commands and exit codes
 * only; everything that simulates lives in the model library.
 *
 * Exit status: 0 every expectation held; 1 an expectation failed; 2 an
 * error in a scenario or on the command line (nothing was simulated), or a
 * run cut short (an output error, a limit, SIGINT or SIGTERM).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdint.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "config.h"
#include "apps/proc.h"
#include "exec/exec_proc.h"
#include "divertsim/divertsim.h"
#include "scenario/diag.h"
#include "scenario/scn.h"
#include "gen_cli.h"
#include "story.h"
#include "view.h"
#include "scenario/scn_build.h"
#include "ns3/ns3_shim.h"
#include "sim/counters.h"
#include "trace/pcapng_writer.h"
#include "trace/trace_dir.h"

/* The tour: from the source tree while it exists, else as installed. */
#define	DIVERTSIM_DEFAULT_SCENARIO \
	DIVERTSIM_SOURCE_DATADIR "/scenarios/tour.scn"
#define	DIVERTSIM_INSTALLED_SCENARIO	DIVERTSIM_DATADIR "/scenarios/tour.scn"

#define	EXIT_EXPECT_FAILED	DIVERTSIM_EXPECT_FAILED
#define	EXIT_SCENARIO_ERROR	DIVERTSIM_SCENARIO_ERROR

static const char usage_text[] =
"usage: divertsim [run] [-q] [--counters] [--trace-dir DIR | --no-traces] [--no-events]\n"
"                 [--no-pcapng] [--Werror] [--max-events N]\n"
"                 [--max-trace-bytes N] [--host H] [--ev TYPE] [--lineage N]\n"
"                 [--width N] [--why] [--html OUT.html] [--exec-limit MS]\n"
"                 [FILE]\n"
"       divertsim check [-q] [--counters] [--trace-dir DIR] [--pcapng]\n"
"                 [--junit FILE] [-j N] [--shard K/N] [--Werror] [--max-events N]\n"
"                 [--max-trace-bytes N] [--exec-limit MS] [--why] FILE...\n"
"       divertsim lint [--Werror] [--counters] FILE...\n"
"       divertsim story [--width N] [--why] EVENTS.JSONL LINEAGE\n"
"       divertsim view [-o OUT.html] [--svg-topology F] [--svg-sequence F] FILE\n"
"       divertsim gen KIND [OPTIONS]      (divertsim gen --help)\n"
"       divertsim --help | --version\n";

static const char help_text[] =
"\n"
"Simulate FreeBSD's divert(4) sockets and ipfw(8) on a network of hosts\n"
"described by a scenario file, and check what the scenario expects.\n"
"\n"
"Commands:\n"
"  run FILE      simulate FILE, narrate every step of every packet, print\n"
"                each host's `ipfw show` and the expectations (default\n"
"                command; without FILE the bundled tour scenario runs)\n"
"  check FILE... run each scenario quietly: one line per expectation and\n"
"                per file, then \"N passed, N failed\" counting files; no\n"
"                traces unless --trace-dir is given\n"
"  lint FILE...  everything run does before time 0 (parse, build the\n"
"                world, bind the divert sockets, check the programs'\n"
"                arguments and every counter name), without simulating\n"
"  story F N     packet N's way in events.jsonl F, with the replies and\n"
"                ICMP errors it caused, as a numbered walk (--why: with\n"
"                the reasons of its ipfw steps and drops, from a file\n"
"                written by run --why)\n"
"  view FILE     one self-contained HTML page of the run: topology,\n"
"                sequence diagram, step controls, queues, ipfw show\n"
"                (divertsim view --help)\n"
"  gen KIND      write a generated scenario (chain, star, tree, ring, grid,\n"
"                random) to standard output\n"
"\n"
"Options:\n"
"  -q, --quiet        run: print only the expectation results;\n"
"                     check: print only failures and the closing line\n"
"  --counters         print every non-zero counter after the run (lint:\n"
"                     every counter name the scenario can have)\n"
"  --trace-dir DIR    write pcaps and events.jsonl to DIR (run; default\n"
"                     traces/NAME/, NAME the scenario's base name), or to\n"
"                     DIR/NAME/ per file (check; NAME-2/ for a second file\n"
"                     of the same base name)\n"
"  --no-traces        write no pcap and no events.jsonl\n"
"  --no-events        write the pcaps but no events.jsonl\n"
"  --pcapng           also write run.pcapng, every step of the run in one\n"
"                     capture (docs/traces.md; run: the default, check:\n"
"                     with --trace-dir only when asked for)\n"
"  --no-pcapng        write no run.pcapng\n"
"  --host H           run: narrate only host H's events\n"
"  --ev TYPE          run: narrate only events of TYPE (docs/events.md)\n"
"  --lineage N        run: narrate only packet N's events\n"
"  --width N          run: wrap narration at N columns (at least 40)\n"
"  --html OUT.html    run: also write the page `divertsim view` writes\n"
"  --why              run: under each ipfw step, every rule tried since the\n"
"                     last match and the first condition it failed, the\n"
"                     rules a re-entry or skipto passed over, how the rule\n"
"                     matched (a state: whose, found by which rule, which\n"
"                     way); under each drop, the configuration that caused\n"
"                     it; a `why` list in those events of events.jsonl\n"
"                     (check, with --trace-dir: the lists only, for\n"
"                     `divertsim story --why`)\n"
"  --max-events N     stop a run after N events (default 500000000, 0: none)\n"
"  --max-trace-bytes N  stop a run once its pcaps and events.jsonl reach N\n"
"                     bytes together (default 1073741824 = 1 GiB, 0: none)\n"
"  --exec-limit MS    the wall-clock time a program under `exec` may run\n"
"                     without waiting in the shim before it is killed and\n"
"                     reported as hung (default 5000; 1..3600000; the\n"
"                     environment's DIVERTSIM_EXEC_LIMIT_MS when not given)\n"
"  --Werror           treat warnings as errors\n"
"  --junit FILE       check: write a JUnit XML report to FILE\n"
"  -j N, --jobs N     check: run N files at a time (default: the number of\n"
"                     processors); the output is the same as with -j 1\n"
"  --shard K/N        check: run only the K-th of N slices of the files\n"
"                     (files K, K+N, K+2N, ... counting from 1)\n"
"  -h, --help         this text\n"
"  --version          the version\n"
"\n"
"SIGINT or SIGTERM ends a run at the current event: files are closed whole\n"
"and the partial report printed.\n"
"\n"
"Exit status: 0 all expectations held, 1 one failed, 2 scenario error, or a\n"
"run cut short (output error, a limit reached, SIGINT/SIGTERM).\n"
"See docs/tutorial.md to start, docs/scenario-language.md for the format.\n";

struct cli {
	bool		 quiet;
	bool		 counters;
	bool		 no_traces;
	bool		 no_events;
	int		 pcapng;	/* -1: the command's default */
	bool		 werror;
	const char	*trace_dir;
	uint64_t	 max_events;
	uint64_t	 max_trace_bytes;
	const char	*junit;
	unsigned	 jobs;		/* 0: the number of processors */
	unsigned	 shard_k, shard_n;	/* 1-based; n == 0: no shard */
	struct narrate_opts narrate;	/* run: --host, --ev, --lineage */
	const char	*html;		/* run --html */
	bool		 why;		/* run: --why */
};

enum mode { MODE_RUN, MODE_CHECK, MODE_LINT };

/* What running one file gave, for the closing line and the JUnit file. */
struct file_result {
	int		 rc;
	unsigned	 passed, failed, errors, warnings;
	unsigned	 at_failed;	/* 1: failed by its 'at' commands */
	double		 secs;
	char		*out, *err;	/* what it printed (check and lint) */
	GString		*cases;		/* JUnit <testcase> elements */
};

/* The signal that asked the runs to end, 0 if none. */
static volatile sig_atomic_t interrupted;

/*
 * End the run at the current event (check runs no further file); a
 * second signal kills outright.
 */
static void
on_signal(int sig)
{
	interrupted = sig;
	ns3_stop();
	signal(sig, SIG_DFL);
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
}

/* A limit option: decimal digits only, within uint64_t (0: no limit). */
static bool
parse_limit(const char *opt, const char *arg, uint64_t *out)
{
	char *end;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9') {
		fprintf(stderr, "divertsim: %s: invalid number '%s'\n", opt,
		    arg);
		return (false);
	}
	*out = strtoull(arg, &end, 10);
	if (*end != '\0') {
		fprintf(stderr, "divertsim: %s: invalid number '%s'\n", opt,
		    arg);
		return (false);
	}
	if (errno == ERANGE) {
		fprintf(stderr, "divertsim: %s: '%s' out of range\n", opt,
		    arg);
		return (false);
	}
	return (true);
}

static void
usage(FILE *f)
{
	fputs(usage_text, f);
}

static const char *
op_text(enum scn_op op)
{
	static const char *const t[] = { "==", "!=", "<", "<=", ">", ">=" };

	return (t[op]);
}

static void
junit_case(void *ctx, const struct scn_expect *x, uint64_t got, bool ok)
{
	struct file_result *r = ctx;
	char *name;

	name = g_strdup_printf("line %u: expect %s %s %" G_GUINT64_FORMAT,
	    x->pos.line, x->counter, op_text(x->op), x->value);
	g_string_append(r->cases, "    <testcase name=\"");
	view_escape(r->cases, name);
	g_string_append(r->cases, "\" classname=\"expect\"");
	if (ok) {
		g_string_append(r->cases, "/>\n");
	} else {
		char *m = g_strdup_printf("got %" G_GUINT64_FORMAT, got);

		g_string_append(r->cases, ">\n      <failure message=\"");
		view_escape(r->cases, m);
		g_string_append(r->cases, "\" type=\"expectation\"/>\n"
		    "    </testcase>\n");
		g_free(m);
	}
	g_free(name);
}

/*
 * Parse, build and (unless lint) run one file; everything it prints goes
 * to out and err.  trace_dir: where its traces go, NULL for none.
 */
static void
run_one(const char *path, const struct cli *cli, enum mode mode,
    const char *trace_dir, FILE *out, FILE *err, struct file_result *r)
{
	struct scenario *s;
	struct world *w = NULL;
	struct run_opts o;
	struct diag d;
	struct view *page = NULL;
	gint64 t0 = g_get_monotonic_time();
	unsigned failed;
	bool cut;

	memset(&o, 0, sizeof(o));
	o.out = out;
	o.errout = err;
	o.quiet = cli->quiet || mode != MODE_RUN;
	o.failures_only = mode == MODE_CHECK && cli->quiet;
	o.counters = cli->counters && mode != MODE_LINT;
	o.traces = trace_dir != NULL && mode != MODE_LINT;
	o.events_jsonl = !cli->no_events;
	/* run.pcapng: run's by default, check's when asked for. */
	o.pcapng = cli->pcapng > 0 || (cli->pcapng < 0 && mode == MODE_RUN);
	/* By default only: without libwiretap the run goes on without it
	 * (--pcapng makes it the run's error, exit status 2). */
	if (o.pcapng && o.traces && cli->pcapng < 0) {
		const char *why;

		if (!pcapng_writer_available(&why)) {
			fprintf(err, "divertsim: warning: no run.pcapng: cannot "
			    "open libwiretap: %s\n", why);
			o.pcapng = false;
		}
	}
	o.trace_dir = trace_dir;
	o.max_events = cli->max_events;
	o.max_trace_bytes = cli->max_trace_bytes;
	o.interrupted = &interrupted;
	o.on_expect = junit_case;
	o.on_expect_ctx = r;
	if (mode == MODE_RUN) {
		narrate_apply(&cli->narrate, &o.narration);
		o.narration.why = cli->why;
	} else if (mode == MODE_CHECK) {
		/* No narration: the why lists go to events.jsonl only, for
		 * `story --why`. */
		o.narration.why = cli->why;
	}

	diag_init(&d, path, err);
	diag_set_werror(&d, cli->werror);
	diag_set_sorted(&d, true);
	s = scn_parse_file_diag(path, &d);
	if (s != NULL && mode == MODE_RUN &&
	    !narrate_host_known(&cli->narrate, s, path, err)) {
		scn_free(s);
		r->rc = EXIT_SCENARIO_ERROR;
		return;
	}
	if (s != NULL && mode == MODE_RUN && cli->html != NULL) {
		page = view_tap_new(s);
		o.events_tap = view_take_line;
		o.events_tap_ctx = page;
	}
	/* The page draws the hosts from their commands. */
	o.consume_cmds = page == NULL;
	o.check_only = mode == MODE_LINT;
	if (s != NULL)
		w = scn_build_diag(s, &o, &d);
	diag_flush(&d);
	r->errors = d.errors;
	r->warnings = d.warnings;
	if (w == NULL) {
		fprintf(err, "%s: %u error%s%s\n", path, d.errors,
		    d.errors == 1 ? "" : "s", mode == MODE_LINT ? "" :
		    ", nothing simulated");
		if (page != NULL) {
			view_free(page);
			g_free(page);
		}
		scn_free(s);
		r->rc = EXIT_SCENARIO_ERROR;
		r->secs = (double)(g_get_monotonic_time() - t0) / 1e6;
		return;
	}
	if (mode == MODE_LINT) {
		if (cli->counters) {
			GPtrArray *names = scn_counter_names(w);

			for (guint i = 0; i < names->len; i++)
				fprintf(out, "%s\n", (char *)
				    g_ptr_array_index(names, i));
			g_ptr_array_free(names, TRUE);
		}
		world_free(w);
		scn_free(s);
		if (d.warnings > 0)
			fprintf(out, "%s: ok, %u warning%s\n", path,
			    d.warnings, d.warnings == 1 ? "" : "s");
		else
			fprintf(out, "%s: ok\n", path);
		r->rc = EXIT_SUCCESS;
		r->secs = (double)(g_get_monotonic_time() - t0) / 1e6;
		return;
	}
	failed = world_run(w, &r->passed);
	/* Cut short (an output error, a limit, a signal): no verdict. */
	cut = world_cut_short(w) != NULL || counters_get(world_counters(w),
	    "sim.trace_errors", NULL) > 0;
	/* world_run() counts a failed 'at' command as one failure more. */
	r->failed = s->expects->len - r->passed;
	r->at_failed = failed - r->failed;
	if (page != NULL && !view_tap_finish(page, w, cli->html, err))
		cut = true;
	world_free(w);
	if (mode == MODE_RUN && !o.quiet && o.traces)
		fprintf(out, "\ntraces: %s/\n", trace_dir);
	if (mode == MODE_RUN && !o.quiet)
		fprintf(out, "%u of %u expectations held\n", r->passed,
		    r->passed + r->failed);
	scn_free(s);
	r->rc = cut ? EXIT_SCENARIO_ERROR : failed > 0 ? EXIT_EXPECT_FAILED :
	    EXIT_SUCCESS;
	r->secs = (double)(g_get_monotonic_time() - t0) / 1e6;
}

/* The per-file line check prints after the file's own lines. */
static void
file_line(const char *path, const struct cli *cli, const struct
    file_result *r, FILE *out)
{
	if (r->rc == EXIT_SUCCESS) {
		if (!cli->quiet)
			fprintf(out, "PASS %s (%u expectation%s)\n", path,
			    r->passed, r->passed == 1 ? "" : "s");
	} else if (r->rc == EXIT_SCENARIO_ERROR && interrupted != 0) {
		fprintf(out, "FAIL %s (interrupted)\n", path);
	} else if (r->rc == EXIT_SCENARIO_ERROR) {
		fprintf(out, "FAIL %s (scenario error)\n", path);
	} else if (r->failed == 0) {
		fprintf(out, "FAIL %s (an 'at' command failed)\n", path);
	} else {
		fprintf(out, "FAIL %s (%u of %u expectations failed%s)\n", path,
		    r->failed, r->passed + r->failed, r->at_failed ?
		    ", and an 'at' command" : "");
	}
}

/*
 * Run file i into r, capturing what it prints.  Used in the process itself
 * (-j 1) and in a child (-j N), so that both print the same bytes.
 */
static void
run_captured(const char *path, const struct cli *cli, enum mode mode,
    const char *trace_dir, struct file_result *r)
{
	FILE *out, *err;
	size_t lo, le;

	r->cases = g_string_new(NULL);
	out = open_memstream(&r->out, &lo);
	err = open_memstream(&r->err, &le);
	run_one(path, cli, mode, trace_dir, out, err, r);
	fclose(out);
	fclose(err);
}

/* A child's result travels back in a temporary file. */
static void
result_write(FILE *f, const struct file_result *r)
{
	fprintf(f, "%d %u %u %u %u %u %.6f %zu %zu %zu\n", r->rc, r->passed,
	    r->failed, r->at_failed, r->errors, r->warnings, r->secs,
	    strlen(r->out),
	    strlen(r->err), r->cases->len);
	fputs(r->out, f);
	fputs(r->err, f);
	fwrite(r->cases->str, 1, r->cases->len, f);
	fflush(f);
}

static char *
read_n(FILE *f, size_t n)
{
	char *b = g_malloc(n + 1);

	if (fread(b, 1, n, f) != n)
		n = 0;
	b[n] = '\0';
	return (b);
}

static bool
result_read(FILE *f, struct file_result *r)
{
	size_t lo, le, lc;
	char *c;

	if (fscanf(f, "%d %u %u %u %u %u %lf %zu %zu %zu", &r->rc,
	    &r->passed, &r->failed, &r->at_failed, &r->errors, &r->warnings,
	    &r->secs, &lo, &le, &lc) != 10 || fgetc(f) != '\n')
		return (false);
	r->out = read_n(f, lo);
	r->err = read_n(f, le);
	c = read_n(f, lc);
	r->cases = g_string_new(c);
	g_free(c);
	return (true);
}

static unsigned
ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return (n > 0 ? (unsigned)n : 1);
}

/*
 * Expected costs for -j: the wall time each file's check took last time,
 * kept in the user's cache folder, as ctest keeps its cost data.  Workers
 * take files longest first, so that a long file does not start last and
 * leave one worker running alone at the end; files never timed go first,
 * in file order.  Only the order of the work changes: the output stays in
 * file order.  DIVERTSIM_CHECK_COSTS names another file; set empty, no
 * file is read or written.
 */
static char *
costs_path(void)
{
	const char *env = getenv("DIVERTSIM_CHECK_COSTS");

	if (env != NULL)
		return (env[0] != '\0' ? g_strdup(env) : NULL);
	return (g_build_filename(g_get_user_cache_dir(), "divertsim",
	    "check-costs", NULL));
}

/* "SECONDS PATH" lines into a table of path -> seconds. */
static GHashTable *
costs_load(const char *path)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	char *text = NULL, *line, *nl;

	if (path == NULL || !g_file_get_contents(path, &text, NULL, NULL))
		return (t);
	for (line = text; *line != '\0'; line = nl + 1) {
		char *end;
		double secs;

		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		secs = g_ascii_strtod(line, &end);
		if (end != line && *end == ' ' && end[1] == '/' && secs >= 0)
			g_hash_table_replace(t, g_strdup(end + 1),
			    g_memdup2(&secs, sizeof(secs)));
	}
	g_free(text);
	return (t);
}

/* A file's key: its absolute path without links, NULL if it has none. */
static char *
costs_key(const char *file)
{
	char *r = realpath(file, NULL), *k;

	if (r == NULL || strchr(r, '\n') != NULL) {
		free(r);
		return (NULL);
	}
	k = g_strdup(r);
	free(r);
	return (k);
}

/* The most files the cache remembers; the files of this run come first. */
#define	COSTS_MAX	20000

/*
 * A time this close to the one kept does not change the order enough to
 * rewrite the file: within half of it either way, or half a millisecond
 * (a small file's time is mostly noise).
 */
#define	COSTS_SLACK	0.0005

static bool
costs_unchanged(GHashTable *t, char **keys, unsigned n,
    const struct file_result *res)
{
	for (unsigned i = 0; i < n; i++) {
		const double *v;

		if (keys[i] == NULL || res[i].out == NULL)
			continue;
		v = g_hash_table_lookup(t, keys[i]);
		if (v == NULL || fabs(res[i].secs - *v) > *v / 2 + COSTS_SLACK)
			return (false);
	}
	return (true);
}

/*
 * Merge this run's times into the cache: under a lock (two checks may end
 * at once), read it again, replace this run's entries, write a new file
 * and rename it over the old one, so that a reader never sees half a file.
 * Not when no time moved much: creating the new file and renaming it took
 * 0.5-1 ms of every check, as long as running the library's files on two
 * processors saves.
 */
static void
costs_save(const char *path, char **keys, unsigned n,
    const struct file_result *res)
{
	char *dir, *lock, *tmp;
	GHashTable *t;
	GHashTableIter it;
	gpointer k, v;
	GString *g;
	unsigned kept = 0;
	int lfd, tfd;

	if (path == NULL)
		return;
	dir = g_path_get_dirname(path);
	(void)g_mkdir_with_parents(dir, 0700);
	g_free(dir);
	lock = g_strconcat(path, ".lock", NULL);
	lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	g_free(lock);
	if (lfd < 0)
		return;
	if (flock(lfd, LOCK_EX) != 0) {
		close(lfd);
		return;
	}
	t = costs_load(path);
	if (costs_unchanged(t, keys, n, res)) {
		g_hash_table_destroy(t);
		close(lfd);
		return;
	}
	g = g_string_new(NULL);
	for (unsigned i = 0; i < n; i++) {
		char num[G_ASCII_DTOSTR_BUF_SIZE];

		if (keys[i] == NULL || res[i].out == NULL)
			continue;
		g_hash_table_remove(t, keys[i]);
		g_string_append_printf(g, "%s %s\n", g_ascii_formatd(num,
		    sizeof(num), "%.6f", res[i].secs), keys[i]);
		kept++;
	}
	g_hash_table_iter_init(&it, t);
	while (kept < COSTS_MAX && g_hash_table_iter_next(&it, &k, &v)) {
		char num[G_ASCII_DTOSTR_BUF_SIZE];

		g_string_append_printf(g, "%s %s\n", g_ascii_formatd(num,
		    sizeof(num), "%.6f", *(double *)v), (char *)k);
		kept++;
	}
	/* A new file renamed over the old one, without fsync(2) (which
	 * g_file_set_contents() does, milliseconds on a busy disk): a lost
	 * cost file only costs the order of a later run. */
	tmp = g_strconcat(path, ".XXXXXX", NULL);
	tfd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
	if (tfd >= 0) {
		bool ok = write(tfd, g->str, g->len) == (ssize_t)g->len;

		if (close(tfd) == 0 && ok)
			ok = g_rename(tmp, path) == 0;
		if (!ok)
			(void)g_unlink(tmp);
	}
	g_free(tmp);
	g_string_free(g, TRUE);
	g_hash_table_destroy(t);
	close(lfd);	/* releases the lock */
}

struct costed {
	double		 cost;
	unsigned	 file;
};

static int
costed_cmp(const void *a, const void *b)
{
	const struct costed *x = a, *y = b;

	if (x->cost != y->cost)
		return (x->cost > y->cost ? -1 : 1);
	return (x->file < y->file ? -1 : x->file > y->file);
}

/* The order workers take the files in: longest expected first. */
static unsigned *
costs_order(char **keys, unsigned n, GHashTable *t)
{
	struct costed *c = g_new(struct costed, n > 0 ? n : 1);
	unsigned *ord = g_new(unsigned, n > 0 ? n : 1);

	for (unsigned i = 0; i < n; i++) {
		double *v = keys[i] != NULL ? g_hash_table_lookup(t, keys[i]) :
		    NULL;

		c[i].cost = v != NULL ? *v : HUGE_VAL;
		c[i].file = i;
	}
	qsort(c, n, sizeof(*c), costed_cmp);
	for (unsigned i = 0; i < n; i++)
		ord[i] = c[i].file;
	g_free(c);
	return (ord);
}

/* What a worker tells the parent when it has finished a file. */
struct done_msg {
	uint32_t	 file;
	uint32_t	 worker;
	int64_t		 off;		/* of the result in its worker's file */
};

/*
 * The errno of the first failed flush of standard output: glibc drops the
 * bytes an explicit fflush() could not write, so close_stdout() would see
 * only the error flag.
 */
static int stdout_errno;

static void
flush_out(FILE *out)
{
	if (fflush(out) != 0 && out == stdout && stdout_errno == 0)
		stdout_errno = errno;
}

static void
print_result(const char *path, const struct cli *cli, enum mode mode,
    const struct file_result *r, FILE *out)
{
	fputs(r->out, out);
	flush_out(out);
	fputs(r->err, stderr);
	fflush(stderr);
	if (mode == MODE_CHECK)
		file_line(path, cli, r, out);
	flush_out(out);
}

/*
 * One worker: takes the next file (a counter shared with the others), runs
 * it, appends the result to its own file and says so on the pipe.
 */
static void
worker(unsigned id, char **files, char **dirs, unsigned n,
    const struct cli *cli, enum mode mode, unsigned *next,
    const unsigned *ord, int wfd, int pipe_w)
{
	FILE *f = fdopen(wfd, "a");
	unsigned k;

	if (f == NULL)
		_exit(3);
	while (interrupted == 0 &&
	    (k = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED)) < n) {
		unsigned i = ord[k];
		struct file_result r;
		struct done_msg m;

		memset(&r, 0, sizeof(r));
		run_captured(files[i], cli, mode, dirs[i], &r);
		fflush(f);
		m.file = i;
		m.worker = id;
		m.off = (int64_t)lseek(wfd, 0, SEEK_END);
		result_write(f, &r);
		if (ferror(f) || write(pipe_w, &m, sizeof(m)) != sizeof(m))
			_exit(3);
	}
	_exit(0);
}

/*
 * Read what the other workers have finished: every message waiting on the
 * pipe, or (block) at least one.  False when no worker is left.
 */
static bool
collect(int pfd, bool block, unsigned n, unsigned jobs, FILE **rf,
    struct file_result *res, bool *done, unsigned *got)
{
	struct done_msg m;
	ssize_t r;

	for (;;) {
		if (block) {
			struct pollfd p = { .fd = pfd, .events = POLLIN };

			if (poll(&p, 1, -1) < 0) {
				if (errno == EINTR)
					continue;
				return (false);
			}
		}
		r = read(pfd, &m, sizeof(m));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return (true);
		if (r != sizeof(m))
			return (false);	/* every other worker is gone */
		if (m.file >= n || m.worker >= jobs || rf[m.worker] == NULL ||
		    done[m.file] ||
		    fseeko(rf[m.worker], (off_t)m.off, SEEK_SET) != 0 ||
		    !result_read(rf[m.worker], &res[m.file]))
			return (false);
		done[m.file] = true;
		(*got)++;
		block = false;
	}
}

/*
 * Run the files on `jobs` workers, this process and jobs - 1 forked ones
 * (each takes the next file of `ord` when it is free), and print each
 * file's output in file order as soon as the files before it are done:
 * the bytes are those of a run one file at a time.  Workers, not a process
 * per file: a run of the library takes milliseconds, as much as a fork
 * and exit.  This process works too rather than only waiting: a third
 * process on two processors took CPU time from the workers (a wake-up per
 * file) and cost one more fork, whose copy-on-write faults are paid again
 * by each worker.  It reads the others' results between its own files.
 */
static pid_t *
run_files(char **files, char **dirs, unsigned n, const struct cli *cli,
    enum mode mode, const unsigned *ord, struct file_result *res, FILE *out,
    unsigned *nworkers)
{
	unsigned jobs = cli->jobs != 0 ? cli->jobs : ncpu();
	unsigned *next, shown = 0, got = 0, k;
	int pfd[2] = { -1, -1 };
	pid_t *pid;
	FILE **rf;
	bool *done, others = true;

	if (jobs > n)
		jobs = n;
	next = jobs > 1 ? mmap(NULL, sizeof(*next), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0) : MAP_FAILED;
	/* Close-on-exec, like the workers' result files: a program an
	 * exec line starts must not hold them (a grandchild it leaves
	 * behind would keep the pipe open and collect() waiting). */
	if (jobs <= 1 || next == MAP_FAILED || !g_unix_open_pipe(pfd,
	    FD_CLOEXEC, NULL)) {
		for (unsigned i = 0; i < n && interrupted == 0; i++) {
			run_captured(files[i], cli, mode, dirs[i], &res[i]);
			print_result(files[i], cli, mode, &res[i], out);
		}
		if (next != MAP_FAILED)
			munmap(next, sizeof(*next));
		return (NULL);
	}
	*next = 0;
	*nworkers = jobs;
	pid = g_new0(pid_t, jobs);
	rf = g_new0(FILE *, jobs);
	done = g_new0(bool, n);
	fflush(out);
	fflush(stderr);
	/* Worker 0 is this process; 1 .. jobs - 1 are forked. */
	for (unsigned w = 1; w < jobs; w++) {
		gchar *path = g_build_filename(g_get_tmp_dir(),
		    "divertsim-check.XXXXXX", NULL);
		int fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0600), wfd;

		wfd = fd >= 0 ? open(path, O_WRONLY | O_APPEND | O_CLOEXEC) :
		    -1;
		if (fd >= 0)
			unlink(path);
		g_free(path);
		rf[w] = fd >= 0 ? fdopen(fd, "r") : NULL;
		pid[w] = rf[w] != NULL && wfd >= 0 ? fork() : -1;
		if (pid[w] == 0) {
			close(pfd[0]);
			worker(w, files, dirs, n, cli, mode, next, ord, wfd,
			    pfd[1]);
		}
		if (wfd >= 0)
			close(wfd);
	}
	close(pfd[1]);
	(void)fcntl(pfd[0], F_SETFL, fcntl(pfd[0], F_GETFL) | O_NONBLOCK);
	while (interrupted == 0 &&
	    (k = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED)) < n) {
		run_captured(files[ord[k]], cli, mode, dirs[ord[k]],
		    &res[ord[k]]);
		done[ord[k]] = true;
		got++;
		if (others)
			others = collect(pfd[0], false, n, jobs, rf, res,
			    done, &got);
		for (; shown < n && done[shown]; shown++)
			print_result(files[shown], cli, mode, &res[shown],
			    out);
	}
	while (others && got < n) {
		others = collect(pfd[0], true, n, jobs, rf, res, done, &got);
		for (; shown < n && done[shown]; shown++)
			print_result(files[shown], cli, mode, &res[shown],
			    out);
	}
	close(pfd[0]);
	for (unsigned w = 1; w < jobs; w++) {
		if (rf[w] != NULL)
			fclose(rf[w]);
	}
	/* A file a worker could not finish (it crashed) is run here. */
	for (; shown < n; shown++) {
		if (!done[shown])
			run_captured(files[shown], cli, mode, dirs[shown],
			    &res[shown]);
		print_result(files[shown], cli, mode, &res[shown], out);
	}
	munmap(next, sizeof(*next));
	g_free(rf);
	g_free(done);
	return (pid);
}

/*
 * Wait for the workers run_files() forked.  Not as soon as their last
 * result is in: a worker's exit (the kernel unmapping its libraries and
 * heap) took half a millisecond, now spent on the other processor while
 * this process saves the costs and prints the closing line.
 */
static void
reap_workers(pid_t *pid, unsigned jobs)
{
	for (unsigned w = 1; pid != NULL && w < jobs; w++) {
		int st;

		while (pid[w] > 0 && waitpid(pid[w], &st, 0) < 0 &&
		    errno == EINTR)
			continue;
	}
	g_free(pid);
}

static bool
junit_write(const char *path, char **files, unsigned n,
    const struct file_result *res)
{
	GString *g = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	unsigned tests = 0, failures = 0, errors = 0;
	double secs = 0;
	FILE *f;
	bool ok;

	for (unsigned i = 0; i < n; i++) {
		const struct file_result *r = &res[i];
		bool scn_err = r->rc == EXIT_SCENARIO_ERROR;
		unsigned t = scn_err ? 1 : r->passed + r->failed;
		/* A run failed by its 'at' commands: one testcase more. */
		unsigned extra = !scn_err ? r->at_failed : 0;

		tests += t + extra;
		failures += scn_err ? 0 : r->failed + extra;
		errors += scn_err ? 1 : 0;
		secs += r->secs;
	}
	g_string_append_printf(g, "<testsuites name=\"divertsim check\" "
	    "tests=\"%u\" failures=\"%u\" errors=\"%u\" time=\"%.3f\">\n",
	    tests, failures, errors, secs);
	for (unsigned i = 0; i < n; i++) {
		const struct file_result *r = &res[i];
		bool scn_err = r->rc == EXIT_SCENARIO_ERROR;
		unsigned extra = !scn_err ? r->at_failed : 0;

		g_string_append(g, "  <testsuite name=\"");
		view_escape(g, files[i]);
		g_string_append_printf(g, "\" tests=\"%u\" failures=\"%u\" "
		    "errors=\"%u\" skipped=\"0\" time=\"%.3f\">\n",
		    scn_err ? 1 : r->passed + r->failed + extra,
		    scn_err ? 0 : r->failed + extra, scn_err ? 1 : 0,
		    r->secs);
		if (scn_err) {
			g_string_append(g, "    <testcase name=\"scenario\" "
			    "classname=\"scenario\">\n      <error message=\"");
			g_string_append_printf(g, "%u scenario error%s",
			    r->errors, r->errors == 1 ? "" : "s");
			g_string_append(g, "\" type=\"scenario\">");
			view_escape(g, r->err);
			g_string_append(g, "</error>\n    </testcase>\n");
		} else {
			g_string_append(g, r->cases->str);
			if (extra)
				g_string_append(g, "    <testcase name=\"at "
				    "commands\" classname=\"run\">\n      "
				    "<failure message=\"an 'at' command "
				    "failed\" type=\"command\"/>\n"
				    "    </testcase>\n");
		}
		g_string_append(g, "  </testsuite>\n");
	}
	g_string_append(g, "</testsuites>\n");
	f = fopen(path, "w");
	ok = f != NULL && fwrite(g->str, 1, g->len, f) == g->len;
	if (f != NULL && fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(stderr, "divertsim: cannot write %s: %s\n", path,
		    g_strerror(errno));
	g_string_free(g, TRUE);
	return (ok);
}

/*
 * check's trace folders: DIR/NAME/ per file, NAME-2/, NAME-3/ ... for later
 * files of the same base name, so that two runs never share a folder.
 */
static char **
check_trace_dirs(char **files, unsigned n, const struct cli *cli)
{
	char **dirs = g_new0(char *, n + 1);
	GHashTable *used;

	if (cli->trace_dir == NULL)
		return (dirs);
	used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (unsigned i = 0; i < n; i++) {
		char *base = g_path_get_basename(files[i]);
		char *name;

		if (g_str_has_suffix(base, ".scn") && strlen(base) > 4)
			base[strlen(base) - 4] = '\0';
		name = g_strdup(base);
		for (unsigned k = 2; g_hash_table_contains(used, name); k++) {
			g_free(name);
			name = g_strdup_printf("%s-%u", base, k);
		}
		dirs[i] = g_build_filename(cli->trace_dir, name, NULL);
		g_hash_table_add(used, name);
		g_free(base);
	}
	g_hash_table_destroy(used);
	return (dirs);
}

static int
cmd_many(int argc, char **argv, const struct cli *cli, enum mode mode)
{
	unsigned files_ok = 0, files_bad = 0, n = 0, nworkers = 0;
	pid_t *workers;
	int worst = EXIT_SUCCESS;
	struct file_result *res;
	char **files, **dirs_all, **dirs, **keys = NULL, *cpath = NULL;
	unsigned *ord;

	if (argc == 0) {
		fprintf(stderr, "divertsim %s: no scenario file given\n",
		    mode == MODE_LINT ? "lint" : "check");
		usage(stderr);
		return (EXIT_SCENARIO_ERROR);
	}
	dirs_all = check_trace_dirs(argv, (unsigned)argc, cli);
	files = g_new0(char *, (size_t)argc + 1);
	dirs = g_new0(char *, (size_t)argc + 1);
	for (int i = 0; i < argc; i++) {
		if (cli->shard_n != 0 &&
		    (unsigned)i % cli->shard_n != cli->shard_k - 1)
			continue;
		files[n] = argv[i];
		dirs[n++] = dirs_all[i];
	}
	res = g_new0(struct file_result, n > 0 ? n : 1);
	/* A suite's costs: read for -j, written after any check of one. */
	if (mode == MODE_CHECK && n > 1) {
		cpath = costs_path();
		keys = g_new0(char *, n + 1);
		for (unsigned i = 0; i < n; i++)
			keys[i] = costs_key(files[i]);
	}
	if (keys != NULL && (cli->jobs != 0 ? cli->jobs : ncpu()) > 1) {
		GHashTable *t = costs_load(cpath);

		ord = costs_order(keys, n, t);
		g_hash_table_destroy(t);
	} else {
		ord = g_new(unsigned, n > 0 ? n : 1);
		for (unsigned i = 0; i < n; i++)
			ord[i] = i;
	}
	workers = run_files(files, dirs, n, cli, mode, ord, res, stdout,
	    &nworkers);
	if (keys != NULL && interrupted == 0)
		costs_save(cpath, keys, n, res);
	for (unsigned i = 0; i < n; i++) {
		if (res[i].rc == EXIT_SUCCESS)
			files_ok++;
		else
			files_bad++;
		if (res[i].rc > worst)
			worst = res[i].rc;
	}
	if (mode == MODE_CHECK)
		printf("%u passed, %u failed\n", files_ok, files_bad);
	if (cli->junit != NULL && !junit_write(cli->junit, files, n, res) &&
	    worst < EXIT_SCENARIO_ERROR)
		worst = EXIT_SCENARIO_ERROR;
	reap_workers(workers, nworkers);
	for (unsigned i = 0; i < n; i++) {
		g_free(res[i].out);
		g_free(res[i].err);
		if (res[i].cases != NULL)
			g_string_free(res[i].cases, TRUE);
	}
	g_free(res);
	g_free(files);
	g_free(dirs);
	g_strfreev(dirs_all);
	g_free(ord);
	for (unsigned i = 0; keys != NULL && i < n; i++)
		g_free(keys[i]);	/* some are NULL: not g_strfreev() */
	g_free(keys);
	g_free(cpath);
	return (worst);
}

static int
cmd_run(const char *path, const struct cli *cli)
{
	struct file_result r;
	char *dir = NULL;

	memset(&r, 0, sizeof(r));
	r.cases = g_string_new(NULL);
	if (!cli->no_traces) {
		if (cli->trace_dir != NULL) {
			dir = g_strdup(cli->trace_dir);
		} else {
			char *base = g_path_get_basename(path);

			if (g_str_has_suffix(base, ".scn") && strlen(base) > 4)
				base[strlen(base) - 4] = '\0';
			dir = g_build_filename("traces", base, NULL);
			g_free(base);
		}
	}
	run_one(path, cli, MODE_RUN, dir, stdout, stderr, &r);
	g_string_free(r.cases, TRUE);
	g_free(dir);
	return (r.rc);
}

static bool
parse_count(const char *s, unsigned *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || n == 0 ||
	    n > 4096)
		return (false);
	*v = (unsigned)n;
	return (true);
}

/*
 * Standard output is checked once, at exit, as coreutils' close_stdout()
 * does: a report lost to a full disk or a bad descriptor is an output
 * error (exit status 2, like a trace file's), never a silent success.
 * A closed descriptor with nothing to write (EBADF from fclose() only) is
 * no error.
 */
static int
close_stdout(int rc)
{
	int err = 0;
	bool failed = false;

	errno = 0;
	if (fflush(stdout) != 0) {
		failed = true;
		err = errno;
	} else if (ferror(stdout)) {
		failed = true;
		/* A descriptor closed under us says so even to 0 bytes. */
		err = stdout_errno != 0 ? stdout_errno :
		    write(STDOUT_FILENO, "", 0) < 0 ? errno : 0;
	}
	errno = 0;
	if (fclose(stdout) != 0 && !failed && errno != EBADF) {
		failed = true;
		err = errno;
	}
	if (!failed)
		return (rc);
	if (err != 0)
		fprintf(stderr, "divertsim: write error on standard output: "
		    "%s\n", g_strerror(err));
	else
		fprintf(stderr, "divertsim: write error on standard output\n");
	return (rc > EXIT_SCENARIO_ERROR ? rc : EXIT_SCENARIO_ERROR);
}

static int divertsim_main(int, char **);

int
main(int argc, char **argv)
{
	return (close_stdout(divertsim_main(argc, argv)));
}

static int
divertsim_main(int argc, char **argv)
{
	enum { OPT_COUNTERS = 256, OPT_TRACE_DIR, OPT_NO_TRACES, OPT_NO_EVENTS,
	    OPT_NO_PCAPNG, OPT_PCAPNG,
	    OPT_VERSION, OPT_WERROR, OPT_JUNIT, OPT_SHARD, OPT_MAX_EVENTS,
	    OPT_MAX_TRACE_BYTES, OPT_HOST, OPT_EV, OPT_LINEAGE, OPT_WIDTH,
	    OPT_HTML, OPT_EXEC_LIMIT, OPT_WHY };
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "counters", no_argument, NULL, OPT_COUNTERS },
		{ "trace-dir", required_argument, NULL, OPT_TRACE_DIR },
		{ "no-traces", no_argument, NULL, OPT_NO_TRACES },
		{ "no-events", no_argument, NULL, OPT_NO_EVENTS },
		{ "no-pcapng", no_argument, NULL, OPT_NO_PCAPNG },
		{ "pcapng", no_argument, NULL, OPT_PCAPNG },
		{ "max-events", required_argument, NULL, OPT_MAX_EVENTS },
		{ "max-trace-bytes", required_argument, NULL,
		    OPT_MAX_TRACE_BYTES },
		{ "Werror", no_argument, NULL, OPT_WERROR },
		{ "junit", required_argument, NULL, OPT_JUNIT },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "ev", required_argument, NULL, OPT_EV },
		{ "lineage", required_argument, NULL, OPT_LINEAGE },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "exec-limit", required_argument, NULL, OPT_EXEC_LIMIT },
		{ "why", no_argument, NULL, OPT_WHY },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = {
		.pcapng = -1,
		.max_events = DIVERTSIM_MAX_EVENTS_DEFAULT,
		.max_trace_bytes = DIVERTSIM_MAX_TRACE_BYTES_DEFAULT,
	};
	const char *cmd = "run";
	enum mode mode;
	int ch;
	GStatBuf st;

	if (argc > 1 && strcmp(argv[1], "gen") == 0)
		return (gen_cli_main(argc - 1, argv + 1, stdout, stderr));
	if (argc > 1 && strcmp(argv[1], "story") == 0)
		return (story_main(argc - 1, argv + 1, stdout, stderr));
	if (argc > 1 && strcmp(argv[1], "view") == 0)
		return (view_main(argc - 1, argv + 1, stdout, stderr));
	if (argc > 1 && argv[1][0] != '-' &&
	    (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "check") == 0 ||
	    strcmp(argv[1], "lint") == 0)) {
		cmd = argv[1];
		argv++;
		argc--;
	}
	mode = strcmp(cmd, "check") == 0 ? MODE_CHECK :
	    strcmp(cmd, "lint") == 0 ? MODE_LINT : MODE_RUN;
	while ((ch = getopt_long(argc, argv, "qhj:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			cli.quiet = true;
			break;
		case OPT_COUNTERS:
			cli.counters = true;
			break;
		case OPT_TRACE_DIR:
			cli.trace_dir = optarg;
			break;
		case OPT_NO_TRACES:
			cli.no_traces = true;
			break;
		case OPT_NO_EVENTS:
			cli.no_events = true;
			break;
		case OPT_NO_PCAPNG:
			cli.pcapng = 0;
			break;
		case OPT_PCAPNG:
			cli.pcapng = 1;
			break;
		case OPT_MAX_EVENTS:
			if (!parse_limit("--max-events", optarg,
			    &cli.max_events))
				return (EXIT_SCENARIO_ERROR);
			break;
		case OPT_MAX_TRACE_BYTES:
			if (!parse_limit("--max-trace-bytes", optarg,
			    &cli.max_trace_bytes))
				return (EXIT_SCENARIO_ERROR);
			break;
		case OPT_WERROR:
			cli.werror = true;
			break;
		case OPT_JUNIT:
			cli.junit = optarg;
			break;
		case 'j':
			if (!parse_count(optarg, &cli.jobs)) {
				fprintf(stderr, "divertsim: -j '%s': a number "
				    "of jobs, 1..4096\n", optarg);
				return (EXIT_SCENARIO_ERROR);
			}
			break;
		case OPT_SHARD: {
			char *slash = strchr(optarg, '/');

			if (slash == NULL || (*slash = '\0', false) ||
			    !parse_count(optarg, &cli.shard_k) ||
			    !parse_count(slash + 1, &cli.shard_n) ||
			    cli.shard_k > cli.shard_n) {
				if (slash != NULL)
					*slash = '/';
				fprintf(stderr, "divertsim: --shard '%s': K/N "
				    "with 1 <= K <= N\n", optarg);
				return (EXIT_SCENARIO_ERROR);
			}
			*slash = '/';
			break;
		}
		case OPT_HOST:
		case OPT_EV:
		case OPT_LINEAGE:
		case OPT_WIDTH:
			if (!narrate_option(&cli.narrate, ch == OPT_HOST ? 'H' :
			    ch == OPT_EV ? 'E' : ch == OPT_LINEAGE ? 'L' : 'W',
			    optarg))
				return (EXIT_SCENARIO_ERROR);
			break;
		case OPT_HTML:
			cli.html = optarg;
			break;
		case OPT_EXEC_LIMIT: {
			unsigned ms;

			if (!exec_parse_limit_ms(optarg, &ms)) {
				fprintf(stderr, "divertsim: --exec-limit '%s': "
				    "milliseconds, 1..%u\n", optarg,
				    EXEC_MAX_LIMIT_MS);
				return (EXIT_SCENARIO_ERROR);
			}
			exec_set_limit_ms(ms);
			break;
		}
		case OPT_WHY:
			cli.why = true;
			break;
		case 'h':
			usage(stdout);
			fputs(help_text, stdout);
			return (EXIT_SUCCESS);
		case OPT_VERSION:
			printf("divertsim %s\n", divertsim_version());
			return (EXIT_SUCCESS);
		default:
			usage(stderr);
			return (EXIT_SCENARIO_ERROR);
		}
	}
	argc -= optind;
	argv += optind;
	if (cli.no_traces && cli.trace_dir != NULL) {
		fprintf(stderr, "divertsim: --trace-dir and --no-traces "
		    "exclude each other\n");
		return (EXIT_SCENARIO_ERROR);
	}
	/* An option error is reported as one, before any scenario is read. */
	if (cli.trace_dir != NULL && g_stat(cli.trace_dir, &st) == 0 &&
	    !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "divertsim: --trace-dir %s: not a directory\n",
		    cli.trace_dir);
		return (EXIT_SCENARIO_ERROR);
	}
	if (cli.why && (mode == MODE_LINT || (mode == MODE_CHECK &&
	    (cli.trace_dir == NULL || cli.no_events)))) {
		fprintf(stderr, "divertsim %s: --why %s\n", cmd,
		    mode == MODE_LINT ? "is an option of run and check" :
		    "writes its reasons to events.jsonl only: give "
		    "--trace-dir");
		return (EXIT_SCENARIO_ERROR);
	}
	if (mode != MODE_RUN && cli.html != NULL) {
		fprintf(stderr, "divertsim %s: --html is an option of run\n",
		    cmd);
		return (EXIT_SCENARIO_ERROR);
	}
	if (mode != MODE_CHECK && (cli.junit != NULL || cli.jobs != 0 ||
	    cli.shard_n != 0)) {
		fprintf(stderr, "divertsim %s: --junit, -j and --shard are "
		    "options of check\n", cmd);
		return (EXIT_SCENARIO_ERROR);
	}
	divert_programs_builtin();
	/* One pcap per interface: as many descriptors as we may have. */
	(void)trace_raise_nofile();
	catch_signals();

	if (mode != MODE_RUN)
		return (cmd_many(argc, argv, &cli, mode));
	if (argc > 1) {
		fprintf(stderr, "divertsim run: one scenario at a time "
		    "(use `divertsim check` for several)\n");
		return (EXIT_SCENARIO_ERROR);
	}
	return (cmd_run(argc == 1 ? argv[0] :
	    g_file_test(DIVERTSIM_DEFAULT_SCENARIO, G_FILE_TEST_EXISTS) ?
	    DIVERTSIM_DEFAULT_SCENARIO : DIVERTSIM_INSTALLED_SCENARIO, &cli));
}
