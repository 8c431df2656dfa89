/*
 * xoshiro256** seeded by splitmix64; see sim_rng.h.  Written from the
 * algorithms' descriptions in the papers cited there.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sim/sim_rng.h"

uint64_t
sim_splitmix64(uint64_t *state)
{
	uint64_t z;

	*state += 0x9e3779b97f4a7c15ull;	/* the golden-ratio increment */
	z = *state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31));
}

uint64_t
sim_fnv1a64(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;		/* the 64-bit FNV prime */
	}
	return (h);
}

uint64_t
sim_rng_stream_seed(uint32_t seed, const char *name)
{
	/* The seed's four bytes, most significant first, then the name. */
	unsigned char sb[4] = { (unsigned char)(seed >> 24),
	    (unsigned char)(seed >> 16), (unsigned char)(seed >> 8),
	    (unsigned char)seed };
	uint64_t h;

	h = sim_fnv1a64(SIM_FNV1A64_BASIS, sb, sizeof(sb));
	return (sim_fnv1a64(h, name, name != NULL ? strlen(name) : 0));
}

void
sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	uint64_t st = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = sim_splitmix64(&st);
}

void
sim_rng_set_state(struct sim_rng *r, const uint64_t s[4])
{
	memcpy(r->s, s, sizeof(r->s));
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return ((x << k) | (x >> (64 - k)));
}

uint64_t
sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return (out);
}

uint32_t
sim_rng_below(struct sim_rng *r, uint32_t n)
{
	/* Reject the top partial block of 2^64 so that each residue is
	 * equally likely. */
	uint64_t lim = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = sim_rng_next(r);
	while (x >= lim);
	return ((uint32_t)(x % n));
}

uint32_t
sim_rng_random31(struct sim_rng *r)
{
	/* The high bits: the low bits of the ** scrambler are its weakest. */
	return ((uint32_t)(sim_rng_next(r) >> 33));
}
