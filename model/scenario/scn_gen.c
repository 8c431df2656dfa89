/*
 * `divertsim gen`: from the options to the file.  The options are checked
 * against what a correct run can meet before anything is written: the
 * address plan, the divert program's arguments, the fragment limit and
 * the queues the packets wait in.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "apps/proc.h"
#include "scenario/scn_gen.h"
#include "scenario/scn_gen_priv.h"

const char *const scn_gen_kind_names[GEN_NKINDS] = { "chain", "star",
    "tree", "ring", "grid", "random" };
const char *const scn_gen_via_names[3] = { "in", "out", "both" };

void
scn_gen_opts_init(struct scn_gen_opts *o)
{

	*o = (struct scn_gen_opts){
		.fanout = 2, .degree = 3, .seed = 1, .via = GEN_VIA_BOTH,
		.port = 8000, .flows = 1, .count = 3,
		.interval_ns = 10000000ull,
	};
}

void
scn_gen_opts_clear(struct scn_gen_opts *o)
{

	g_strfreev(o->prog);
	o->prog = NULL;
}

/*
 * The program registry's own check, the one `lint` runs on a `divert`
 * line (divert_program_check_args(): init with the arguments, then fini).  Everything the
 * generator knows of divert programs goes through here.
 */
bool
scn_gen_program_check(char *const *words, GError **err)
{
	const struct divert_program *prog;
	GError *perr = NULL;
	int bad = 0, argc;

	divert_programs_builtin();
	prog = divert_program_find(words[0]);
	if (prog == NULL) {
		GString *names = g_string_new(NULL);
		const struct divert_program *p;

		for (unsigned i = 0; (p = divert_program_nth(i)) != NULL; i++)
			g_string_append_printf(names, "%s%s", i == 0 ? "" :
			    ", ", p->name);
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		    "--program: unknown program '%s' (%s)", words[0],
		    names->str);
		g_string_free(names, TRUE);
		return (false);
	}
	argc = (int)g_strv_length((gchar **)words) - 1;
	if (!divert_program_check_args(prog, argc, words + 1, &bad, &perr)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		    "--program: %s (usage: %s)", perr != NULL ?
		    perr->message : "bad arguments", prog->usage);
		g_clear_error(&perr);
		return (false);
	}
	return (true);
}

bool
scn_gen_write(struct scn_gen_opts *o, int argc, char **argv, FILE *out,
    GError **err)
{
	struct gen_topo t;
	uint64_t links;
	bool ok;

	if (o->prog == NULL)
		o->prog = g_strsplit("reinject", " ", -1);
	if (!o->size_given)
		o->size_bytes = o->proto == GEN_UDP ? 64 : 56;
	if (!scn_gen_program_check(o->prog, err) ||
	    !gen_count_links(o, &links, err) || !gen_check_fragments(o, err))
		return (false);
	gen_topo_init(&t);
	gen_build(&t, o);
	gen_compute_routes(&t);
	ok = gen_check_queues(&t, o, err);
	if (ok) {
		gen_compute_expectations(&t, o);
		gen_put_scenario(out, &t, o, argc, argv);
	}
	gen_topo_free(&t);
	return (ok);
}
