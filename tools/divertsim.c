/*
 * divertsim(1): the command line.  Options, sub-commands and exit codes
 * only; everything that simulates lives in the model library.
 *
 * Exit status: 0 every expectation held; 1 an expectation failed; 2 an
 * error in a scenario or on the command line (nothing was simulated).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "config.h"
#include "divertsim/divertsim.h"
#include "scenario/scn.h"
#include "gen_cli.h"

/* The tour: from the source tree while it exists, else as installed. */
#define	DIVERTSIM_DEFAULT_SCENARIO \
	DIVERTSIM_SOURCE_DATADIR "/scenarios/tour.scn"
#define	DIVERTSIM_INSTALLED_SCENARIO	DIVERTSIM_DATADIR "/scenarios/tour.scn"

#define	EXIT_EXPECT_FAILED	DIVERTSIM_EXPECT_FAILED
#define	EXIT_SCENARIO_ERROR	DIVERTSIM_SCENARIO_ERROR

static const char usage_text[] =
"usage: divertsim [run] [-q] [--counters] [--trace-dir DIR | --no-traces] [--no-events] [FILE]\n"
"       divertsim check [-q] [--counters] [--trace-dir DIR | --no-traces] FILE...\n"
"       divertsim lint FILE...\n"
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
"                per file, then \"N passed, N failed\" counting files\n"
"  lint FILE...  parse only and report every error\n"
"  gen KIND      write a generated scenario (chain, star, tree, ring, grid,\n"
"                random) to standard output\n"
"\n"
"Options:\n"
"  -q, --quiet        print only the expectation results\n"
"  --counters         print every non-zero counter after the run\n"
"  --trace-dir DIR    write pcaps and events.jsonl to DIR\n"
"                     (default traces/NAME/, NAME the scenario's base name)\n"
"  --no-traces        write no pcap and no events.jsonl\n"
"  --no-events        write the pcaps but no events.jsonl\n"
"  -h, --help         this text\n"
"  --version          the version\n"
"\n"
"Exit status: 0 all expectations held, 1 one failed, 2 scenario error.\n"
"See docs/tutorial.md to start, docs/scenario-language.md for the format.\n";

struct cli {
	bool		 quiet;
	bool		 counters;
	bool		 no_traces;
	bool		 no_events;
	const char	*trace_dir;
};

static void
usage(FILE *f)
{
	fputs(usage_text, f);
}

/* Run one scenario file; returns the exit status for it. */
static int
run_file(const char *path, const struct cli *cli, bool check_mode,
    unsigned *npassed, unsigned *nfailed)
{
	struct divertsim_options o;
	struct divertsim_world *w;
	enum divertsim_verdict v;
	unsigned nerr = 0;

	*npassed = *nfailed = 0;
	divertsim_options_init(&o);
	o.quiet = cli->quiet || check_mode;
	o.counters = cli->counters;
	o.traces = !cli->no_traces;
	o.events = !cli->no_events;
	o.trace_dir = cli->trace_dir;
	w = divertsim_world_load_file(path, &o, &nerr);
	if (w == NULL) {
		fprintf(stderr, "%s: %u error%s, nothing simulated\n", path,
		    nerr, nerr == 1 ? "" : "s");
		return (EXIT_SCENARIO_ERROR);
	}
	v = divertsim_world_run(w);
	*npassed = divertsim_world_passed(w);
	*nfailed = divertsim_world_failed(w);
	if (!o.quiet && o.traces)
		printf("\ntraces: %s/\n", divertsim_world_trace_dir(w));
	if (!check_mode && !o.quiet)
		printf("%u of %u expectations held\n", *npassed,
		    *npassed + *nfailed);
	divertsim_world_free(w);
	return ((int)v);
}

static int
cmd_check(int argc, char **argv, const struct cli *cli)
{
	unsigned files_ok = 0, files_bad = 0;
	int worst = EXIT_SUCCESS;

	if (argc == 0) {
		fprintf(stderr, "divertsim check: no scenario file given\n");
		usage(stderr);
		return (EXIT_SCENARIO_ERROR);
	}
	for (int i = 0; i < argc; i++) {
		unsigned p, f;
		int rc = run_file(argv[i], cli, true, &p, &f);

		if (rc == EXIT_SUCCESS) {
			printf("PASS %s (%u expectation%s)\n", argv[i], p,
			    p == 1 ? "" : "s");
			files_ok++;
		} else {
			if (rc == EXIT_SCENARIO_ERROR)
				printf("FAIL %s (scenario error)\n", argv[i]);
			else
				printf("FAIL %s (%u of %u expectations "
				    "failed)\n", argv[i], f, p + f);
			files_bad++;
			if (rc > worst)
				worst = rc;
		}
	}
	printf("%u passed, %u failed\n", files_ok, files_bad);
	return (worst);
}

static int
cmd_lint(int argc, char **argv)
{
	int rc = EXIT_SUCCESS;

	if (argc == 0) {
		fprintf(stderr, "divertsim lint: no scenario file given\n");
		return (EXIT_SCENARIO_ERROR);
	}
	for (int i = 0; i < argc; i++) {
		unsigned nerr = 0;
		struct scenario *s = scn_parse_file(argv[i], stderr, &nerr);

		if (s == NULL) {
			fprintf(stderr, "%s: %u error%s\n", argv[i], nerr,
			    nerr == 1 ? "" : "s");
			rc = EXIT_SCENARIO_ERROR;
			continue;
		}
		printf("%s: ok\n", argv[i]);
		scn_free(s);
	}
	return (rc);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "counters", no_argument, NULL, 'c' },
		{ "trace-dir", required_argument, NULL, 't' },
		{ "no-traces", no_argument, NULL, 'n' },
		{ "no-events", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { 0 };
	const char *cmd = "run";
	int ch;

	if (argc > 1 && strcmp(argv[1], "gen") == 0)
		return (gen_cli_main(argc - 1, argv + 1, stdout, stderr));
	if (argc > 1 && argv[1][0] != '-' &&
	    (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "check") == 0 ||
	    strcmp(argv[1], "lint") == 0)) {
		cmd = argv[1];
		argv++;
		argc--;
	}
	while ((ch = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			cli.quiet = true;
			break;
		case 'c':
			cli.counters = true;
			break;
		case 't':
			cli.trace_dir = optarg;
			break;
		case 'n':
			cli.no_traces = true;
			break;
		case 'e':
			cli.no_events = true;
			break;
		case 'h':
			usage(stdout);
			fputs(help_text, stdout);
			return (EXIT_SUCCESS);
		case 'V':
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
	divert_programs_builtin();

	if (strcmp(cmd, "check") == 0)
		return (cmd_check(argc, argv, &cli));
	if (strcmp(cmd, "lint") == 0)
		return (cmd_lint(argc, argv));
	if (argc > 1) {
		fprintf(stderr, "divertsim run: one scenario at a time "
		    "(use `divertsim check` for several)\n");
		return (EXIT_SCENARIO_ERROR);
	} else {
		unsigned p, f;
		const char *path = argc == 1 ? argv[0] :
		    g_file_test(DIVERTSIM_DEFAULT_SCENARIO, G_FILE_TEST_EXISTS) ?
		    DIVERTSIM_DEFAULT_SCENARIO : DIVERTSIM_INSTALLED_SCENARIO;

		return (run_file(path, &cli, false, &p, &f));
	}
}
