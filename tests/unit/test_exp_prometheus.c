//  test_exp_prometheus.c - prometheus_block_production: the exposition-format
//  parser, the judge and its messages, the details read back for a replay, and
//  the reading of a Prometheus server's query answers and prometheus_query's judge

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <czmq.h>
#include <math.h>
#include "tf_exp_prometheus_judge.h"
#include "tf_exp_prometheus_record.h"
#include "tf_exp_promql.h"
#include "tf_exp_query_judge.h"

#define S_METRIC TF_EXP_PROMETHEUS_METRIC

//  Parse text (terminated) for metric; -1 on "not found" for brevity
static double
s_parse (const char *text, const char *metric)
{
    double value = 0;
    if (tf_exp_prometheus_parse (text, strlen (text), metric, &value))
        return -1;
    return value;
}

static void
test_parse_skips_comments_and_other_metrics (void **state)
{
    (void) state;
    const char *text = "# HELP tf_node_blocks_produced_total Blocks this node produced\n"
                       "# TYPE tf_node_blocks_produced_total counter\n"
                       "consensus_tip_height 17\n"
                       "\n"
                       "tf_node_blocks_produced_total_extra 99\n"
                       "tf_node_blocks_produced_total 12\n"
                       "mempool_transactions_pending 0\n";
    assert_true (s_parse (text, S_METRIC) == 12);
    assert_true (s_parse (text, "consensus_tip_height") == 17);
    assert_true (s_parse (text, "consensus_finalized_height") == -1);
    //  A commented-out sample is no sample
    assert_true (s_parse ("# tf_node_blocks_produced_total 5\n", S_METRIC) == -1);
    //  No final newline, CRLF, tabs, a timestamp
    assert_true (s_parse ("a 1\r\ntf_node_blocks_produced_total\t3 1700000000000", S_METRIC) == 3);
}

static void
test_parse_sums_label_sets (void **state)
{
    (void) state;
    const char *text = "tf_node_blocks_produced_total{node=\"v-0\",kind=\"a}b\"} 4\n"
                       "tf_node_blocks_produced_total{node=\"v-\\\"1\\\"\"} 2.0\n"
                       "tf_node_blocks_produced_total{} 1e1\n";
    assert_true (s_parse (text, S_METRIC) == 16);
}

static void
test_parse_skips_bad_lines (void **state)
{
    (void) state;
    const char *bad[] = {
        "tf_node_blocks_produced_total\n",              //  No value
        "tf_node_blocks_produced_total twelve\n",       //  Not a number
        "tf_node_blocks_produced_total 1 2 3\n",        //  Trailing junk
        "tf_node_blocks_produced_total{node=\"v\" 4\n", //  Unclosed labels
        "tf_node_blocks_produced_total{node=v} 4\n",    //  Unquoted label value
        "tf_node_blocks_produced_total 4 soon\n",       //  Bad timestamp
        "9tf_node_blocks_produced_total 4\n",           //  Bad name
    };
    for (size_t index = 0; index < sizeof bad / sizeof bad[0]; index++)
        assert_true (s_parse (bad[index], S_METRIC) == -1);
    //  The good line after a bad one still counts
    assert_true (
        s_parse ("tf_node_blocks_produced_total x\ntf_node_blocks_produced_total 7\n", S_METRIC)
        == 7);
}

static void
test_scrape_set_names_what_is_wrong (void **state)
{
    (void) state;
    tf_exp_prometheus_scrape_t scrape = {0};
    tf_exp_prometheus_scrape_set (&scrape, "tf_node_blocks_produced_total 9\n", 200);
    assert_true (scrape.known);
    assert_int_equal (scrape.value, 9);
    assert_null (scrape.error);
    tf_exp_prometheus_scrape_set (&scrape, NULL, 0);
    assert_false (scrape.known);
    assert_string_equal (scrape.error, "no answer");
    tf_exp_prometheus_scrape_set (&scrape, "not found", 404);
    assert_string_equal (scrape.error, "http 404");
    tf_exp_prometheus_scrape_set (&scrape, "consensus_tip_height 3\n", 200);
    assert_string_equal (scrape.error, "no tf_node_blocks_produced_total");
    tf_exp_prometheus_scrape_set (&scrape, "tf_node_blocks_produced_total -1\n", 200);
    assert_false (scrape.known);
    assert_non_null (strstr (scrape.error, "bad value"));
    free (scrape.error);
}


//  ---------------------------------------------------------------------------
//  The judge

//  Observations of validator-0.. with capture and evaluate figures; a figure
//  below 0 means the node gave none (no answer)
static void
s_obs (tf_exp_prometheus_obs_t *obs, const int64_t (*figures)[2], size_t count, uint64_t min_blocks)
{
    memset (obs, 0, sizeof *obs);
    obs->min_blocks = min_blocks;
    obs->node_count = count;
    obs->nodes =
        (tf_exp_prometheus_node_t *) zmalloc ((count + 1) * sizeof (tf_exp_prometheus_node_t));
    for (size_t index = 0; index < count; index++) {
        tf_exp_prometheus_node_t *node = &obs->nodes[index];
        node->name = zsys_sprintf ("validator-%zu", index);
        tf_exp_prometheus_scrape_t *scrapes[2] = {&node->capture, &node->evaluate};
        for (size_t which = 0; which < 2; which++) {
            scrapes[which]->known = figures[index][which] >= 0;
            scrapes[which]->value = scrapes[which]->known ? (uint64_t) figures[index][which] : 0;
            scrapes[which]->error = scrapes[which]->known ? NULL : strdup ("no answer");
        }
    }
}

//  The first line of a message, copied into line
static void
s_first_line (const char *message, char *line, size_t size)
{
    size_t length = strcspn (message, "\n");
    assert_true (length < size);
    memcpy (line, message, length);
    line[length] = 0;
}

static void
test_judge_passes_with_the_figure (void **state)
{
    (void) state;
    const int64_t figures[][2] = {{3, 8}, {0, 4}, {10, 10}};
    tf_exp_prometheus_obs_t obs;
    s_obs (&obs, figures, 3, 9);
    tf_exp_prometheus_verdict_t verdict;
    tf_exp_prometheus_judge (&obs, &verdict);
    assert_true (verdict.passed);
    assert_int_equal (verdict.observed, 9);
    assert_string_equal (verdict.message,
                         "prometheus_block_production: 9 blocks produced (required 9; read each "
                         "node's /metrics: no Prometheus server)");
    tf_exp_prometheus_verdict_free (&verdict);
    tf_exp_prometheus_obs_free (&obs);
}

static void
test_judge_fails_with_the_exact_first_line (void **state)
{
    (void) state;
    const int64_t figures[][2] = {{5, 5}, {2, 3}};
    tf_exp_prometheus_obs_t obs;
    s_obs (&obs, figures, 2, 4);
    tf_exp_prometheus_verdict_t verdict;
    tf_exp_prometheus_judge (&obs, &verdict);
    assert_false (verdict.passed);
    assert_string_equal (verdict.message,
                         "prometheus_block_production: observed 1 blocks below required 4 (read "
                         "each node's /metrics: no Prometheus server)\n"
                         "- validator-0: 0 produced (metric 5 at capture, 5 at evaluate)\n"
                         "- validator-1: 1 produced (metric 2 at capture, 3 at evaluate)");
    tf_exp_prometheus_verdict_free (&verdict);
    tf_exp_prometheus_obs_free (&obs);
}

static void
test_judge_counts_a_restarted_counter_from_zero (void **state)
{
    (void) state;
    const int64_t figures[][2] = {{40, 3}, {1, 2}};
    tf_exp_prometheus_obs_t obs;
    s_obs (&obs, figures, 2, 10);
    assert_int_equal (tf_exp_prometheus_produced (&obs.nodes[0]), 3);
    tf_exp_prometheus_verdict_t verdict;
    tf_exp_prometheus_judge (&obs, &verdict);
    assert_false (verdict.passed);
    assert_int_equal (verdict.observed, 4);
    assert_non_null (strstr (verdict.message, "- validator-0: 3 produced (metric 40 at capture, "
                                              "3 at evaluate: counter restarted)"));
    tf_exp_prometheus_verdict_free (&verdict);
    tf_exp_prometheus_obs_free (&obs);
}

static void
test_judge_names_a_node_that_is_down (void **state)
{
    (void) state;
    //  Down at evaluate: counts 0 and is named, even when the run passes
    const int64_t figures[][2] = {{1, 6}, {2, -1}, {-1, 3}};
    tf_exp_prometheus_obs_t obs;
    s_obs (&obs, figures, 3, 1);
    tf_exp_prometheus_verdict_t verdict;
    tf_exp_prometheus_judge (&obs, &verdict);
    assert_true (verdict.passed);
    assert_int_equal (verdict.observed, 5);
    assert_string_equal (verdict.message,
                         "prometheus_block_production: 5 blocks produced (required 1; read each "
                         "node's /metrics: no Prometheus server)\n"
                         "- validator-1: 0 produced (metric 2 at capture, no answer at evaluate)\n"
                         "- validator-2: 0 produced (no answer at capture, 3 at evaluate)");
    tf_exp_prometheus_verdict_free (&verdict);
    obs.min_blocks = 6;
    tf_exp_prometheus_judge (&obs, &verdict);
    assert_false (verdict.passed);
    char line[128];
    s_first_line (verdict.message, line, sizeof line);
    assert_string_equal (line, "prometheus_block_production: observed 5 blocks below required 6 "
                               "(read each node's /metrics: no Prometheus server)");
    tf_exp_prometheus_verdict_free (&verdict);
    tf_exp_prometheus_obs_free (&obs);
}

//  The details carry the observations; read back, they judge the same
static void
test_details_read_back_judge_the_same (void **state)
{
    (void) state;
    const int64_t figures[][2] = {{40, 3}, {2, -1}, {0, 0}};
    tf_exp_prometheus_obs_t obs;
    s_obs (&obs, figures, 3, 7);
    tf_exp_prometheus_verdict_t verdict;
    tf_exp_prometheus_judge (&obs, &verdict);
    tf_exp_prometheus_obs_t back;
    assert_int_equal (
        tf_exp_prometheus_obs_from_details (verdict.details, verdict.details_size, &back), 0);
    assert_int_equal (back.node_count, 3);
    assert_string_equal (back.nodes[1].name, "validator-1");
    assert_false (back.nodes[1].evaluate.known);
    assert_string_equal (back.nodes[1].evaluate.error, "no answer");
    back.min_blocks = 7;
    tf_exp_prometheus_verdict_t again;
    tf_exp_prometheus_judge (&back, &again);
    assert_int_equal (again.passed, verdict.passed);
    assert_string_equal (again.message, verdict.message);
    assert_int_equal (again.details_size, verdict.details_size);
    assert_memory_equal (again.details, verdict.details, verdict.details_size);
    tf_exp_prometheus_obs_free (&back);
    //  Garbage reads back as nothing
    assert_int_equal (tf_exp_prometheus_obs_from_details ((const uint8_t *) "\x01", 1, &back), -1);
    tf_exp_prometheus_verdict_free (&again);
    tf_exp_prometheus_verdict_free (&verdict);
    tf_exp_prometheus_obs_free (&back);
    tf_exp_prometheus_obs_free (&obs);
}

//  Figures from a server: the message names it, and the details keep it
static void
test_judge_names_the_server_and_reads_it_back (void **state)
{
    (void) state;
    const int64_t figures[][2] = {{1, 4}, {2, 2}};
    tf_exp_prometheus_obs_t obs;
    s_obs (&obs, figures, 2, 3);
    obs.server = strdup ("http://127.0.0.1:9090");
    tf_exp_prometheus_verdict_t verdict;
    tf_exp_prometheus_judge (&obs, &verdict);
    assert_true (verdict.passed);
    assert_string_equal (verdict.message, "prometheus_block_production: 3 blocks produced "
                                          "(required 3; queried the Prometheus server at "
                                          "http://127.0.0.1:9090)");
    tf_exp_prometheus_obs_t back;
    assert_int_equal (
        tf_exp_prometheus_obs_from_details (verdict.details, verdict.details_size, &back), 0);
    assert_string_equal (back.server, "http://127.0.0.1:9090");
    back.min_blocks = 3;
    tf_exp_prometheus_verdict_t again;
    tf_exp_prometheus_judge (&back, &again);
    assert_string_equal (again.message, verdict.message);
    tf_exp_prometheus_verdict_free (&again);
    tf_exp_prometheus_verdict_free (&verdict);
    tf_exp_prometheus_obs_free (&back);
    tf_exp_prometheus_obs_free (&obs);
}

//  /api/v1/query answers: a vector with node labels, a scalar, the server's error
static void
test_promql_reads_answers_and_errors (void **state)
{
    (void) state;
    tf_exp_promql_answer_t answer;
    assert_int_equal (
        tf_exp_promql_parse ("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
                             "\"result\":[{\"metric\":{\"__name__\":\"m\",\"job\":\"j\","
                             "\"node\":\"validator-1\"},\"value\":[1.5,\"7\"]},"
                             "{\"metric\":{},\"value\":[1.5,\"NaN\"]}]}}",
                             200, &answer),
        0);
    assert_int_equal (answer.count, 2);
    assert_string_equal (answer.series[0].labels, "m{job=\"j\",node=\"validator-1\"}");
    assert_string_equal (answer.series[0].node, "validator-1");
    assert_true (answer.series[0].value == 7);
    assert_string_equal (answer.series[1].labels, "{}");
    assert_null (answer.series[1].node);
    tf_exp_promql_answer_free (&answer);
    assert_int_equal (tf_exp_promql_parse ("{\"status\":\"success\",\"data\":{\"resultType\":"
                                           "\"scalar\",\"result\":[1.5,\"2.5\"]}}",
                                           200, &answer),
                      0);
    assert_int_equal (answer.count, 1);
    assert_true (answer.series[0].value == 2.5);
    tf_exp_promql_answer_free (&answer);
    assert_int_equal (tf_exp_promql_parse ("{\"status\":\"error\",\"errorType\":\"bad_data\","
                                           "\"error\":\"1:5: parse error: unexpected\"}",
                                           400, &answer),
                      -1);
    assert_true (answer.rejected);
    assert_string_equal (answer.error, "bad_data: 1:5: parse error: unexpected");
    tf_exp_promql_answer_free (&answer);
    assert_int_equal (tf_exp_promql_parse ("not json", 502, &answer), -1);
    assert_false (answer.rejected);
    assert_non_null (strstr (answer.error, "http 502"));
    tf_exp_promql_answer_free (&answer);
}

//  A check of count series with these values (labels {node="validator-i"})
static void
s_check (tf_exp_query_check_t *check, const double *values, size_t count)
{
    memset (check, 0, sizeof *check);
    check->at_ms = 1796412666794; //  19:31:06.794 UTC
    check->answer.series =
        (tf_exp_promql_series_t *) zmalloc ((count + 1) * sizeof (tf_exp_promql_series_t));
    for (size_t index = 0; index < count; index++) {
        check->answer.series[index].labels = zsys_sprintf ("{node=\"validator-%zu\"}", index);
        check->answer.series[index].value = values[index];
    }
    check->answer.count = count;
}

//  Every op, NaN, for_each naming the series, several series without it, none
static void
test_query_check_compares_as_op_says (void **state)
{
    (void) state;
    tf_exp_query_knobs_t knobs = {.query = "q", .value = 2};
    const char *ops[] = {"<", "<=", ">", ">=", "==", "!="};
    const bool at_two[] = {false, true, false, true, true, false};
    const double two = 2, nan_value = NAN;
    for (size_t index = 0; index < 6; index++) {
        assert_int_equal (tf_exp_query_op_parse (ops[index], &knobs.op), 0);
        assert_string_equal (tf_exp_query_op_text (knobs.op), ops[index]);
        tf_exp_query_check_t check;
        s_check (&check, &two, 1);
        assert_int_equal (tf_exp_query_check (&knobs, &check, NULL) == TF_EXP_QUERY_HOLDS,
                          at_two[index]);
        tf_exp_query_check_free (&check);
        s_check (&check, &nan_value, 1);
        assert_int_equal (tf_exp_query_check (&knobs, &check, NULL), TF_EXP_QUERY_BREACH);
        tf_exp_query_check_free (&check);
    }
    assert_int_equal (tf_exp_query_op_parse ("=<", &knobs.op), -1);
    const double values[] = {3, 1, 4};
    tf_exp_query_check_t check;
    s_check (&check, values, 3);
    knobs.op = TF_EXP_QUERY_GT;
    knobs.for_each = true;
    knobs.during_run = true;
    size_t series = 9;
    assert_int_equal (tf_exp_query_check (&knobs, &check, &series), TF_EXP_QUERY_BREACH);
    assert_int_equal (series, 1);
    tf_exp_query_verdict_t verdict;
    tf_exp_query_judge (&knobs, &check, 4, &verdict);
    assert_false (verdict.passed);
    assert_string_equal (verdict.message,
                         "prometheus_query: series {node=\"validator-1\"} of `q` is 1 at "
                         "19:31:06.794 UTC, which breaks > 2 (during the run)");
    //  Read back, the details judge the same
    tf_exp_query_check_t back;
    uint64_t checks = 0;
    assert_int_equal (
        tf_exp_query_from_details (verdict.details, verdict.details_size, &back, &checks), 0);
    assert_int_equal (checks, 4);
    tf_exp_query_verdict_t again;
    tf_exp_query_judge (&knobs, &back, checks, &again);
    assert_string_equal (again.message, verdict.message);
    assert_memory_equal (again.details, verdict.details, verdict.details_size);
    tf_exp_query_verdict_free (&again);
    tf_exp_query_verdict_free (&verdict);
    tf_exp_query_check_free (&back);
    knobs.for_each = false;
    tf_exp_query_judge (&knobs, &check, 1, &verdict);
    assert_false (verdict.passed);
    assert_non_null (strstr (verdict.message, "returned 3 series at"));
    tf_exp_query_verdict_free (&verdict);
    tf_exp_query_check_free (&check);
    s_check (&check, values, 0);
    assert_int_equal (tf_exp_query_check (&knobs, &check, NULL), TF_EXP_QUERY_EMPTY);
    tf_exp_query_check_free (&check);
    check.answer.error = strdup ("bad_data: parse error");
    check.answer.rejected = true;
    assert_int_equal (tf_exp_query_check (&knobs, &check, NULL), TF_EXP_QUERY_REJECTED);
    tf_exp_query_judge (&knobs, &check, 0, &verdict);
    assert_string_equal (verdict.message,
                         "prometheus_query: Prometheus rejected `q`: bad_data: parse error");
    tf_exp_query_verdict_free (&verdict);
    tf_exp_query_check_free (&check);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_parse_skips_comments_and_other_metrics),
        cmocka_unit_test (test_parse_sums_label_sets),
        cmocka_unit_test (test_parse_skips_bad_lines),
        cmocka_unit_test (test_scrape_set_names_what_is_wrong),
        cmocka_unit_test (test_judge_passes_with_the_figure),
        cmocka_unit_test (test_judge_fails_with_the_exact_first_line),
        cmocka_unit_test (test_judge_counts_a_restarted_counter_from_zero),
        cmocka_unit_test (test_judge_names_a_node_that_is_down),
        cmocka_unit_test (test_details_read_back_judge_the_same),
        cmocka_unit_test (test_judge_names_the_server_and_reads_it_back),
        cmocka_unit_test (test_promql_reads_answers_and_errors),
        cmocka_unit_test (test_query_check_compares_as_op_says),
    };
    return cmocka_run_group_tests_name ("exp_prometheus", tests, NULL, NULL);
}
