/*
 * The project generator against published known answers: the xoshiro256**
 * reference outputs from the state {1, 2, 3, 4} (the values the authors'
 * C reference prints, also in rand_xoshiro's test), splitmix64 from seed
 * 1234567 (the values of the reference splitmix64.c), and the FNV-1a test
 * vectors of the FNV specification ("", "a", "foobar").
 */
#include <stdint.h>

#include "check_util.h"

#include "sim/sim_rng.h"

START_TEST(xoshiro_reference_sequence)
{
	static const uint64_t want[] = {
		11520u, 0u, 1509978240u, 1215971899390074240u,
		1216172134540287360u, 607988272756665600u,
		16172922978634559625u, 8476171486693032832u,
		10595114339597558777u, 2904607092377533576u,
	};
	const uint64_t st[4] = { 1, 2, 3, 4 };
	struct sim_rng r;

	sim_rng_set_state(&r, st);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(sim_rng_next(&r) == want[i], "output %zu", i);
}
END_TEST

START_TEST(splitmix_reference_sequence)
{
	static const uint64_t want[] = {
		6457827717110365317u, 3203168211198807973u,
		9817491932198370423u, 4593380528125082431u,
		16408922859458223821u,
	};
	uint64_t st = 1234567;
	struct sim_rng r;

	for (size_t i = 0; i < 5; i++)
		ck_assert_msg(sim_splitmix64(&st) == want[i], "output %zu", i);
	/* Seeding fills the state with the first four outputs. */
	sim_rng_seed(&r, 1234567);
	for (size_t i = 0; i < 4; i++)
		ck_assert(r.s[i] == want[i]);
}
END_TEST

START_TEST(fnv_vectors_and_streams)
{
	ck_assert(sim_fnv1a64(SIM_FNV1A64_BASIS, "", 0) ==
	    0xcbf29ce484222325ull);
	ck_assert(sim_fnv1a64(SIM_FNV1A64_BASIS, "a", 1) ==
	    0xaf63dc4c8601ec8cull);
	ck_assert(sim_fnv1a64(SIM_FNV1A64_BASIS, "foobar", 6) ==
	    0x85944171f73967e8ull);
	/* The stream seed hashes the seed's bytes, most significant first,
	 * then the name: FNV-1a("\1\2\3\4gw"), worked out separately. */
	ck_assert(sim_rng_stream_seed(0x01020304u, "gw") ==
	    0x96e11813f350651bull);
	ck_assert(sim_rng_stream_seed(1, "") == 0x4d25757f9dce1242ull);
	ck_assert(sim_rng_stream_seed(1, "a") != sim_rng_stream_seed(1, "b"));
	ck_assert(sim_rng_stream_seed(1, "a") != sim_rng_stream_seed(2, "a"));
}
END_TEST

/* below(n) stays in range and is near uniform: 60,000 draws in 6 bins,
 * each within 5 standard deviations (sqrt(60000 * 1/6 * 5/6) = 91). */
START_TEST(below_is_uniform)
{
	unsigned bins[6] = { 0 };
	struct sim_rng r;

	sim_rng_seed(&r, 42);
	for (unsigned i = 0; i < 60000; i++) {
		uint32_t v = sim_rng_below(&r, 6);

		ck_assert_uint_lt(v, 6);
		bins[v]++;
	}
	for (unsigned i = 0; i < 6; i++)
		ck_assert_msg(bins[i] > 10000 - 456 && bins[i] < 10000 + 456,
		    "bin %u: %u", i, bins[i]);
	ck_assert_uint_eq(sim_rng_below(&r, 1), 0);
	for (unsigned i = 0; i < 1000; i++)
		ck_assert_uint_le(sim_rng_random31(&r), 0x7fffffffu);
}
END_TEST

static Suite *
rng_suite(void)
{
	const TTest *tests[] = {
		xoshiro_reference_sequence,
		splitmix_reference_sequence,
		fnv_vectors_and_streams,
		below_is_uniform,
		NULL,
	};

	return (check_suite("rng", tests, NULL, NULL));
}

CHECK_MAIN(rng_suite())
