/* Suite building and running for the project's Check programs. */
#include <stdlib.h>

#include "check_util.h"

Suite *
check_suite(const char *name, const TTest *const tests[], SFun setup,
    SFun teardown)
{
	Suite *s;
	TCase *tc;

	s = suite_create(name);
	tc = tcase_create(name);
	if (setup != NULL || teardown != NULL)
		tcase_add_checked_fixture(tc, setup, teardown);
	for (size_t i = 0; tests[i] != NULL; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	return (s);
}

int
check_run(Suite *const suites[])
{
	SRunner *sr;
	int failed;

	if (suites[0] == NULL)
		return (EXIT_FAILURE);
	sr = srunner_create(suites[0]);
	for (size_t i = 1; suites[i] != NULL; i++)
		srunner_add_suite(sr, suites[i]);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
