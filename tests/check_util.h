/*
 * A thin project layer over Check: named test registration, a suite
 * builder, and one main() per test program.
 */
#ifndef DIVERTSIM_CHECK_UTIL_H
#define DIVERTSIM_CHECK_UTIL_H

#include <check.h>
#include <stdint.h>
#include <string.h>

/* Compare two byte arrays, printing the first differing offset. */
#define	EXPECT_BYTES(a, b, n) do {					\
	const uint8_t *ea_ = (const uint8_t *)(a);			\
	const uint8_t *eb_ = (const uint8_t *)(b);			\
	for (size_t ei_ = 0; ei_ < (size_t)(n); ei_++)			\
		ck_assert_msg(ea_[ei_] == eb_[ei_],			\
		    "byte %zu: 0x%02x != 0x%02x", ei_, ea_[ei_], eb_[ei_]);\
} while (0)

/*
 * Big-endian loads and stores written independently of model/wire, so
 * that tests forging or reading packets do not check the model with
 * itself.
 */
static inline uint16_t
ck_get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static inline uint32_t
ck_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static inline void
ck_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
ck_put32(uint8_t *p, uint32_t v)
{
	ck_put16(p, (uint16_t)(v >> 16));
	ck_put16(p + 2, (uint16_t)v);
}

/* RFC 1071 by the book, byte pair by byte pair, to check the model's
 * faster checksum against: the running sum, and the sum folded to 16 bits
 * (0xffff over a block whose checksum is right; complement it to get the
 * field's value). */
static inline uint32_t
ck_cksum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n % 2 != 0)
		sum += (uint32_t)p[n - 1] << 8;
	return (sum);
}

static inline uint16_t
ck_cksum_fold(uint32_t sum)
{
	while (sum >> 16 != 0)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)sum);
}

typedef void (*check_test_fn)(int);

struct check_test {
	const char	*name;
	const TTest	*test;
};

/* Build a suite from a NULL-terminated list of TTest pointers; setup and
 * teardown may be NULL.  Every test of the suite runs with them. */
Suite	*check_suite(const char *name, const TTest *const tests[],
	    SFun setup, SFun teardown);
/* Run suites (NULL-terminated) and return the process exit status. */
int	 check_run(Suite *const suites[]);

/* main() of a test program whose suites are built by the functions listed. */
#define	CHECK_MAIN(...)							\
int									\
main(void)								\
{									\
	Suite *s_[] = { __VA_ARGS__, NULL };				\
	return (check_run(s_));						\
}

#endif /* DIVERTSIM_CHECK_UTIL_H */
