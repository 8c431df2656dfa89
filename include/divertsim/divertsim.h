/*
 * libdivertsim: simulated FreeBSD divert(4) sockets and ipfw(8) on a
 * network of hosts.  `pkg-config --cflags --libs divertsim` gives the
 * flags; include this header for everything.
 */
#ifndef DIVERTSIM_DIVERTSIM_H
#define DIVERTSIM_DIVERTSIM_H

#include <divertsim/program.h>
#include <divertsim/world.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, "MAJOR.MINOR.MICRO". */
const char	*divertsim_version(void);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_DIVERTSIM_H */
