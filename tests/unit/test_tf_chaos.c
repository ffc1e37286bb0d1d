//  test_tf_chaos.c - chaos schedules: seeded, safe, and explicit about refusals

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include "tf_rng.h"
#include "tf_run_metrics.h"
#include "tf_wl_chaos.h"

#define TEST_DURATION_MS 60000

//  A plan with one chaos_random_restart workload
static tf_plan_t *
s_restart_plan (uint32_t validators, uint32_t executors, bool restart_validators,
                bool restart_executors, uint64_t seed)
{
    tf_plan_t *plan = tf_plan_new ("chaos");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, validators, executors);
    tf_plan_set_seed (plan, seed);
    tf_plan_set_duration_ms (plan, TEST_DURATION_MS);
    tf_plan_enable_node_control (plan);
    tf_plan_item_t *item = tf_plan_add_workload (plan, "chaos_random_restart");
    tf_plan_item_set_bool (item, "validators", restart_validators);
    tf_plan_item_set_bool (item, "executors", restart_executors);
    tf_plan_item_set_ms (item, "min_delay", 2000);
    tf_plan_item_set_ms (item, "max_delay", 5000);
    tf_plan_item_set_ms (item, "target_cooldown", 8000);
    return plan;
}

static void
test_tf_chaos_same_seed_gives_same_schedule (void **state)
{
    tf_plan_t *first = s_restart_plan (3, 1, true, true, 42);
    tf_plan_t *second = s_restart_plan (3, 1, true, true, 42);
    tf_plan_t *other = s_restart_plan (3, 1, true, true, 43);
    tf_chaos_schedule_t *a = calloc (1, sizeof *a), *b = calloc (1, sizeof *b),
                        *c = calloc (1, sizeof *c);
    char error[128];
    assert_int_equal (tf_chaos_schedule_build (first, &first->workloads[0], TEST_DURATION_MS, a,
                                               error, sizeof error),
                      0);
    assert_int_equal (tf_chaos_schedule_build (second, &second->workloads[0], TEST_DURATION_MS, b,
                                               error, sizeof error),
                      0);
    assert_int_equal (tf_chaos_schedule_build (other, &other->workloads[0], TEST_DURATION_MS, c,
                                               error, sizeof error),
                      0);
    assert_true (a->count > 5);
    char *described_a = tf_chaos_schedule_describe (a);
    char *described_b = tf_chaos_schedule_describe (b);
    char *described_c = tf_chaos_schedule_describe (c);
    assert_string_equal (described_a, described_b);
    assert_string_not_equal (described_a, described_c);
    free (described_a);
    free (described_b);
    free (described_c);
    free (a);
    free (b);
    free (c);
    tf_plan_destroy (&first);
    tf_plan_destroy (&second);
    tf_plan_destroy (&other);
}

//  Every gap between restarts is within [min_delay, max_delay], unless every
//  target was cooling down: then the restart comes exactly when the first one
//  may be hit again. No node is hit twice within target_cooldown.
static void
test_tf_chaos_restart_respects_delays_and_cooldown (void **state)
{
    for (uint64_t seed = 1; seed <= 20; seed++) {
        tf_plan_t *plan = s_restart_plan (3, 1, true, true, seed);
        tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
        char error[128];
        assert_int_equal (tf_chaos_schedule_build (plan, &plan->workloads[0], TEST_DURATION_MS,
                                                   schedule, error, sizeof error),
                          0);
        assert_true (schedule->count >= TEST_DURATION_MS / 5000 - 1);
        int64_t previous = 0;
        for (size_t index = 0; index < schedule->count; index++) {
            const tf_chaos_step_t *step = &schedule->steps[index];
            assert_int_equal (step->action, TF_CONTROL_RESTART);
            assert_true (step->at_ms < TEST_DURATION_MS);
            int64_t gap = step->at_ms - previous;
            assert_true (gap >= 2000);
            if (gap > 5000) {
                bool cooled = false;
                for (size_t earlier = 0; earlier < index; earlier++)
                    if (schedule->steps[earlier].at_ms + 8000 == step->at_ms)
                        cooled = true;
                assert_true (cooled);
            }
            previous = step->at_ms;
            for (size_t later = index + 1; later < schedule->count; later++)
                if (strcmp (schedule->steps[later].node, step->node) == 0)
                    assert_true (schedule->steps[later].at_ms - step->at_ms >= 8000);
        }
        free (schedule);
        tf_plan_destroy (&plan);
    }
}

//  Two targets, a restart every second, each node at most once in 5 s: the
//  third turn waits for the first node's cooldown instead of being lost
static void
test_tf_chaos_restart_waits_for_a_target_out_of_cooldown (void **state)
{
    tf_plan_t *plan = s_restart_plan (2, 0, true, false, 9);
    tf_plan_item_set_ms (&plan->workloads[0], "min_delay", 1000);
    tf_plan_item_set_ms (&plan->workloads[0], "max_delay", 1000);
    tf_plan_item_set_ms (&plan->workloads[0], "target_cooldown", 5000);
    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char error[128];
    assert_int_equal (
        tf_chaos_schedule_build (plan, &plan->workloads[0], 13000, schedule, error, sizeof error),
        0);
    const int64_t expected[] = {1000, 2000, 6000, 7000, 11000, 12000};
    assert_int_equal (schedule->count, 6);
    for (size_t index = 0; index < schedule->count; index++) {
        assert_int_equal (schedule->steps[index].at_ms, expected[index]);
        //  The two validators take turns
        assert_string_equal (schedule->steps[index].node, schedule->steps[index % 2].node);
    }
    assert_string_not_equal (schedule->steps[0].node, schedule->steps[1].node);
    free (schedule);
    tf_plan_destroy (&plan);
}

//  The schedule's description carries every step in order
static void
test_tf_chaos_schedule_describes_every_step (void **state)
{
    tf_plan_t *plan = s_restart_plan (2, 0, true, false, 9);
    tf_plan_item_set_ms (&plan->workloads[0], "min_delay", 1500);
    tf_plan_item_set_ms (&plan->workloads[0], "max_delay", 1500);
    tf_plan_item_set_ms (&plan->workloads[0], "target_cooldown", 0);
    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char error[128];
    assert_int_equal (
        tf_chaos_schedule_build (plan, &plan->workloads[0], 3500, schedule, error, sizeof error),
        0);
    assert_int_equal (schedule->count, 2);
    char *described = tf_chaos_schedule_describe (schedule);
    char *expected = zsys_sprintf ("+1.5s restart %s; +3.0s restart %s", schedule->steps[0].node,
                                   schedule->steps[1].node);
    assert_string_equal (described, expected);
    zstr_free (&expected);
    free (described);
    tf_chaos_schedule_clear (schedule);
    assert_int_equal (
        tf_chaos_schedule_build (plan, &plan->workloads[0], 1000, schedule, error, sizeof error),
        0);
    described = tf_chaos_schedule_describe (schedule);
    assert_string_equal (described, "nothing scheduled");
    free (described);
    free (schedule);
    tf_plan_destroy (&plan);
}

static void
test_tf_chaos_never_restarts_the_only_validator (void **state)
{
    tf_plan_t *plan = s_restart_plan (1, 1, true, true, 1);
    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char error[128];
    assert_int_equal (tf_chaos_schedule_build (plan, &plan->workloads[0], TEST_DURATION_MS,
                                               schedule, error, sizeof error),
                      0);
    assert_true (schedule->count > 0);
    for (size_t index = 0; index < schedule->count; index++)
        assert_string_equal (schedule->steps[index].node, "executor-0");
    free (schedule);
    tf_plan_destroy (&plan);
}

static void
test_tf_chaos_refuses_when_no_target_is_eligible (void **state)
{
    tf_plan_t *plan = s_restart_plan (1, 0, true, true, 1);
    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char error[128] = "";
    assert_int_equal (tf_chaos_schedule_build (plan, &plan->workloads[0], TEST_DURATION_MS,
                                               schedule, error, sizeof error),
                      -1);
    assert_string_equal (error, "chaos restart workload has no eligible targets");
    free (schedule);
    tf_plan_destroy (&plan);
}

static void
test_tf_chaos_partition_cuts_then_heals (void **state)
{
    tf_plan_t *plan = tf_plan_new ("partition");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, 3, 0);
    tf_plan_enable_node_control (plan);
    tf_plan_item_t *item = tf_plan_add_workload (plan, "chaos_partition");
    tf_plan_item_set_str (item, "group", "validator-2");
    tf_plan_item_set_ms (item, "delay", 1000);
    tf_plan_item_set_ms (item, "window", 3000);
    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char error[128];
    assert_int_equal (
        tf_chaos_schedule_build (plan, &plan->workloads[0], 10000, schedule, error, sizeof error),
        0);
    assert_int_equal (schedule->count, 2);
    assert_int_equal (schedule->steps[0].action, TF_CONTROL_PARTITION);
    assert_int_equal (schedule->steps[0].group_count, 1);
    assert_string_equal (schedule->steps[0].group[0], "validator-2");
    assert_int_equal (schedule->steps[1].action, TF_CONTROL_HEAL);
    assert_int_equal (schedule->steps[1].at_ms, 4000);
    char *described = tf_chaos_schedule_describe (schedule);
    assert_string_equal (described, "+1.0s partition {validator-2}; +4.0s heal");
    free (described);
    tf_chaos_schedule_clear (schedule);

    tf_plan_item_set_bool (&plan->workloads[0], "heal", false);
    assert_int_equal (
        tf_chaos_schedule_build (plan, &plan->workloads[0], 10000, schedule, error, sizeof error),
        0);
    assert_int_equal (schedule->count, 1);
    tf_chaos_schedule_clear (schedule);
    free (schedule);
    tf_plan_destroy (&plan);
}

//  Loss on every node named at delay, off (percent 0) after the window; with
//  no nodes named, one node the seed picks, the same for the same seed
static void
test_tf_chaos_loss_turns_on_then_off (void **state)
{
    tf_plan_t *plan = tf_plan_new ("loss");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, 3, 1);
    tf_plan_enable_node_control (plan);
    tf_plan_item_t *item = tf_plan_add_workload (plan, "chaos_loss");
    tf_plan_item_set_str (item, "nodes", "validator-2,executor-0");
    tf_plan_item_set_ms (item, "delay", 1500);
    tf_plan_item_set_ms (item, "window", 2000);
    tf_plan_item_set_int (item, "percent", 40);
    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char error[128];
    assert_int_equal (
        tf_chaos_schedule_build (plan, &plan->workloads[0], 10000, schedule, error, sizeof error),
        0);
    assert_int_equal (schedule->count, 4);
    static const char *const nodes[] = {"validator-2", "executor-0"};
    for (size_t index = 0; index < 4; index++) {
        const tf_chaos_step_t *step = &schedule->steps[index];
        assert_int_equal (step->action, TF_CONTROL_LOSS);
        assert_string_equal (step->node, nodes[index % 2]);
        assert_int_equal (step->at_ms, index < 2 ? 1500 : 3500);
        assert_int_equal (step->percent, index < 2 ? 40 : 0);
        assert_int_equal (step->group_count, 0);
    }
    char *described = tf_chaos_schedule_describe (schedule);
    assert_string_equal (described, "+1.5s loss validator-2 40%; +1.5s loss executor-0 40%; "
                                    "+3.5s loss validator-2 0%; +3.5s loss executor-0 0%");
    free (described);
    tf_chaos_schedule_clear (schedule);

    //  No nodes: one at random, from the seed
    tf_plan_item_set_str (&plan->workloads[0], "nodes", "");
    char first[64] = "";
    for (int round = 0; round < 2; round++) {
        assert_int_equal (tf_chaos_schedule_build (plan, &plan->workloads[0], 10000, schedule,
                                                   error, sizeof error),
                          0);
        assert_int_equal (schedule->count, 2);
        assert_string_equal (schedule->steps[0].node, schedule->steps[1].node);
        assert_int_equal (schedule->steps[1].percent, 0);
        if (round == 0)
            snprintf (first, sizeof first, "%s", schedule->steps[0].node);
        else
            assert_string_equal (schedule->steps[0].node, first);
        tf_chaos_schedule_clear (schedule);
    }
    free (schedule);
    tf_plan_destroy (&plan);
}

//  Only executors may be restarted with a single validator; with none of
//  them either, the seeds' error
static void
test_tf_chaos_single_validator_only_is_refused (void **state)
{
    tf_plan_t *plan = s_restart_plan (1, 2, true, false, 3);
    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char error[128] = "";
    assert_int_equal (tf_chaos_schedule_build (plan, &plan->workloads[0], TEST_DURATION_MS,
                                               schedule, error, sizeof error),
                      -1);
    assert_string_equal (error, "chaos restart workload has no eligible targets");
    free (schedule);
    tf_plan_destroy (&plan);
}

//  A schedule too long to hold is refused, not cut short
static void
test_tf_chaos_refuses_a_schedule_too_long (void **state)
{
    tf_plan_t *plan = s_restart_plan (3, 0, true, false, 5);
    tf_plan_item_set_ms (&plan->workloads[0], "min_delay", 10);
    tf_plan_item_set_ms (&plan->workloads[0], "max_delay", 10);
    tf_plan_item_set_ms (&plan->workloads[0], "target_cooldown", 0);
    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char error[128] = "";
    assert_int_equal (tf_chaos_schedule_build (plan, &plan->workloads[0], TEST_DURATION_MS,
                                               schedule, error, sizeof error),
                      -1);
    assert_string_equal (error, "chaos restart would need more than 1024 restarts in the run; "
                                "raise min_delay");
    assert_int_equal (tf_chaos_schedule_build (plan, &plan->workloads[0], 1024 * 10 + 5, schedule,
                                               error, sizeof error),
                      0);
    assert_int_equal (schedule->count, 1024);
    free (schedule);
    tf_plan_destroy (&plan);
}

//  Cooldown is counted in blocks: 5 after an ordinary run, 15 after chaos,
//  which at the seeds' 2 s slots is at least their 30 s minimum
static void
test_tf_chaos_cooldown_is_in_blocks_and_longer_after_chaos (void **state)
{
    tf_plan_t *plain = tf_plan_new ("plain");
    tf_plan_set_slot (plain, 200, 0.5);
    tf_run_metrics_t metrics = tf_run_metrics (plain);
    assert_int_equal (metrics.block_interval_ms, 400);
    assert_int_equal (metrics.cooldown_ms, 5 * 400);
    assert_false (tf_run_metrics_chaos (plain));

    tf_plan_t *chaos = s_restart_plan (3, 1, true, true, 1);
    tf_plan_set_slot (chaos, 200, 0.5);
    assert_true (tf_run_metrics_chaos (chaos));
    metrics = tf_run_metrics (chaos);
    assert_int_equal (metrics.cooldown_ms, 15 * 400);
    assert_int_equal (TF_COOLDOWN_BLOCKS_CHAOS, 15);

    const double coefficients[] = {1.0, 0.9, 0.5};
    for (size_t index = 0; index < 3; index++) {
        tf_plan_set_slot (chaos, TF_SEEDS_SLOT_MS, coefficients[index]);
        metrics = tf_run_metrics (chaos);
        assert_true (metrics.cooldown_ms >= TF_SEEDS_CHAOS_COOLDOWN_MS);
        assert_int_equal (metrics.cooldown_ms, 15 * metrics.block_interval_ms);
    }
    tf_plan_destroy (&plain);
    tf_plan_destroy (&chaos);
}

static void
test_tf_rng_streams_are_deterministic_and_distinct (void **state)
{
    tf_rng_t first, second, other;
    tf_rng_seed (&first, 42, "transactions");
    tf_rng_seed (&second, 42, "transactions");
    tf_rng_seed (&other, 42, "chaos_random_restart");
    bool differs = false;
    for (int round = 0; round < 100; round++) {
        uint64_t value = tf_rng_next (&first);
        assert_int_equal (value, tf_rng_next (&second));
        if (value != tf_rng_next (&other))
            differs = true;
        int64_t ranged = tf_rng_range (&first, 10, 20);
        tf_rng_range (&second, 10, 20);
        assert_true (ranged >= 10 && ranged <= 20);
    }
    assert_true (differs);
}

//  Bandwidth: every node named limited to rate_kbit at delay, the limit lifted
//  (rate 0) after the window
static void
test_tf_chaos_bandwidth_limits_then_lifts (void **state)
{
    (void) state;
    tf_plan_t *plan = tf_plan_new ("bandwidth");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, 3, 0);
    tf_plan_enable_node_control (plan);
    tf_plan_item_t *item = tf_plan_add_workload (plan, "chaos_bandwidth");
    tf_plan_item_set_str (item, "nodes", "validator-1");
    tf_plan_item_set_ms (item, "delay", 500);
    tf_plan_item_set_ms (item, "window", 4000);
    tf_plan_item_set_int (item, "rate_kbit", 64);
    tf_chaos_schedule_t *schedule = calloc (1, sizeof *schedule);
    char error[128];
    assert_int_equal (
        tf_chaos_schedule_build (plan, &plan->workloads[0], 10000, schedule, error, sizeof error),
        0);
    assert_int_equal (schedule->count, 2);
    assert_int_equal (schedule->steps[0].action, TF_CONTROL_BANDWIDTH);
    assert_int_equal (schedule->steps[0].rate_kbit, 64);
    assert_int_equal (schedule->steps[1].rate_kbit, 0);
    assert_int_equal (schedule->steps[0].percent, 0);
    char *described = tf_chaos_schedule_describe (schedule);
    assert_string_equal (described,
                         "+0.5s bandwidth validator-1 64 kbit/s; +4.5s bandwidth validator-1 0 "
                         "kbit/s");
    free (described);
    tf_chaos_schedule_clear (schedule);
    //  Without rate_kbit: 1000 kbit/s; out of range: refused
    tf_plan_item_t *bare = tf_plan_add_workload (plan, "chaos_bandwidth");
    assert_int_equal (
        tf_chaos_schedule_build (plan, &plan->workloads[1], 10000, schedule, error, sizeof error),
        0);
    assert_int_equal (schedule->steps[0].rate_kbit, TF_CHAOS_DEFAULT_RATE_KBIT);
    tf_chaos_schedule_clear (schedule);
    tf_plan_item_set_int (bare, "rate_kbit", TF_CHAOS_MAX_RATE_KBIT + 1);
    assert_int_equal (
        tf_chaos_schedule_build (plan, &plan->workloads[1], 10000, schedule, error, sizeof error),
        -1);
    assert_non_null (strstr (error, "rate_kbit of 8 .. 10000000"));
    free (schedule);
    tf_plan_destroy (&plan);
}

int
main (void)
{
    zsys_init ();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_chaos_same_seed_gives_same_schedule),
        cmocka_unit_test (test_tf_chaos_restart_respects_delays_and_cooldown),
        cmocka_unit_test (test_tf_chaos_restart_waits_for_a_target_out_of_cooldown),
        cmocka_unit_test (test_tf_chaos_schedule_describes_every_step),
        cmocka_unit_test (test_tf_chaos_never_restarts_the_only_validator),
        cmocka_unit_test (test_tf_chaos_refuses_when_no_target_is_eligible),
        cmocka_unit_test (test_tf_chaos_single_validator_only_is_refused),
        cmocka_unit_test (test_tf_chaos_refuses_a_schedule_too_long),
        cmocka_unit_test (test_tf_chaos_partition_cuts_then_heals),
        cmocka_unit_test (test_tf_chaos_loss_turns_on_then_off),
        cmocka_unit_test (test_tf_chaos_bandwidth_limits_then_lifts),
        cmocka_unit_test (test_tf_chaos_cooldown_is_in_blocks_and_longer_after_chaos),
        cmocka_unit_test (test_tf_rng_streams_are_deterministic_and_distinct),
    };
    return cmocka_run_group_tests_name ("tf_chaos", tests, NULL, NULL);
}
