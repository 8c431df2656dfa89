/*
 * What a FreeBSD divert(4) program needs from <netinet/in.h> and
 * <sys/socket.h> that Linux does not have, so that it compiles on Linux
 * with one `-include divertsim/freebsd_divert.h` and runs under
 * `divert PORT exec PROGRAM` (the preload shim serves these numbers).
 *
 * sin_len: Linux's struct sockaddr_in has no sin_len (its sin_family is
 * 16 bits where FreeBSD has sin_len and an 8-bit sin_family).  Nothing is
 * lost by dropping the assignment: FreeBSD's kernel overwrites sa_len with
 * the length passed to bind(2)/sendto(2) (getsockaddr()), so a divert
 * program's `sin.sin_len = sizeof(sin)` never changes what the kernel
 * does.  Guard such lines with `#ifndef DIVERTSIM_NO_SIN_LEN` (or
 * `#ifdef __FreeBSD__`).  No macro can stand in for the member: the only
 * spare bytes, sin_zero, carry the interface name on a divert socket.
 */
#ifndef DIVERTSIM_FREEBSD_DIVERT_H
#define DIVERTSIM_FREEBSD_DIVERT_H

#include <sys/socket.h>
#include <netinet/in.h>

/* FreeBSD's protocol number for socket(PF_INET, SOCK_RAW, IPPROTO_DIVERT). */
#ifndef IPPROTO_DIVERT
#define	IPPROTO_DIVERT		258
#endif

/* FreeBSD 14's own divert domain: socket(PF_DIVERT, SOCK_RAW, 0). */
#ifndef PF_DIVERT
#define	PF_DIVERT		44
#endif
#ifndef AF_DIVERT
#define	AF_DIVERT		PF_DIVERT
#endif

/* Linux's sockaddr_in has no sin_len; see above. */
#define	DIVERTSIM_NO_SIN_LEN	1

#endif /* DIVERTSIM_FREEBSD_DIVERT_H */
