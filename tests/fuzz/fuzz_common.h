/*
 * What the libFuzzer harnesses share: the entry point's prototype and a
 * check that aborts with a message (libFuzzer then saves the input).
 */
#ifndef DIVERTSIM_FUZZ_COMMON_H
#define DIVERTSIM_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define	FUZZ_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz check failed: %s: ", #cond);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

#endif /* DIVERTSIM_FUZZ_COMMON_H */
