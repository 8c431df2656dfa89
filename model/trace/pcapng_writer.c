/*
 * run.pcapng through libwiretap.  libwiretap writes to a descriptor of its
 * own (a memfd); each record is counted against the trace budget as soon
 * as libwiretap has it, and the bytes are taken from the memfd in batches
 * and handed, with where each record ends, to the trace folder's checked
 * file, so that run.pcapng obeys the folder's rules (O_NOFOLLOW, the
 * --max-trace-bytes budget, a failed write cut back to the last whole
 * block) like every other trace.
 */
#include "trace/pcapng_writer.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>
#include <wiretap/pcap-encap.h>
#include <wiretap/wtap.h>
#include <wsutil/exported_pdu_tlvs.h>
#include <wsutil/wslog.h>

#include "config.h"
#include "sim/sim_sched.h"
#include "trace/pcap_writer.h"
#include "trace/trace_dir.h"

/*
 * libwiretap is opened (dlopen) when a run first writes run.pcapng, not
 * linked: it and the libraries it needs took a quarter of every
 * divertsim start-up, most of which write no pcapng.  Each function is
 * called through a pointer of its own declared type; the names below
 * stand for those pointers.
 */
#define	WTAP_FUNCS(X)							\
	X(ws_log_set_writer) X(ws_log_set_level) X(wtap_init)		\
	X(wtap_strerror) X(wtap_dump_flush) X(wtap_get_bytes_dumped)	\
	X(wtap_rec_init) X(wtap_rec_cleanup) X(wtap_block_create)	\
	X(wtap_block_unref) X(wtap_block_get_mandatory_data)		\
	X(wtap_block_add_string_option) X(wtap_block_add_uint8_option)	\
	X(wtap_block_add_uint32_option) X(wtap_block_add_uint64_option)	\
	X(wtap_block_set_nth_string_option_value)			\
	X(wtap_block_get_nth_string_option_value)			\
	X(wtap_block_set_uint64_option_value)				\
	X(wtap_dump_fdopen) X(wtap_dump_add_idb) X(wtap_dump)		\
	X(wtap_dump_close) X(wtap_pcapng_file_type_subtype)		\
	X(wtap_pcap_encap_to_wtap_encap)
#define	WTAP_PTR(f)	static __typeof__(f) *p_##f;
WTAP_FUNCS(WTAP_PTR)

/* dlerror()'s text when libwiretap could not be opened, else NULL. */
static char *wtap_load_error;

static void
wtap_load(void)
{
	void *h = dlopen(DIVERTSIM_WIRETAP_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;

	if (h == NULL) {
		wtap_load_error = g_strdup(dlerror());
		return;
	}
	/* dlsym() on the handle also finds libwsutil's ws_log_*(). */
#define	WTAP_SYM(f)							\
	if ((*(void **)&p_##f = dlsym(h, #f)) == NULL && missing == NULL) \
		missing = #f;
	WTAP_FUNCS(WTAP_SYM)
#undef WTAP_SYM
	if (missing != NULL)
		wtap_load_error = g_strdup_printf("%s: no %s()",
		    DIVERTSIM_WIRETAP_SONAME, missing);
}

#define	ws_log_set_writer		(*p_ws_log_set_writer)
#define	ws_log_set_level		(*p_ws_log_set_level)
#define	wtap_init			(*p_wtap_init)
#define	wtap_strerror			(*p_wtap_strerror)
#define	wtap_dump_flush			(*p_wtap_dump_flush)
#define	wtap_get_bytes_dumped		(*p_wtap_get_bytes_dumped)
#define	wtap_rec_init			(*p_wtap_rec_init)
#define	wtap_rec_cleanup		(*p_wtap_rec_cleanup)
#define	wtap_block_create		(*p_wtap_block_create)
#define	wtap_block_unref		(*p_wtap_block_unref)
#define	wtap_block_get_mandatory_data	(*p_wtap_block_get_mandatory_data)
#define	wtap_block_add_string_option	(*p_wtap_block_add_string_option)
#define	wtap_block_add_uint8_option	(*p_wtap_block_add_uint8_option)
#define	wtap_block_add_uint32_option	(*p_wtap_block_add_uint32_option)
#define	wtap_block_add_uint64_option	(*p_wtap_block_add_uint64_option)
#define	wtap_block_set_nth_string_option_value \
	(*p_wtap_block_set_nth_string_option_value)
#define	wtap_block_get_nth_string_option_value \
	(*p_wtap_block_get_nth_string_option_value)
#define	wtap_block_set_uint64_option_value \
	(*p_wtap_block_set_uint64_option_value)
#define	wtap_dump_fdopen		(*p_wtap_dump_fdopen)
#define	wtap_dump_add_idb		(*p_wtap_dump_add_idb)
#define	wtap_dump			(*p_wtap_dump)
#define	wtap_dump_close			(*p_wtap_dump_close)
#define	wtap_pcapng_file_type_subtype	(*p_wtap_pcapng_file_type_subtype)
#define	wtap_pcap_encap_to_wtap_encap	(*p_wtap_pcap_encap_to_wtap_encap)

/* pcapng's epb_flags direction bits (the pcapng specification, 4.3.1). */
#define	EPB_FLAG_INBOUND	1u
#define	EPB_FLAG_OUTBOUND	2u

/* Bytes gathered in the memfd before they go to the file. */
#define	PCAPNG_RELAY_BATCH	(64 * 1024)

/* The dissector Wireshark runs on a pseudo-interface record's text. */
#define	STEP_DISSECTOR		"data-text-lines"

struct pcapng_if {
	guint32		 id;		/* IDB index */
	uint32_t	 linktype;
	int		 encap;		/* WTAP_ENCAP_ of linktype */
};

/*
 * if_get()'s memo: (host, interface name) pointers -> interface, found
 * without building "host:ifname" and hashing it; open addressing, never
 * more than half full.  A host's name stays put while the run lives; an
 * interface name may be a caller's stack buffer, so its text is kept and
 * compared, and an entry whose text differs is given the new one.
 */
struct pcapng_ifmemo {
	const char	*host;		/* NULL: a free entry */
	const char	*ifptr;
	struct pcapng_if *pi;
	char		 ifname[16];	/* "": the host's own */
};

/*
 * The packet block of a record: a comment, then the direction flags and
 * the packet id when the step has them.  Blocks are made once and given
 * each record's values, instead of a block made, filled and freed per
 * record: per direction (none, inbound, outbound) one without a packet
 * id and one for each packet id modulo BLK_IDS, so that the flags are
 * fixed in a block and its id is set only when another packet takes it
 * over (the steps of one packet's walk find theirs still set while
 * fewer than BLK_IDS packets are in flight).  A record then costs one
 * option set (the comment, through libwiretap's own setter: the block's
 * string belongs to libwiretap) and seldom a look-up.  The options are in the order a fresh block
 * had them, so the file's bytes are the same.
 */
struct pcapng_blk {
	wtap_block_t	 b;
	uint64_t	 id;		/* the packet id option's value */
};
#define	BLK_DIRS	3		/* no flags, inbound, outbound */
#define	BLK_IDS		128		/* at most 3 * (1 + BLK_IDS) blocks */

struct pcapng_writer {
	struct out_file	*f;
	wtap_dumper	*wdh;
	int		 mfd;		/* libwiretap's output, read back */
	gint64		 base;		/* libwiretap's byte count at mfd's
					   first byte */
	gint64		 last;		/* that count at the last mark */
	size_t		*ends;		/* where each record not relayed yet
					   ends in the memfd */
	size_t		 nends, ends_cap;
	uint8_t		*relay_buf;	/* a batch, read back */
	size_t		 relay_cap;
	GHashTable	*ifs;		/* "host:ifname" -> struct pcapng_if */
	guint32		 nifs;
	struct pcapng_ifmemo *memo;
	size_t		 memo_cap, memo_len;
	GArray		*shb;		/* the section header, for wiretap */
	wtap_rec	 rec;
	/* [direction][0: no packet id, else 1 + id % BLK_IDS] */
	struct pcapng_blk blk[BLK_DIRS][1 + BLK_IDS];
	uint8_t		*data;		/* one record's bytes */
	size_t		 data_cap;
	char		*scratch;	/* a comment on its way to a block */
	size_t		 scratch_cap;
	GString		*key;		/* if_get()'s scratch on a miss */
	uint64_t	 records;
	bool		 failed;
};

/*
 * libwiretap reports through its return values; its log (debug lines on
 * stderr by default) stays silent.  ws_log's writer is the process's: the
 * library has no other user of it.
 */
static void
ws_log_quiet(const char *domain, enum ws_log_level level,
    struct timespec timestamp, const char *file, long line,
    const char *func, const char *user_format, va_list user_ap,
    void *user_data)
{
	(void)domain, (void)level, (void)timestamp, (void)file, (void)line;
	(void)func, (void)user_format, (void)user_ap, (void)user_data;
}

static GOnce wtap_once_ctl = G_ONCE_INIT;

static gpointer
wtap_once(gpointer arg)
{
	(void)arg;
	wtap_load();
	if (wtap_load_error != NULL)
		return (NULL);
	ws_log_set_writer(ws_log_quiet);
	ws_log_set_level(LOG_LEVEL_CRITICAL);
	wtap_init(FALSE);
	return (NULL);
}

static void
pcapng_fail(struct pcapng_writer *w, int err, const char *err_info)
{
	char *msg;

	if (w->failed)
		return;
	w->failed = true;
	/* libwiretap's own codes are negative, errno values positive. */
	msg = g_strdup_printf("%s%s%s%s", err < 0 ? "libwiretap: " : "",
	    err != 0 ? wtap_strerror(err) : "error",
	    err_info != NULL ? ": " : "", err_info != NULL ? err_info : "");
	out_file_fail(w->f, err > 0 ? err : EIO, msg);
	g_free(msg);
}

/*
 * Hand the records marked since the last relay (counted against the
 * budget already) to the checked file, in one write that keeps whole
 * records on failure, then rewind the memfd.  flush is false once the dumper is closed (it
 * flushed).
 */
static bool
relay(struct pcapng_writer *w, bool flush)
{
	int err = 0;
	size_t n;
	ssize_t got;

	if (w->failed)
		return (false);
	if (flush && !wtap_dump_flush(w->wdh, &err)) {
		pcapng_fail(w, err, NULL);
		return (false);
	}
	n = (size_t)(w->last - w->base);
	if (n > 0) {
		if (n > w->relay_cap) {
			g_free(w->relay_buf);
			w->relay_cap = n;
			w->relay_buf = g_malloc(n);
		}
		got = pread(w->mfd, w->relay_buf, n, 0);
		if (got < 0 || (size_t)got != n) {
			pcapng_fail(w, got < 0 ? errno : EIO, NULL);
			return (false);
		}
		/* Refused: the file's error (disk), the run stops. */
		if (!out_file_write_reserved_n(w->f, w->relay_buf, n, w->ends,
		    w->nends))
			w->failed = true;
	}
	w->nends = 0;
	if (w->failed)
		return (false);
	if (!flush)
		return (true);
	/*
	 * Rewind the memfd (libwiretap's descriptor is a dup: they share the
	 * offset): the next batch overwrites this one, so the memfd never
	 * grows past a batch and a record and never meets a file size limit
	 * the real file has not.  Bytes past the last mark (a record
	 * refused) are overwritten too.
	 */
	if (lseek(w->mfd, 0, SEEK_SET) != 0) {
		pcapng_fail(w, errno, NULL);
		return (false);
	}
	w->base = w->last = wtap_get_bytes_dumped(w->wdh);
	return (true);
}

/*
 * A record (or an interface) is complete: count it against the budget
 * now, as a file written record by record would, mark where it ends, and
 * relay once a batch is there (a few syscalls a batch instead of a
 * record).  A record over the budget is refused after the ones before it
 * reached the file, and the run stops.
 */
static void
mark(struct pcapng_writer *w)
{
	gint64 end = wtap_get_bytes_dumped(w->wdh);
	size_t len = (size_t)(end - w->last);

	if (w->failed)
		return;
	if (!out_file_take(w->f, len)) {
		/* The records before it, then the file's error. */
		(void)relay(w, true);
		(void)out_file_reserve(w->f, len);
		w->failed = true;
		return;
	}
	w->last = end;
	if (w->nends == w->ends_cap) {
		w->ends_cap = w->ends_cap != 0 ? 2 * w->ends_cap : 256;
		w->ends = g_renew(size_t, w->ends, w->ends_cap);
	}
	w->ends[w->nends++] = (size_t)(end - w->base);
	if (end - w->base >= PCAPNG_RELAY_BATCH)
		(void)relay(w, true);
}

static bool	blk_make(struct pcapng_writer *w, unsigned dir,
		    unsigned slot);

struct pcapng_writer *
pcapng_writer_create(struct trace_dir *td, const char *name,
    const char *comment)
{
	struct pcapng_writer *w;
	struct out_file *f;
	wtap_block_t shb;

	f = trace_dir_create(td, name, NULL);
	if (f == NULL)
		return (NULL);
	g_once(&wtap_once_ctl, wtap_once, NULL);
	w = g_new0(struct pcapng_writer, 1);
	w->f = f;
	w->mfd = -1;
	w->ifs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	w->key = g_string_sized_new(32);
	w->memo_cap = 64;
	w->memo = g_new0(struct pcapng_ifmemo, w->memo_cap);
	w->shb = g_array_new(FALSE, FALSE, sizeof(wtap_block_t));
	if (wtap_load_error != NULL) {
		/* Only the file's error: nothing of libwiretap is called. */
		char *msg = g_strdup_printf("cannot open libwiretap: %s",
		    wtap_load_error);

		w->failed = true;
		out_file_fail(f, ELIBACC, msg);
		g_free(msg);
		return (w);
	}
	wtap_rec_init(&w->rec);
	w->rec.rec_type = REC_TYPE_PACKET;
	w->rec.presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN |
	    WTAP_HAS_INTERFACE_ID;
	w->rec.tsprec = WTAP_TSPREC_NSEC;

	shb = wtap_block_create(WTAP_BLOCK_SECTION);
	(void)wtap_block_add_string_option(shb, OPT_SHB_USERAPPL,
	    "divertsim", strlen("divertsim"));
	if (comment != NULL)
		(void)wtap_block_add_string_option(shb, OPT_COMMENT, comment,
		    strlen(comment));
	g_array_append_val(w->shb, shb);

	for (unsigned d = 0; d < BLK_DIRS; d++)
		for (unsigned i = 0; i < 1 + BLK_IDS; i++)
			if (!blk_make(w, d, i) && !w->failed)
				pcapng_fail(w, 0, "cannot make a packet block");
	w->mfd = memfd_create("divertsim-pcapng", MFD_CLOEXEC);
	if (w->mfd < 0)
		pcapng_fail(w, errno, "memfd_create()");
	return (w);
}

/*
 * Open the dumper with its first interface: libwiretap 4.0 makes up an
 * interface of the file's encapsulation when given none, and a
 * per-packet one cannot be written.
 */
static bool
dump_open(struct pcapng_writer *w, wtap_block_t idb)
{
	wtap_dump_params params = WTAP_DUMP_PARAMS_INIT;
	wtapng_iface_descriptions_t idbs;
	gchar *err_info = NULL;
	int err = 0, wfd;

	wfd = dup(w->mfd);
	if (wfd < 0) {
		pcapng_fail(w, errno, NULL);
		return (false);
	}
	idbs.interface_data = g_array_new(FALSE, FALSE, sizeof(wtap_block_t));
	g_array_append_val(idbs.interface_data, idb);
	params.encap = WTAP_ENCAP_PER_PACKET;
	params.tsprec = WTAP_TSPREC_NSEC;
	params.shb_hdrs = w->shb;
	params.idb_inf = &idbs;
	w->wdh = wtap_dump_fdopen(wfd, wtap_pcapng_file_type_subtype(),
	    WTAP_UNCOMPRESSED, &params, &err, &err_info);
	/* The dumper took a copy of the interface. */
	g_array_free(idbs.interface_data, TRUE);
	if (w->wdh == NULL) {
		close(wfd);
		pcapng_fail(w, err, err_info);
		g_free(err_info);
		return (false);
	}
	return (true);
}

static struct pcapng_if *
if_describe(struct pcapng_writer *w, const char *fullname, uint32_t linktype)
{
	wtapng_if_descr_mandatory_t *m;
	struct pcapng_if *pi;
	wtap_block_t idb;
	gchar *err_info = NULL;
	int err = 0, encap = wtap_pcap_encap_to_wtap_encap((int)linktype);
	bool ok;

	if (w->failed)
		return (NULL);
	idb = wtap_block_create(WTAP_BLOCK_IF_ID_AND_INFO);
	m = wtap_block_get_mandatory_data(idb);
	m->wtap_encap = encap;
	m->time_units_per_second = 1000000000u;
	m->tsprecision = WTAP_TSPREC_NSEC;
	m->snap_len = PCAP_WRITER_SNAPLEN;
	(void)wtap_block_add_string_option(idb, OPT_IDB_NAME, fullname,
	    strlen(fullname));
	/* if_tsresol 9: nanoseconds, as simulated time is kept. */
	(void)wtap_block_add_uint8_option(idb, OPT_IDB_TSRESOL, 9);
	if (w->wdh == NULL)
		ok = dump_open(w, idb);
	else if (!(ok = wtap_dump_add_idb(w->wdh, idb, &err, &err_info))) {
		pcapng_fail(w, err, err_info);
		g_free(err_info);
	}
	wtap_block_unref(idb);
	if (!ok)
		return (NULL);
	mark(w);
	pi = g_new0(struct pcapng_if, 1);
	pi->id = w->nifs++;
	pi->linktype = linktype;
	pi->encap = encap;
	g_hash_table_insert(w->ifs, g_strdup(fullname), pi);
	return (pi);
}

/* The entry of (host, ifptr), or the free one where it would go. */
static struct pcapng_ifmemo *
memo_find(const struct pcapng_writer *w, const char *host, const char *ifptr)
{
	uint64_t h = ((uint64_t)(uintptr_t)host * 0x9e3779b97f4a7c15u) ^
	    ((uint64_t)(uintptr_t)ifptr * 0xc2b2ae3d27d4eb4fu);
	size_t mask = w->memo_cap - 1, i = (size_t)(h >> 32) & mask;

	while (w->memo[i].host != NULL &&
	    (w->memo[i].host != host || w->memo[i].ifptr != ifptr))
		i = (i + 1) & mask;
	return (&w->memo[i]);
}

/* Remember (host, ifname) -> pi. */
static void
memo_put(struct pcapng_writer *w, const char *host, const char *ifname,
    struct pcapng_if *pi)
{
	struct pcapng_ifmemo *m;

	/* A name too long for an entry is looked up by name each time. */
	if (ifname != NULL && strlen(ifname) >= sizeof(m->ifname))
		return;
	if (2 * (w->memo_len + 1) > w->memo_cap) {
		struct pcapng_ifmemo *old = w->memo;
		size_t n = w->memo_cap;

		w->memo_cap = 2 * n;
		w->memo = g_new0(struct pcapng_ifmemo, w->memo_cap);
		for (size_t k = 0; k < n; k++)
			if (old[k].host != NULL)
				*memo_find(w, old[k].host, old[k].ifptr) =
				    old[k];
		g_free(old);
	}
	m = memo_find(w, host, ifname);
	if (m->host == NULL)
		w->memo_len++;
	m->host = host;
	m->ifptr = ifname;
	m->pi = pi;
	(void)g_strlcpy(m->ifname, ifname != NULL ? ifname : "",
	    sizeof(m->ifname));
}

/* strcmp() == 0 for the short names of interfaces, without the call. */
static inline bool
same_name(const char *a, const char *b)
{
	while (*a == *b) {
		if (*a == '\0')
			return (true);
		a++, b++;
	}
	return (false);
}

static struct pcapng_if *
if_get(struct pcapng_writer *w, const char *host, const char *ifname,
    uint32_t linktype)
{
	struct pcapng_ifmemo *m = memo_find(w, host, ifname);
	struct pcapng_if *pi;

	/* The memo first: this runs for every step.  (A NULL ifname is
	 * the host's own interface, "" in the memo.) */
	if (m->host != NULL &&
	    same_name(m->ifname, ifname != NULL ? ifname : ""))
		return (m->pi);
	/* By name: "host:ifname". */
	g_string_assign(w->key, host);
	if (ifname != NULL) {
		g_string_append_c(w->key, ':');
		g_string_append(w->key, ifname);
	}
	pi = g_hash_table_lookup(w->ifs, w->key->str);
	if (pi == NULL)
		pi = if_describe(w, w->key->str, linktype);
	if (pi == NULL)
		return (NULL);
	memo_put(w, host, ifname, pi);
	return (pi);
}

bool
pcapng_writer_interface(struct pcapng_writer *w, const char *host,
    const char *ifname, uint32_t linktype)
{
	if (w->failed)
		return (false);
	return (if_get(w, host, ifname, linktype) != NULL && !w->failed);
}

/* Room for a record's n bytes of data. */
static uint8_t *
data_room(struct pcapng_writer *w, size_t n)
{
	if (n > w->data_cap) {
		w->data_cap = n > 2 * w->data_cap ? n : 2 * w->data_cap;
		g_free(w->data);
		w->data = g_malloc(w->data_cap);
	}
	return (w->data);
}

/* The length of the link header a frame of linktype starts with. */
static size_t
link_header_len(uint32_t linktype)
{
	switch (linktype) {
	case PCAP_LINKTYPE_PPP:
		return (2);
	case PCAP_LINKTYPE_NULL:
		return (4);
	default:
		return (0);
	}
}

/* That header, before the datagram. */
static void
put_link_header(uint8_t *d, uint32_t linktype)
{
	uint32_t af_inet = 2;

	switch (linktype) {
	case PCAP_LINKTYPE_PPP:
		/* As ns-3's PppHeader: the protocol field only (IPv4). */
		d[0] = 0x00;
		d[1] = 0x21;
		break;
	case PCAP_LINKTYPE_NULL:
		/* DLT_NULL, as bpf on FreeBSD's lo0: the family, host order. */
		memcpy(d, &af_inet, sizeof(af_inet));
		break;
	default:
		break;
	}
}

/* An exported-PDU tag (type, length, value; big-endian, not padded);
 * returns the byte after it. */
static uint8_t *
put_tag(uint8_t *d, uint16_t type, const char *val, size_t len)
{
	d[0] = (uint8_t)(type >> 8);
	d[1] = (uint8_t)type;
	d[2] = (uint8_t)(len >> 8);
	d[3] = (uint8_t)len;
	if (len > 0)
		memcpy(d + 4, val, len);
	return (d + 4 + len);
}

/* A step's comment, "kind: text" (klen: kind's length), NUL-terminated,
 * at c. */
static void
put_comment(char *c, const struct ev_step *s, size_t klen)
{
	if (s->kind != NULL) {
		memcpy(c, s->kind, klen);
		c[klen] = ':';
		c[klen + 1] = ' ';
		c += klen + 2;
	}
	memcpy(c, s->text, s->text_len);
	c[s->text_len] = '\0';
}

/*
 * Make the packet block for direction dir (0 none, 1 in, 2 out), with a
 * packet id option if slot is not 0, and an empty comment.  All are
 * made with the file (some 1.0M instructions, once a run): made
 * on first use, each packet of a run's first BLK_IDS would pay for
 * three.
 */
static bool
blk_make(struct pcapng_writer *w, unsigned dir, unsigned slot)
{
	struct pcapng_blk *pb = &w->blk[dir][slot];
	wtap_block_t b;

	b = wtap_block_create(WTAP_BLOCK_PACKET);
	(void)wtap_block_add_string_option(b, OPT_COMMENT, "", 0);
	if (dir != 0)
		(void)wtap_block_add_uint32_option(b, OPT_PKT_FLAGS,
		    dir == 1 ? EPB_FLAG_INBOUND : EPB_FLAG_OUTBOUND);
	if (slot != 0)
		(void)wtap_block_add_uint64_option(b, OPT_PKT_PACKETID, 0);
	pb->b = b;
	pb->id = 0;
	return (true);
}

/* The packet block for direction dir and packet id id (0: none). */
static inline struct pcapng_blk *
pkt_block(struct pcapng_writer *w, unsigned dir, uint64_t id)
{
	return (&w->blk[dir][id != 0 ? 1 + id % BLK_IDS : 0]);
}

void
pcapng_writer_step(void *ctx, const struct ev_step *s)
{
	struct pcapng_writer *w = ctx;
	const struct ev_frame *fr = s->frame;
	struct pcapng_if *pi = NULL;
	const uint8_t *data;
	struct pcapng_blk *pb;
	gchar *err_info = NULL;
	unsigned dir = 0;
	uint64_t id;
	size_t n, clen, klen = 0;
	int err = 0;
	bool ok;

	if (w->failed)
		return;
	if (s->kind != NULL)
		klen = strlen(s->kind);
	if (fr != NULL) {
		pi = if_get(w, s->host, fr->ifname, fr->linktype);
		if (pi == NULL || w->failed)
			return;
		/* An interface described with another link type than this
		 * frame's is a caller's error: the step keeps its text. */
		if (pi->linktype != fr->linktype)
			pi = NULL;
	}
	if (pi != NULL) {
		size_t hl = link_header_len(fr->linktype);

		n = hl + fr->len;
		if (hl == 0) {
			data = fr->bytes;
		} else {
			uint8_t *d = data_room(w, n);

			put_link_header(d, fr->linktype);
			memcpy(d + hl, fr->bytes, fr->len);
			data = d;
		}
		dir = fr->inbound ? 1 : 2;
	} else {
		const char *proto = s->kind != NULL ? s->kind : "divertsim";
		size_t plen = s->kind != NULL ? klen : strlen(proto);
		uint8_t *d, *p;

		pi = if_get(w, s->host, NULL, PCAPNG_LINKTYPE_UPPER_PDU);
		if (pi == NULL || w->failed)
			return;
		/* Shown as "Line-based text data", the kind in the Protocol
		 * column. */
		n = 3 * 4 + strlen(STEP_DISSECTOR) + plen + s->text_len;
		d = data_room(w, n);
		p = put_tag(d, EXP_PDU_TAG_DISSECTOR_NAME, STEP_DISSECTOR,
		    strlen(STEP_DISSECTOR));
		p = put_tag(p, EXP_PDU_TAG_COL_PROT_TEXT, proto, plen);
		p = put_tag(p, EXP_PDU_TAG_END_OF_OPT, NULL, 0);
		memcpy(p, s->text, s->text_len);
		data = d;
	}
	id = s->has_lineage ? s->lineage : 0;
	pb = pkt_block(w, dir, id);
	clen = (s->kind != NULL ? klen + 2 : 0) + s->text_len;
	if (clen + 1 > w->scratch_cap) {
		g_free(w->scratch);
		w->scratch_cap = clen + 1 > 256 ? 2 * (clen + 1) : 256;
		w->scratch = g_malloc(w->scratch_cap);
	}
	put_comment(w->scratch, s, klen);
	if (wtap_block_set_nth_string_option_value(pb->b, OPT_COMMENT, 0,
	    w->scratch, clen) != WTAP_OPTTYPE_SUCCESS) {
		pcapng_fail(w, 0, "cannot set a packet comment");
		return;
	}
	if (pb->id != id) {
		(void)wtap_block_set_uint64_option_value(pb->b,
		    OPT_PKT_PACKETID, id);
		pb->id = id;
	}

	w->rec.ts.secs = (time_t)(s->t_ns / SIM_NS_PER_S);
	w->rec.ts.nsecs = (int)(s->t_ns % SIM_NS_PER_S);
	w->rec.rec_header.packet_header.len = (guint32)n;
	w->rec.rec_header.packet_header.caplen =
	    n < PCAP_WRITER_SNAPLEN ? (guint32)n : PCAP_WRITER_SNAPLEN;
	w->rec.rec_header.packet_header.pkt_encap = pi->encap;
	w->rec.rec_header.packet_header.interface_id = pi->id;
	w->rec.block = pb->b;
	ok = wtap_dump(w->wdh, &w->rec, data, &err, &err_info);
	w->rec.block = NULL;
	if (!ok) {
		pcapng_fail(w, err, err_info);
		g_free(err_info);
		return;
	}
	w->records++;
	mark(w);
}

bool
pcapng_writer_available(const char **why)
{
	g_once(&wtap_once_ctl, wtap_once, NULL);
	if (why != NULL)
		*why = wtap_load_error;
	return (wtap_load_error == NULL);
}

uint64_t
pcapng_writer_records(const struct pcapng_writer *w)
{
	return (w->records);
}

bool
pcapng_writer_close(struct pcapng_writer *w)
{
	gchar *err_info = NULL;
	int err = 0;
	bool ok;

	if (w == NULL)
		return (true);
	/* A run without a single interface still leaves a valid file. */
	if (w->wdh == NULL && !w->failed)
		(void)if_describe(w, "divertsim", PCAPNG_LINKTYPE_UPPER_PDU);
	if (w->wdh != NULL) {
		if (!wtap_dump_close(w->wdh, NULL, &err, &err_info))
			pcapng_fail(w, err, err_info);
		g_free(err_info);
		(void)relay(w, false);
	}
	if (w->mfd >= 0)
		close(w->mfd);
	ok = out_file_close(w->f, NULL) && !w->failed;
	if (wtap_load_error == NULL) {
		wtap_rec_cleanup(&w->rec);
		for (size_t d = 0; d < BLK_DIRS; d++)
			for (size_t i = 0; i < 1 + BLK_IDS; i++)
				wtap_block_unref(w->blk[d][i].b);
	}
	for (guint i = 0; i < w->shb->len; i++)
		wtap_block_unref(g_array_index(w->shb, wtap_block_t, i));
	g_array_free(w->shb, TRUE);
	g_free(w->memo);
	g_hash_table_destroy(w->ifs);
	g_free(w->data);
	g_free(w->scratch);
	g_free(w->ends);
	g_free(w->relay_buf);
	g_string_free(w->key, TRUE);
	g_free(w);
	return (ok);
}
