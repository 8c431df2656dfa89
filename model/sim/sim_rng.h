/*
 * The project's one pseudo-random generator, so that every result depends
 * on the scenario's seed only, never on the C library or the GLib version.
 *
 * Generator: xoshiro256** 1.0 (Blackman and Vigna, "Scrambled linear
 * pseudorandom number generators", 2018): 256 bits of state, period
 * 2^256 - 1, every output bit passes BigCrush.  The state is filled from a
 * 64-bit seed with splitmix64 (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", 2014), as the authors recommend; a
 * splitmix64 stream never yields an all-zero state.
 *
 * Streams: a consumer that needs its own sequence (a host's `prob` rules,
 * the generator's random topology) seeds it with sim_rng_stream_seed(seed,
 * name): the 32-bit scenario seed and the stream's name (a host name) hashed
 * with 64-bit FNV-1a, so that streams are independent of each other and of
 * the order in which they are created.
 */
#ifndef DIVERTSIM_SIM_RNG_H
#define DIVERTSIM_SIM_RNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sim_rng {
	uint64_t	 s[4];
};

/* splitmix64: advance *state and return its next output. */
uint64_t	 sim_splitmix64(uint64_t *state);
/* 64-bit FNV-1a of the len bytes at p, starting from hash h (the offset
 * basis 0xcbf29ce484222325 for a fresh hash). */
uint64_t	 sim_fnv1a64(uint64_t h, const void *p, size_t len);
#define	SIM_FNV1A64_BASIS	0xcbf29ce484222325ull

/* The 64-bit seed of stream name under scenario seed seed. */
uint64_t	 sim_rng_stream_seed(uint32_t seed, const char *name);
/* Fill the state from seed with splitmix64. */
void		 sim_rng_seed(struct sim_rng *r, uint64_t seed);
/* Set the four state words as given (at least one non-zero). */
void		 sim_rng_set_state(struct sim_rng *r, const uint64_t s[4]);
/* The next 64 output bits. */
uint64_t	 sim_rng_next(struct sim_rng *r);
/* Uniform in [0, n), n > 0, without modulo bias (rejection). */
uint32_t	 sim_rng_below(struct sim_rng *r, uint32_t n);
/* 31 uniform bits, the range of random(3) (the top bits of an output). */
uint32_t	 sim_rng_random31(struct sim_rng *r);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_SIM_RNG_H */
