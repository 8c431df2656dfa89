/*
 * run.pcapng through libwiretap.  libwiretap writes to a descriptor of its
 * own (a memfd); each record is counted against the trace budget as soon
 * as libwiretap has it, and the bytes are taken from the memfd in batches
 * and handed, one whole record at a time, to the trace folder's checked
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

struct pcapng_writer {
	struct out_file	*f;
	wtap_dumper	*wdh;
	int		 mfd;		/* libwiretap's output, read back */
	gint64		 base;		/* libwiretap's byte count at mfd's
					   first byte */
	gint64		 last;		/* that count at the last mark */
	GArray		*ends;		/* gint64: that count at each record's
					   end, not relayed yet */
	GHashTable	*ifs;		/* "host:ifname" -> struct pcapng_if */
	guint32		 nifs;
	GArray		*shb;		/* the section header, for wiretap */
	wtap_rec	 rec;
	GByteArray	*data;		/* one record's bytes */
	GString		*comment;
	GString		*key;		/* if_get()'s scratch */
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
 * budget already) to the checked file, one whole record at a time, then
 * rewind the memfd.  flush is false once the dumper is closed (it
 * flushed).
 */
static bool
relay(struct pcapng_writer *w, bool flush)
{
	int err = 0;
	size_t n, at = 0;
	uint8_t *buf = NULL;
	ssize_t got;

	if (w->failed)
		return (false);
	if (flush && !wtap_dump_flush(w->wdh, &err)) {
		pcapng_fail(w, err, NULL);
		return (false);
	}
	n = (size_t)(w->last - w->base);
	if (n > 0) {
		buf = g_malloc(n);
		got = pread(w->mfd, buf, n, 0);
		if (got < 0 || (size_t)got != n) {
			g_free(buf);
			pcapng_fail(w, got < 0 ? errno : EIO, NULL);
			return (false);
		}
	}
	for (guint i = 0; i < w->ends->len; i++) {
		size_t end = (size_t)(g_array_index(w->ends, gint64, i) -
		    w->base);

		/* Refused: the file's error (disk), the run stops. */
		if (!out_file_write_reserved(w->f, buf + at, end - at)) {
			w->failed = true;
			break;
		}
		at = end;
	}
	g_free(buf);
	g_array_set_size(w->ends, 0);
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
	if (!out_file_fits(w->f, len)) {
		(void)relay(w, true);
		(void)out_file_reserve(w->f, len);
		w->failed = true;
		return;
	}
	(void)out_file_reserve(w->f, len);
	w->last = end;
	g_array_append_val(w->ends, end);
	if (end - w->base >= PCAPNG_RELAY_BATCH)
		(void)relay(w, true);
}

struct pcapng_writer *
pcapng_writer_create(struct trace_dir *td, const char *name,
    const char *comment)
{
	static GOnce once = G_ONCE_INIT;
	struct pcapng_writer *w;
	struct out_file *f;
	wtap_block_t shb;

	f = trace_dir_create(td, name, NULL);
	if (f == NULL)
		return (NULL);
	g_once(&once, wtap_once, NULL);
	w = g_new0(struct pcapng_writer, 1);
	w->f = f;
	w->mfd = -1;
	w->ifs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	w->data = g_byte_array_new();
	w->ends = g_array_new(FALSE, FALSE, sizeof(gint64));
	w->comment = g_string_sized_new(256);
	w->key = g_string_sized_new(32);
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

	shb = wtap_block_create(WTAP_BLOCK_SECTION);
	(void)wtap_block_add_string_option(shb, OPT_SHB_USERAPPL,
	    "divertsim", strlen("divertsim"));
	if (comment != NULL)
		(void)wtap_block_add_string_option(shb, OPT_COMMENT, comment,
		    strlen(comment));
	g_array_append_val(w->shb, shb);

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

static struct pcapng_if *
if_get(struct pcapng_writer *w, const char *host, const char *ifname,
    uint32_t linktype)
{
	struct pcapng_if *pi;

	/* "host:ifname" in a reused buffer: this runs for every step. */
	g_string_assign(w->key, host);
	if (ifname != NULL) {
		g_string_append_c(w->key, ':');
		g_string_append(w->key, ifname);
	}
	pi = g_hash_table_lookup(w->ifs, w->key->str);
	if (pi == NULL)
		pi = if_describe(w, w->key->str, linktype);
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

/* The link header a frame of linktype starts with, before the datagram. */
static void
put_link_header(GByteArray *d, uint32_t linktype)
{
	static const uint8_t ppp_ip[2] = { 0x00, 0x21 };
	uint32_t af_inet = 2;

	switch (linktype) {
	case PCAP_LINKTYPE_PPP:
		/* As ns-3's PppHeader: the protocol field only (IPv4). */
		g_byte_array_append(d, ppp_ip, sizeof(ppp_ip));
		break;
	case PCAP_LINKTYPE_NULL:
		/* DLT_NULL, as bpf on FreeBSD's lo0: the family, host order. */
		g_byte_array_append(d, (const guint8 *)&af_inet,
		    sizeof(af_inet));
		break;
	default:
		break;
	}
}

/* An exported-PDU tag (type, length, value; big-endian, not padded). */
static void
put_tag(GByteArray *d, uint16_t type, const char *val, size_t len)
{
	uint8_t h[4] = { (uint8_t)(type >> 8), (uint8_t)type,
	    (uint8_t)(len >> 8), (uint8_t)len };

	g_byte_array_append(d, h, sizeof(h));
	if (len > 0)
		g_byte_array_append(d, (const guint8 *)val, (guint)len);
}

void
pcapng_writer_step(void *ctx, const struct ev_step *s)
{
	struct pcapng_writer *w = ctx;
	const struct ev_frame *fr = s->frame;
	struct pcapng_if *pi = NULL;
	gchar *err_info = NULL;
	int err = 0;
	bool ok;

	if (w->failed)
		return;
	g_byte_array_set_size(w->data, 0);
	g_string_truncate(w->comment, 0);
	if (s->kind != NULL) {
		g_string_append(w->comment, s->kind);
		g_string_append(w->comment, ": ");
	}
	g_string_append_len(w->comment, s->text, (gssize)s->text_len);

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
		put_link_header(w->data, fr->linktype);
		g_byte_array_append(w->data, fr->bytes, (guint)fr->len);
	} else {
		const char *proto = s->kind != NULL ? s->kind : "divertsim";

		pi = if_get(w, s->host, NULL, PCAPNG_LINKTYPE_UPPER_PDU);
		if (pi == NULL || w->failed)
			return;
		/* Shown as "Line-based text data", the kind in the Protocol
		 * column. */
		put_tag(w->data, EXP_PDU_TAG_DISSECTOR_NAME, STEP_DISSECTOR,
		    strlen(STEP_DISSECTOR));
		put_tag(w->data, EXP_PDU_TAG_COL_PROT_TEXT, proto,
		    strlen(proto));
		put_tag(w->data, EXP_PDU_TAG_END_OF_OPT, NULL, 0);
		g_byte_array_append(w->data, (const guint8 *)s->text,
		    (guint)s->text_len);
	}

	w->rec.rec_type = REC_TYPE_PACKET;
	w->rec.presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN |
	    WTAP_HAS_INTERFACE_ID;
	w->rec.ts.secs = (time_t)(s->t_ns / SIM_NS_PER_S);
	w->rec.ts.nsecs = (int)(s->t_ns % SIM_NS_PER_S);
	w->rec.tsprec = WTAP_TSPREC_NSEC;
	w->rec.rec_header.packet_header.len = w->data->len;
	w->rec.rec_header.packet_header.caplen =
	    w->data->len < PCAP_WRITER_SNAPLEN ? w->data->len :
	    PCAP_WRITER_SNAPLEN;
	w->rec.rec_header.packet_header.pkt_encap = pi->encap;
	w->rec.rec_header.packet_header.interface_id = pi->id;
	w->rec.block = wtap_block_create(WTAP_BLOCK_PACKET);
	(void)wtap_block_add_string_option(w->rec.block, OPT_COMMENT,
	    w->comment->str, w->comment->len);
	if (fr != NULL && pi->linktype == fr->linktype)
		(void)wtap_block_add_uint32_option(w->rec.block, OPT_PKT_FLAGS,
		    fr->inbound ? EPB_FLAG_INBOUND : EPB_FLAG_OUTBOUND);
	if (s->has_lineage && s->lineage != 0)
		(void)wtap_block_add_uint64_option(w->rec.block,
		    OPT_PKT_PACKETID, s->lineage);
	ok = wtap_dump(w->wdh, &w->rec, w->data->data, &err, &err_info);
	wtap_block_unref(w->rec.block);
	w->rec.block = NULL;
	if (!ok) {
		pcapng_fail(w, err, err_info);
		g_free(err_info);
		return;
	}
	w->records++;
	mark(w);
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
	if (wtap_load_error == NULL)
		wtap_rec_cleanup(&w->rec);
	for (guint i = 0; i < w->shb->len; i++)
		wtap_block_unref(g_array_index(w->shb, wtap_block_t, i));
	g_array_free(w->shb, TRUE);
	g_hash_table_destroy(w->ifs);
	g_byte_array_free(w->data, TRUE);
	g_array_free(w->ends, TRUE);
	g_string_free(w->comment, TRUE);
	g_string_free(w->key, TRUE);
	g_free(w);
	return (ok);
}
