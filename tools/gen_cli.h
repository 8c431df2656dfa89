/*
 * `divertsim gen KIND [OPTIONS]`: parse the options, write the scenario.
 */
#ifndef DIVERTSIM_GEN_CLI_H
#define DIVERTSIM_GEN_CLI_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* argv[0] is "gen".  Writes the scenario to out; returns an exit status
 * (0, or 2 with a message on err for bad options). */
int		 gen_cli_main(int argc, char **argv, FILE *out, FILE *err);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_GEN_CLI_H */
