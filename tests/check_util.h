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
