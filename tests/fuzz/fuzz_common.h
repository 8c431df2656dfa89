/*
 * What the libFuzzer harnesses share: the entry point's prototype, a check
 * that aborts with a message (libFuzzer then saves the input), and the
 * word splitting of the ipfw harnesses.
 */
#ifndef DIVERTSIM_FUZZ_COMMON_H
#define DIVERTSIM_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "ipfw/ipfw.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* An ipfw command line split at blanks (no quoting), parsed. */
struct ipfw_cmd	*fuzz_ipfw_parse(const char *line, GError **err, int *bad);

#define	FUZZ_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz check failed: %s: ", #cond);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

#endif /* DIVERTSIM_FUZZ_COMMON_H */
