//  test_da_plan.c - the da workload's plan: the seeds' anchor for channels and blobs

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tf_wl_da.h"

static void
test_da_plan_counts (void **state)
{
    (void) state;
    size_t channels, blobs;
    //  channels = rate + ceil (rate x 20 / 100); blobs = blob_rate x max (blocks / k, 1)
    tf_wl_da_plan_counts (2, 1, 20, 324, 10, &channels, &blobs);
    assert_int_equal (channels, 3);
    assert_int_equal (blobs, 32);
    tf_wl_da_plan_counts (5, 2, 20, 5, 10, &channels, &blobs);
    assert_int_equal (channels, 6);
    assert_int_equal (blobs, 2); //  Fewer blocks than k: one round
    tf_wl_da_plan_counts (10, 3, 0, 100, 3, &channels, &blobs);
    assert_int_equal (channels, 10);
    assert_int_equal (blobs, 99);
    tf_wl_da_plan_counts (1, 1, 100, 0, 0, &channels, &blobs);
    assert_int_equal (channels, 2);
    assert_int_equal (blobs, 1);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_da_plan_counts),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
