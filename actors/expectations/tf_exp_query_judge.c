//  tf_exp_query_judge.c - prometheus_query: the comparison, its messages and
//  its details (see tf_exp_query_judge.h)

#include <czmq.h>
#include <math.h>
#include <msgpack.h>
#include <time.h>
#include "tf_exp_query_judge.h"
#include "tf_mpack.h"

#define S_DETAIL_KEYS 7 //  Keys of the details map
#define S_TIME_SIZE   32

static const char *const s_ops[TF_EXP_QUERY_OP_COUNT] = {"<", "<=", ">", ">=", "==", "!="};

int
tf_exp_query_op_parse (const char *text, tf_exp_query_op_t *op)
{
    for (int index = 0; text && index < TF_EXP_QUERY_OP_COUNT; index++)
        if (streq (text, s_ops[index])) {
            *op = (tf_exp_query_op_t) index;
            return 0;
        }
    return -1;
}

const char *
tf_exp_query_op_text (tf_exp_query_op_t op)
{
    return op < TF_EXP_QUERY_OP_COUNT ? s_ops[op] : "?";
}

static bool
s_holds (tf_exp_query_op_t op, double got, double want)
{
    if (isnan (got))
        return false;
    switch (op) {
        case TF_EXP_QUERY_LT:
            return got < want;
        case TF_EXP_QUERY_LE:
            return got <= want;
        case TF_EXP_QUERY_GT:
            return got > want;
        case TF_EXP_QUERY_GE:
            return got >= want;
        case TF_EXP_QUERY_EQ:
            return got == want;
        case TF_EXP_QUERY_NE:
            return got != want;
        default:
            return false;
    }
}

tf_exp_query_outcome_t
tf_exp_query_check (const tf_exp_query_knobs_t *knobs, const tf_exp_query_check_t *check,
                    size_t *series_p)
{
    assert (knobs && check);
    const tf_exp_promql_answer_t *answer = &check->answer;
    size_t ignored;
    if (!series_p)
        series_p = &ignored;
    *series_p = 0;
    if (answer->error)
        return answer->rejected ? TF_EXP_QUERY_REJECTED : TF_EXP_QUERY_NO_ANSWER;
    if (answer->count == 0)
        return TF_EXP_QUERY_EMPTY;
    if (!knobs->for_each && answer->count > 1)
        return TF_EXP_QUERY_BREACH;
    for (size_t index = 0; index < answer->count; index++)
        if (!s_holds (knobs->op, answer->series[index].value, knobs->value)) {
            *series_p = index;
            return TF_EXP_QUERY_BREACH;
        }
    return TF_EXP_QUERY_HOLDS;
}

//  "19:20:01.123 UTC"
static void
s_time (uint64_t at_ms, char text[S_TIME_SIZE])
{
    time_t seconds = (time_t) (at_ms / 1000);
    struct tm parts;
    gmtime_r (&seconds, &parts);
    snprintf (text, S_TIME_SIZE, "%02d:%02d:%02d.%03u UTC", parts.tm_hour, parts.tm_min,
              parts.tm_sec, (unsigned) (at_ms % 1000));
}

static char *
s_message (const tf_exp_query_knobs_t *knobs, const tf_exp_query_check_t *check, uint64_t checks,
           tf_exp_query_outcome_t outcome, size_t series)
{
    char when[S_TIME_SIZE];
    s_time (check->at_ms, when);
    const char *op = tf_exp_query_op_text (knobs->op);
    const tf_exp_promql_answer_t *answer = &check->answer;
    const tf_exp_promql_series_t *one = answer->count ? &answer->series[series] : NULL;
    switch (outcome) {
        case TF_EXP_QUERY_HOLDS:
            if (knobs->during_run)
                return knobs->for_each ? zsys_sprintf (
                           TF_EXP_QUERY_KIND ": every series of `%s` held %s %g at "
                                             "each of %" PRIu64 " checks during the run (last: %zu "
                                             "series at %s)",
                           knobs->query, op, knobs->value, checks, answer->count, when)
                                       : zsys_sprintf (TF_EXP_QUERY_KIND
                                                       ": `%s` held %s %g at each of %" PRIu64
                                                       " checks during the run (last: %g at %s)",
                                                       knobs->query, op, knobs->value, checks,
                                                       one->value, when);
            return knobs->for_each
                       ? zsys_sprintf (TF_EXP_QUERY_KIND
                                       ": all %zu series of `%s` hold %s %g at %s",
                                       answer->count, knobs->query, op, knobs->value, when)
                       : zsys_sprintf (TF_EXP_QUERY_KIND ": `%s` is %g at %s, which holds %s %g",
                                       knobs->query, one->value, when, op, knobs->value);
        case TF_EXP_QUERY_BREACH:
            if (!knobs->for_each && answer->count > 1)
                return zsys_sprintf (TF_EXP_QUERY_KIND
                                     ": `%s` returned %zu series at %s: aggregate "
                                     "it (sum, max, ...) or set for_each: true",
                                     knobs->query, answer->count, when);
            return knobs->for_each
                       ? zsys_sprintf (TF_EXP_QUERY_KIND ": series %s of `%s` is %g at %s, which "
                                                         "breaks %s %g%s",
                                       one->labels, knobs->query, one->value, when, op,
                                       knobs->value, knobs->during_run ? " (during the run)" : "")
                       : zsys_sprintf (TF_EXP_QUERY_KIND ": `%s` is %g at %s, which breaks %s %g%s",
                                       knobs->query, one->value, when, op, knobs->value,
                                       knobs->during_run ? " (during the run)" : "");
        case TF_EXP_QUERY_EMPTY:
            return zsys_sprintf (TF_EXP_QUERY_KIND ": `%s` returned no series at %s: nothing to "
                                                   "compare",
                                 knobs->query, when);
        case TF_EXP_QUERY_REJECTED:
            return zsys_sprintf (TF_EXP_QUERY_KIND ": Prometheus rejected `%s`: %s", knobs->query,
                                 answer->error);
        default:
            return zsys_sprintf (TF_EXP_QUERY_KIND ": no answer to `%s`%s%s: %s", knobs->query,
                                 check->at_ms ? " at " : "", check->at_ms ? when : "",
                                 answer->error ? answer->error : "?");
    }
}

//  at_ms, checks, outcome, error, rejected, series [{labels, node, value}]
static void
s_pack_details (const tf_exp_query_check_t *check, uint64_t checks, tf_exp_query_outcome_t outcome,
                tf_exp_query_verdict_t *verdict)
{
    static const char *const outcomes[] = {"holds", "breach", "empty", "rejected", "no_answer"};
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, S_DETAIL_KEYS);
    tf_mpack_str (&packer, "at_ms");
    msgpack_pack_uint64 (&packer, check->at_ms);
    tf_mpack_str (&packer, "checks");
    msgpack_pack_uint64 (&packer, checks);
    tf_mpack_str (&packer, "outcome");
    tf_mpack_str (&packer, outcomes[outcome]);
    tf_mpack_str (&packer, "error");
    if (check->answer.error)
        tf_mpack_str (&packer, check->answer.error);
    else
        msgpack_pack_nil (&packer);
    tf_mpack_str (&packer, "rejected");
    if (check->answer.rejected)
        msgpack_pack_true (&packer);
    else
        msgpack_pack_false (&packer);
    tf_mpack_str (&packer, "series");
    msgpack_pack_array (&packer, check->answer.count);
    for (size_t index = 0; index < check->answer.count; index++) {
        const tf_exp_promql_series_t *series = &check->answer.series[index];
        msgpack_pack_map (&packer, 2);
        tf_mpack_str (&packer, "labels");
        tf_mpack_str (&packer, series->labels);
        tf_mpack_str (&packer, "value");
        msgpack_pack_double (&packer, series->value);
    }
    tf_mpack_str (&packer, "observed");
    if (check->answer.count)
        msgpack_pack_double (&packer, check->answer.series[0].value);
    else
        msgpack_pack_nil (&packer);
    verdict->details = (uint8_t *) malloc (buffer.size ? buffer.size : 1);
    assert (verdict->details);
    memcpy (verdict->details, buffer.data, buffer.size);
    verdict->details_size = buffer.size;
    msgpack_sbuffer_destroy (&buffer);
}

void
tf_exp_query_judge (const tf_exp_query_knobs_t *knobs, const tf_exp_query_check_t *check,
                    uint64_t checks, tf_exp_query_verdict_t *verdict)
{
    assert (knobs && check && verdict);
    memset (verdict, 0, sizeof *verdict);
    size_t series = 0;
    tf_exp_query_outcome_t outcome = tf_exp_query_check (knobs, check, &series);
    verdict->passed = outcome == TF_EXP_QUERY_HOLDS;
    verdict->message = s_message (knobs, check, checks, outcome, series);
    s_pack_details (check, checks, outcome, verdict);
}

int
tf_exp_query_from_details (const uint8_t *details, size_t size, tf_exp_query_check_t *check,
                           uint64_t *checks_p)
{
    assert (check && checks_p);
    memset (check, 0, sizeof *check);
    if (!details || size == 0)
        return -1;
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    int rc = -1;
    if (msgpack_unpack_next (&unpacked, (const char *) details, size, NULL)
        != MSGPACK_UNPACK_SUCCESS)
        goto out;
    const msgpack_object *root = &unpacked.data;
    const msgpack_object *at = tf_mpack_get (root, "at_ms");
    const msgpack_object *checks = tf_mpack_get (root, "checks");
    const msgpack_object *error = tf_mpack_get (root, "error");
    const msgpack_object *rejected = tf_mpack_get (root, "rejected");
    const msgpack_object *series = tf_mpack_get (root, "series");
    if (!at || at->type != MSGPACK_OBJECT_POSITIVE_INTEGER || !checks
        || checks->type != MSGPACK_OBJECT_POSITIVE_INTEGER || !error || !rejected
        || rejected->type != MSGPACK_OBJECT_BOOLEAN || !series
        || series->type != MSGPACK_OBJECT_ARRAY)
        goto out;
    check->at_ms = at->via.u64;
    *checks_p = checks->via.u64;
    if (error->type == MSGPACK_OBJECT_STR)
        check->answer.error = tf_mpack_strdup (error);
    check->answer.rejected = rejected->via.boolean;
    check->answer.series = (tf_exp_promql_series_t *) zmalloc ((series->via.array.size + 1)
                                                               * sizeof (tf_exp_promql_series_t));
    for (uint32_t index = 0; index < series->via.array.size; index++) {
        const msgpack_object *map = &series->via.array.ptr[index];
        const msgpack_object *value = tf_mpack_get (map, "value");
        tf_exp_promql_series_t *entry = &check->answer.series[check->answer.count++];
        entry->labels = tf_mpack_strdup (tf_mpack_get (map, "labels"));
        if (!entry->labels || !value || value->type != MSGPACK_OBJECT_FLOAT64)
            goto out;
        entry->value = value->via.f64;
    }
    rc = 0;
out:
    msgpack_unpacked_destroy (&unpacked);
    if (rc)
        tf_exp_query_check_free (check);
    return rc;
}

void
tf_exp_query_check_free (tf_exp_query_check_t *check)
{
    if (!check)
        return;
    tf_exp_promql_answer_free (&check->answer);
    memset (check, 0, sizeof *check);
}

void
tf_exp_query_verdict_free (tf_exp_query_verdict_t *verdict)
{
    if (!verdict)
        return;
    free (verdict->message);
    free (verdict->details);
    memset (verdict, 0, sizeof *verdict);
}
