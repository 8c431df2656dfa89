/*
 * The trace folder and its writers (model/trace/trace_dir.c): a failed
 * write leaves the file on a whole record and names the file and errno;
 * a folder of another user is refused; and a world whose link spins at one
 * instant is stopped with the link named (model/scenario/scn_build.c).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "check_util.h"

#include "apps/proc.h"
#include "net/host.h"
#include "net/if.h"
#include "ns3/ns3_shim.h"
#include "scenario/scn.h"
#include "scenario/scn_build.h"
#include "trace/trace_dir.h"

static char *tmpdir;

static void
tmp_setup(void)
{
	tmpdir = g_dir_make_tmp("divertsim-out-XXXXXX", NULL);
	ck_assert_ptr_nonnull(tmpdir);
}

static void
tmp_teardown(void)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);

	ck_assert_int_eq(system(cmd), 0);
	g_free(cmd);
	g_free(tmpdir);
}

static int stopped;

static void
count_stop(void *ctx)
{
	(void)ctx;
	stopped++;
}

/*
 * RLIMIT_FSIZE of 4096 bytes (SIGXFSZ ignored: write() fails with EFBIG,
 * as on a full disk it fails with ENOSPC): 100-byte records go in until
 * one does not fit; the file is cut back to 4000 bytes, 40 whole records,
 * the error names the file and EFBIG, and the stop function ran once.
 */
START_TEST(write_error_keeps_whole_records)
{
	struct rlimit old, lim;
	struct trace_dir *td;
	struct out_file *f;
	uint8_t rec[100];
	struct stat st;
	GError *err = NULL;
	char *want;
	int i, writes_ok = 0;
	bool lim_ok, flush_ok;

	memset(rec, 'x', sizeof(rec));
	rec[99] = '\n';
	td = trace_dir_open(tmpdir, 0, &err);
	ck_assert_ptr_nonnull(td);
	stopped = 0;
	trace_dir_set_stop(td, count_stop, NULL);
	f = trace_dir_create(td, "events.jsonl", &err);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim.rlim_cur = 4096;
	lim.rlim_max = old.rlim_max;
	signal(SIGXFSZ, SIG_IGN);
	/*
	 * No ck_assert while the limit holds: Check writes its own records
	 * to a file too.  The buffer is 64 KiB: 655 records fit in it, the
	 * 656th flushes them, which fails; then nothing is taken any more.
	 */
	lim_ok = setrlimit(RLIMIT_FSIZE, &lim) == 0;
	for (i = 0; i < 1000; i++)
		writes_ok += out_file_write(f, rec, sizeof(rec));
	flush_ok = out_file_flush(f);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	ck_assert(lim_ok);
	ck_assert_int_eq(writes_ok, 655);
	ck_assert(!flush_ok);
	ck_assert(!out_file_write(f, rec, sizeof(rec)));
	ck_assert_int_eq(out_file_errno(f), EFBIG);
	ck_assert_int_eq(stopped, 1);
	want = g_strdup_printf("%s/events.jsonl: File too large (EFBIG)",
	    tmpdir);
	ck_assert_str_eq(trace_dir_error(td), want);
	g_free(want);
	ck_assert(!trace_dir_finish(td));
	want = g_build_filename(tmpdir, "events.jsonl", NULL);
	ck_assert_int_eq(stat(want, &st), 0);
	/* 4096 bytes were allowed; the 41st record was cut, then removed. */
	ck_assert_int_eq(st.st_size, 4000);
	g_free(want);
	ck_assert(!out_file_close(f, &err));
	ck_assert_ptr_nonnull(err);
	g_error_free(err);
	trace_dir_free(td);
	ck_assert_int_eq(stopped, 1);
}
END_TEST

/* Files are truncated only in a folder of the user running divertsim. */
START_TEST(foreign_folder_refused)
{
	char *d = g_build_filename(tmpdir, "theirs", NULL);
	GError *err = NULL;

	ck_assert_int_eq(g_mkdir(d, 0755), 0);
	if (geteuid() != 0 || chown(d, 1, 1) != 0) {
		g_free(d);
		return;		/* only root can make such a folder here */
	}
	ck_assert_ptr_null(trace_dir_open(d, 0, &err));
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err->message, "belongs to another user (uid 1)")
	    != NULL, "%s", err->message);
	g_error_free(err);
	g_free(d);
}
END_TEST

/*
 * A symlink planted in the folder after the stale traces were removed is
 * never followed (O_NOFOLLOW): ELOOP, named, and the target untouched;
 * a FIFO is not a regular file and does not block the run.
 */
START_TEST(symlink_and_fifo_refused)
{
	char *target = g_build_filename(tmpdir, "target", NULL);
	char *link = g_build_filename(tmpdir, "a-em0.pcap", NULL);
	char *fifo = g_build_filename(tmpdir, "b-em0.pcap", NULL);
	struct trace_dir *td;
	GError *err = NULL;
	char *text = NULL;
	char *want;

	ck_assert(g_file_set_contents(target, "precious", -1, NULL));
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	td = trace_dir_open(tmpdir, 0, NULL);
	ck_assert_ptr_nonnull(td);
	ck_assert_ptr_null(trace_dir_create(td, "a-em0.pcap", &err));
	want = g_strdup_printf("%s: is a symbolic link, not followed (ELOOP)",
	    link);
	ck_assert_str_eq(err->message, want);
	ck_assert_str_eq(trace_dir_error(td), want);
	g_clear_error(&err);
	g_free(want);
	ck_assert_ptr_null(trace_dir_create(td, "b-em0.pcap", &err));
	want = g_strdup_printf("%s: not a regular file", fifo);
	ck_assert_str_eq(err->message, want);
	g_clear_error(&err);
	g_free(want);
	ck_assert(g_file_get_contents(target, &text, NULL, NULL));
	ck_assert_str_eq(text, "precious");
	trace_dir_free(td);
	g_free(text);
	g_free(target);
	g_free(link);
	g_free(fifo);
}
END_TEST

/*
 * Files leave the folder in any order (first made first, from the middle,
 * last): each close finds its file by its index, and the folder's limit
 * counts only those still open.  Each file keeps its one record.
 */
START_TEST(files_closed_in_any_order)
{
	static const unsigned order[] = { 0, 1, 4, 2, 7, 6 };
	struct trace_dir *td;
	struct out_file *f[8];
	char name[16];

	td = trace_dir_open(tmpdir, 0, NULL);
	ck_assert_ptr_nonnull(td);
	for (unsigned i = 0; i < G_N_ELEMENTS(f); i++) {
		(void)snprintf(name, sizeof(name), "f%u", i);
		f[i] = trace_dir_create(td, name, NULL);
		ck_assert_ptr_nonnull(f[i]);
		ck_assert(out_file_write(f[i], name, strlen(name)));
	}
	for (unsigned k = 0; k < G_N_ELEMENTS(order); k++)
		ck_assert(out_file_close(f[order[k]], NULL));
	/* f3 and f5 are still open: written out by the folder's end. */
	ck_assert(out_file_write(f[3], "!", 1));
	trace_dir_free(td);
	for (unsigned i = 0; i < G_N_ELEMENTS(f); i++) {
		char *path, *text = NULL, *want;

		(void)snprintf(name, sizeof(name), "f%u", i);
		path = g_build_filename(tmpdir, name, NULL);
		ck_assert(g_file_get_contents(path, &text, NULL, NULL));
		want = g_strdup_printf("%s%s", name, i == 3 ? "!" : "");
		ck_assert_str_eq(text, want);
		g_free(want);
		g_free(text);
		g_free(path);
	}
}
END_TEST

/* A regular file where the folder should be: a clear error. */
START_TEST(folder_is_a_file)
{
	char *d = g_build_filename(tmpdir, "file", NULL);
	GError *err = NULL;

	ck_assert(g_file_set_contents(d, "x", 1, NULL));
	ck_assert_ptr_null(trace_dir_open(d, 0, &err));
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err->message, "Not a directory") != NULL ||
	    strstr(err->message, "File exists") != NULL, "%s",
	    err->message);
	g_error_free(err);
	g_free(d);
}
END_TEST

struct bouncer {
	ns3_dev	*out;
};

static void
bounce(void *ctx, const uint8_t *bytes, size_t len,
    const struct ns3_frame_tag *tag)
{
	struct bouncer *b = ctx;

	(void)ns3_dev_send(b->out, bytes, len, tag);
}

/*
 * A link with delay 0 at 1000 Gb/s (a 30-byte frame takes 0.24 ns, 0
 * once rounded) whose two ends send back every frame they receive: a
 * zero-time livelock.  The run stops after RUN_MAX_EVENTS_PER_INSTANT
 * events at 1 ms, and says which link spins.
 */
START_TEST(livelock_names_the_link)
{
	static const char text[] =
	    "host a\n  ifconfig em0 inet 10.0.0.1/24\n"
	    "host b\n  ifconfig em0 inet 10.0.0.2/24\n"
	    "link a:em0 b:em0 rate 1000Gbps delay 0s\n"
	    "at 1ms a ping -s 0 10.0.0.2\n"
	    "run 2ms\n";
	FILE *devnull = fopen("/dev/null", "w");
	struct run_opts o = { 0 };
	struct scenario *s;
	struct world *w;
	struct ifnet *ia, *ib;
	struct bouncer ba, bb;
	unsigned nerr = 0, passed;
	const char *why;

	divert_programs_builtin();
	s = scn_parse_string("t.scn", text, stderr, &nerr);
	ck_assert_ptr_nonnull(s);
	o.out = devnull;
	o.errout = devnull;
	o.quiet = true;
	w = scn_build(s, &o, &nerr);
	ck_assert_ptr_nonnull(w);
	ia = g_ptr_array_index(world_host(w, "a")->ifnets, 1);
	ib = g_ptr_array_index(world_host(w, "b")->ifnets, 1);
	ck_assert_str_eq(ia->if_xname, "em0");
	ck_assert_str_eq(ib->if_xname, "em0");
	/* b sends back to a, a to b: the echo servers of the issue. */
	ba.out = ia->if_dev;
	bb.out = ib->if_dev;
	ns3_dev_set_rx(ia->if_dev, bounce, NULL, &ba);
	ns3_dev_set_rx(ib->if_dev, bounce, NULL, &bb);
	(void)world_run(w, &passed);
	why = world_cut_short(w);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, "livelock: more than 1000000 events at one "
	    "simulated instant") != NULL, "%s", why);
	ck_assert_msg(strstr(why, "a:em0 - b:em0") != NULL ||
	    strstr(why, "b:em0 - a:em0") != NULL, "%s", why);
	ck_assert_msg(g_str_has_suffix(why, " at 0.001000000 s"), "%s", why);
	world_free(w);
	scn_free(s);
	fclose(devnull);
}
END_TEST

static Suite *
outputs_suite(void)
{
	const TTest *const tests[] = {
		write_error_keeps_whole_records,
		foreign_folder_refused,
		symlink_and_fifo_refused,
		files_closed_in_any_order,
		folder_is_a_file,
		livelock_names_the_link,
		NULL,
	};

	return (check_suite("outputs", tests, tmp_setup, tmp_teardown));
}

CHECK_MAIN(outputs_suite())
