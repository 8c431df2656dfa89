/*
 * The divert write path (sendto() on a divert socket, div_output()) with
 * arbitrary bytes, addresses, tags and interface names, on a small world
 * of a host with ipfw rules between two peers; the world then runs for
 * 10 ms of simulated time so that whatever was re-injected is carried to
 * its end.
 *
 * Input: byte 0 flags (bit 0: write() without an address, bit 1: release
 * 14, bit 2: a short address length), bytes 1..16 the sockaddr_in fields
 * (address, port = tag, sin_zero = interface name), the rest the packet.
 */
#include <arpa/inet.h>
#include <string.h>

#include <glib.h>

#include "apps/proc.h"
#include "divert_queue.h"
#include "fuzz_common.h"
#include "net/host.h"
#include "scenario/scn.h"
#include "scenario/scn_build.h"

static const char world_text[] =
    "host h release %d\n"
    "  ifconfig em0 inet 10.0.0.1/24\n"
    "  ifconfig em1 inet 10.0.1.1/24\n"
    "  sysctl net.inet.ip.forwarding=1\n"
    "  ipfw add 100 divert 8000 udp from any to any\n"
    "  ipfw add 200 count ip from any to any\n"
    "  ipfw add 300 tee 8000 icmp from any to any\n"
    "  ipfw add 65534 allow ip from any to any\n"
    "host p\n"
    "  ifconfig em0 inet 10.0.0.2/24\n"
    "  route add default 10.0.0.1\n"
    "host q\n"
    "  ifconfig em0 inet 10.0.1.2/24\n"
    "  route add default 10.0.1.1\n"
    "  listen udp 9 echo\n"
    "link h:em0 p:em0\n"
    "link h:em1 q:em0 mtu 576\n"
    "run 10ms\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct scenario *s;
	struct world *w;
	struct divert_sock *so;
	struct sockaddr_in to;
	struct run_opts o;
	unsigned nerr = 0, passed;
	char *text;
	int err = 0;
	ssize_t n;

	if (size < 17)
		return (0);
	if (devnull == NULL) {
		devnull = fopen("/dev/null", "w");
		divert_programs_builtin();
	}
	text = g_strdup_printf(world_text, (data[0] & 2) != 0 ? 14 : 6);
	s = scn_parse_string("fuzz.scn", text, devnull, &nerr);
	FUZZ_CHECK(s != NULL, "the fixed world does not parse");
	memset(&o, 0, sizeof(o));
	o.out = devnull;
	o.errout = devnull;
	o.quiet = true;
	w = scn_build(s, &o, &nerr);
	FUZZ_CHECK(w != NULL, "the fixed world does not build");
	FUZZ_CHECK(div_attach(world_host(w, "h"), 0, &so) == 0, "attach");
	FUZZ_CHECK(div_bind(so, 8000) == 0, "bind");

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	memcpy(&to.sin_addr.s_addr, data + 1, 4);
	memcpy(&to.sin_port, data + 5, 2);
	memcpy(to.sin_zero, data + 7, 8);
	n = div_sendto(so, data + 17, size - 17,
	    (data[0] & 1) != 0 ? NULL : &to,
	    (data[0] & 4) != 0 ? data[15] % sizeof(to) : sizeof(to), &err);
	FUZZ_CHECK(n == (ssize_t)(size - 17) || (n == -1 && err != 0),
	    "sendto returned %zd, errno %d", n, err);
	(void)world_run(w, &passed);
	div_close(so);
	world_free(w);
	scn_free(s);
	g_free(text);
	return (0);
}
