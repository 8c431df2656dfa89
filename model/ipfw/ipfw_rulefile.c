/*
 * Rule files: `ipfw [-q] [-p m4|cpp [-Dname[=value]|-Uname]...] FILE`, read
 * as sbin/ipfw/main.c's ipfw_readfile() reads them: the file (or the
 * preprocessor's output, the file being its standard input) is read line
 * by line and each line is one ipfw(8) command without the word "ipfw",
 * split into words as ipfw_main() splits a single-string argument.
 *
 * The whole file is parsed when the scenario is read, so that a bad line
 * is reported before anything runs; the lines are carried out in order
 * when the command runs (ipfw_cmd_exec()).
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_rule.h"

/* ipfw_main()'s WHITESP. */
#define	WHITESP		" \t\f\v\n\r"

static const char *const commands[] = {
	"add", "delete", "flush", "list", "show", "table", "zero",
};

static bool
is_command(const char *w)
{
	for (size_t k = 0; k < G_N_ELEMENTS(commands); k++)
		if (strcmp(w, commands[k]) == 0)
			return (true);
	return (false);
}

/* Index of the first word that is not a getopt flag word (-q, -f, -qf). */
static int
skip_flags(int argc, char *const argv[])
{
	int i = 0;

	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0' &&
	    strcmp(argv[i], "-p") != 0)
		i++;
	return (i);
}

bool
ipfw_cmd_is_file(int argc, char *const argv[], const char *basedir)
{
	int i = skip_flags(argc, argv);
	char *path;
	bool exists;

	if (i < argc && strcmp(argv[i], "-p") == 0)
		return (true);
	if (i != argc - 1 || is_command(argv[i]))
		return (false);
	/* ipfw(8) wants an absolute path; a scenario's paths are relative
	 * to the scenario file.  A word that names no file and does not
	 * look like a path is left to the command parser's "unknown
	 * command" error. */
	if (strchr(argv[i], '/') != NULL || strchr(argv[i], '.') != NULL)
		return (true);
	path = g_path_is_absolute(argv[i]) || basedir == NULL ?
	    g_strdup(argv[i]) : g_build_filename(basedir, argv[i], NULL);
	exists = g_file_test(path, G_FILE_TEST_IS_REGULAR);
	g_free(path);
	return (exists);
}

/*
 * ipfw_main() with one string: '#' ends the line, blanks after a ','
 * are dropped (so "{ A, B }" keeps "A,B" in one word), the rest splits
 * at blanks.
 */
static gchar **
split_line(const char *line)
{
	GPtrArray *words = g_ptr_array_new();
	GString *cur = g_string_new(NULL);
	bool after_comma = false;

	for (const char *p = line; *p != '\0' && *p != '#'; p++) {
		if (strchr(WHITESP, *p) != NULL) {
			if (after_comma)
				continue;
			if (cur->len > 0) {
				g_ptr_array_add(words, g_strdup(cur->str));
				g_string_truncate(cur, 0);
			}
			continue;
		}
		g_string_append_c(cur, *p);
		after_comma = *p == ',';
	}
	if (cur->len > 0)
		g_ptr_array_add(words, g_strdup(cur->str));
	g_string_free(cur, TRUE);
	g_ptr_array_add(words, NULL);
	return ((gchar **)g_ptr_array_free(words, FALSE));
}

/* In the child, before exec: the rule file is the preprocessor's stdin,
 * as ipfw_readfile() dup2()s it. */
static void
stdin_from_file(gpointer data)
{
	int fd = open((const char *)data, O_RDONLY);

	if (fd >= 0) {
		(void)dup2(fd, 0);
		(void)close(fd);
	}
}

/* Run the preprocessor argv[0] with the rest of argv, stdin = path. */
static char *
preprocess(char **pargv, const char *path, GError **err)
{
	char *out = NULL, *errs = NULL;
	int status = 0;
	GError *e = NULL;
	char *text = NULL;

	if (!g_spawn_sync(NULL, pargv, NULL, G_SPAWN_SEARCH_PATH,
	    stdin_from_file, (gpointer)path, &out, &errs, &status, &e)) {
		g_set_error(err, IPFW_ERROR, 0,
		    "cannot run preprocessor '%s': %s", pargv[0],
		    e->message);
		g_error_free(e);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		g_strstrip(errs);
		/* ipfw_readfile()'s message, with what the tool said. */
		g_set_error(err, IPFW_ERROR, 0,
		    "preprocessor exited with status %d%s%s",
		    WEXITSTATUS(status), *errs != '\0' ? ": " : "", errs);
	} else if (WIFSIGNALED(status)) {
		g_set_error(err, IPFW_ERROR, 0,
		    "preprocessor exited with signal %d",
		    WTERMSIG(status));
	} else {
		text = out;
		out = NULL;
	}
	g_free(out);
	g_free(errs);
	return (text);
}

struct ipfw_cmd *
ipfw_file_parse(int release, int argc, char *const argv[],
    const char *basedir, int *bad_word, GError **err)
{
	struct ipfw_cmd *cmd;
	GPtrArray *pargv = NULL;
	GPtrArray *subs;
	GArray *lines;
	char *path = NULL, *text = NULL;
	gchar **tl = NULL;
	GError *e = NULL;
	bool quiet = false;
	int i, dummy, file_word;

	if (bad_word == NULL)
		bad_word = &dummy;
	for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1] != '\0' &&
	    strcmp(argv[i], "-p") != 0; i++) {
		for (const char *p = argv[i] + 1; *p != '\0'; p++) {
			if (*p == 'q') {
				quiet = true;
			} else if (*p != 'f') {
				*bad_word = i;
				g_set_error(err, IPFW_ERROR, 0,
				    "unknown flag '-%c' in '%s'",
				    *p, argv[i]);
				return (NULL);
			}
		}
	}
	file_word = argc - 1;
	if (i < argc && strcmp(argv[i], "-p") == 0) {
		/* -p CMD [ARGS...] FILE: the words between go to CMD. */
		if (i + 2 >= argc) {
			*bad_word = argc;
			g_set_error(err, IPFW_ERROR, 0, "missing %s after '-p'",
			    i + 1 >= argc ? "preprocessor" : "file name");
			return (NULL);
		}
		/* Only the two preprocessors ipfw(8) documents: a scenario
		 * must not run arbitrary programs. */
		if (strcmp(argv[i + 1], "m4") != 0 &&
		    strcmp(argv[i + 1], "cpp") != 0) {
			*bad_word = i + 1;
			g_set_error(err, IPFW_ERROR, 0,
			    "preprocessor '%s' is not modelled "
			    "(m4, cpp)", argv[i + 1]);
			return (NULL);
		}
		pargv = g_ptr_array_new();
		for (int k = i + 1; k < file_word; k++) {
			if (k > i + 1 && strncmp(argv[k], "-D", 2) != 0 &&
			    strncmp(argv[k], "-U", 2) != 0) {
				*bad_word = k;
				g_set_error(err, IPFW_ERROR, 0,
				    "preprocessor option '%s' not "
				    "modelled (-Dname[=value], -Uname)",
				    argv[k]);
				g_ptr_array_free(pargv, TRUE);
				return (NULL);
			}
			g_ptr_array_add(pargv, argv[k]);
		}
		g_ptr_array_add(pargv, NULL);
	} else if (i != file_word) {
		/* ipfw_readfile(): "extraneous filename arguments". */
		*bad_word = i < argc ? i : argc;
		g_set_error(err, IPFW_ERROR, 0,
		    "extraneous filename arguments %s",
		    argv[file_word]);
		return (NULL);
	}

	path = g_path_is_absolute(argv[file_word]) || basedir == NULL ?
	    g_strdup(argv[file_word]) :
	    g_build_filename(basedir, argv[file_word], NULL);
	if (!g_file_get_contents(path, &text, NULL, &e)) {
		*bad_word = file_word;
		g_set_error(err, IPFW_ERROR, 0, "fopen: %s", e->message);
		g_error_free(e);
		goto fail;
	}
	if (pargv != NULL) {
		g_free(text);
		text = preprocess((char **)pargv->pdata, path, err);
		if (text == NULL) {
			*bad_word = file_word;
			goto fail;
		}
	}

	cmd = g_new0(struct ipfw_cmd, 1);
	cmd->kind = IPFW_CMD_FILE;
	cmd->quiet = quiet;
	cmd->file = g_strdup(argv[file_word]);
	subs = g_ptr_array_new();
	lines = g_array_new(FALSE, FALSE, sizeof(unsigned));
	tl = g_strsplit(text, "\n", -1);
	for (unsigned ln = 0; tl[ln] != NULL; ln++) {
		gchar **words = split_line(tl[ln]);
		int n = (int)g_strv_length(words);
		int bw = 0;
		struct ipfw_cmd *c;
		unsigned lineno = ln + 1;

		if (n == 0) {
			g_strfreev(words);
			continue;
		}
		c = ipfw_cmd_parse_release(release, n, words, &bw, &e);
		if (c == NULL) {
			*bad_word = file_word;
			g_set_error(err, IPFW_ERROR, 0,
			    "%s: line %u: %s (at '%s')",
			    argv[file_word], lineno,
			    e != NULL ? e->message : "bad ipfw command",
			    bw >= 0 && bw < n ? words[bw] : "end of line");
			g_clear_error(&e);
			g_strfreev(words);
			g_ptr_array_add(subs, NULL);
			cmd->sub = (struct ipfw_cmd **)g_ptr_array_free(subs,
			    FALSE);
			cmd->sub_line = (unsigned *)(void *)g_array_free(lines,
			    FALSE);
			ipfw_cmd_free(cmd);
			goto fail;
		}
		g_strfreev(words);
		if (quiet)
			c->quiet = true;
		g_ptr_array_add(subs, c);
		g_array_append_val(lines, lineno);
	}
	cmd->n_sub = subs->len;
	g_ptr_array_add(subs, NULL);
	cmd->sub = (struct ipfw_cmd **)g_ptr_array_free(subs, FALSE);
	cmd->sub_line = (unsigned *)(void *)g_array_free(lines, FALSE);
	g_strfreev(tl);
	g_free(text);
	g_free(path);
	if (pargv != NULL)
		g_ptr_array_free(pargv, TRUE);
	return (cmd);
fail:
	g_strfreev(tl);
	g_free(text);
	g_free(path);
	if (pargv != NULL)
		g_ptr_array_free(pargv, TRUE);
	return (NULL);
}
