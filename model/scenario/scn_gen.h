/*
 * `divertsim gen`: synthetic topologies written as ordinary scenario files
 * (chain, star, tree, ring, grid, random), with addressing, routes,
 * forwarding, divert rules and programs, traffic and expectations.
 */
#ifndef DIVERTSIM_SCN_GEN_H
#define DIVERTSIM_SCN_GEN_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* argv[0] is "gen". Writes the scenario to out; returns an exit status
 * (0, or 2 with a message on err for bad options). */
int		 scn_gen_main(int argc, char **argv, FILE *out, FILE *err);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_SCN_GEN_H */
