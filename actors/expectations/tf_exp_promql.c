//  tf_exp_promql.c - one instant query of a Prometheus server (see tf_exp_promql.h)

#include <czmq.h>
#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include "tf_exp_promql.h"

//  `{a="x",b="y"}`, the metric name first; *node_p gets the node label
static char *
s_labels (json_t *metric, char **node_p)
{
    const char *name = json_string_value (json_object_get (metric, "__name__"));
    const char *node = json_string_value (json_object_get (metric, "node"));
    *node_p = node ? strdup (node) : NULL;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    fprintf (out, "%s{", name ? name : "");
    const char *key;
    json_t *value;
    bool first = true;
    void *iter = json_object_iter (metric);
    //  Keys in the server's order (sorted), without the name
    for (; iter; iter = json_object_iter_next (metric, iter)) {
        key = json_object_iter_key (iter);
        value = json_object_iter_value (iter);
        if (streq (key, "__name__"))
            continue;
        fprintf (out, "%s%s=\"%s\"", first ? "" : ",", key,
                 json_string_value (value) ? json_string_value (value) : "");
        first = false;
    }
    fputc ('}', out);
    fclose (out);
    return text;
}

//  A [time, "value"] pair's value; -1 when it is not one
static int
s_value (json_t *pair, double *value)
{
    const char *text = json_string_value (json_array_get (pair, 1));
    if (!text)
        return -1;
    char *end;
    *value = strtod (text, &end); //  Also "NaN", "+Inf"
    return *end ? -1 : 0;
}

int
tf_exp_promql_parse (const char *body, long status, tf_exp_promql_answer_t *answer)
{
    assert (answer);
    memset (answer, 0, sizeof *answer);
    json_t *root = body ? json_loads (body, 0, NULL) : NULL;
    const char *state = json_string_value (json_object_get (root, "status"));
    int rc = -1;
    if (!root || !state) {
        answer->error =
            zsys_sprintf ("Prometheus answered http %ld without a query result", status);
        goto out;
    }
    if (!streq (state, "success")) {
        const char *error = json_string_value (json_object_get (root, "error"));
        const char *type = json_string_value (json_object_get (root, "errorType"));
        answer->error = zsys_sprintf ("%s: %s", type ? type : "error", error ? error : "?");
        answer->rejected = true;
        goto out;
    }
    json_t *data = json_object_get (root, "data");
    const char *type = json_string_value (json_object_get (data, "resultType"));
    json_t *result = json_object_get (data, "result");
    if (type && streq (type, "scalar")) {
        answer->series = (tf_exp_promql_series_t *) zmalloc (sizeof (tf_exp_promql_series_t));
        answer->count = 1;
        answer->series[0].labels = strdup ("{}");
        if (s_value (result, &answer->series[0].value))
            answer->error = strdup ("Prometheus sent a scalar without a value");
        rc = answer->error ? -1 : 0;
        goto out;
    }
    if (!type || !streq (type, "vector") || !json_is_array (result)) {
        answer->error = zsys_sprintf ("expected an instant vector or a scalar, Prometheus sent %s",
                                      type ? type : "no result type");
        answer->rejected = true;
        goto out;
    }
    size_t count = json_array_size (result);
    answer->series =
        (tf_exp_promql_series_t *) zmalloc ((count + 1) * sizeof (tf_exp_promql_series_t));
    for (size_t index = 0; index < count; index++) {
        json_t *entry = json_array_get (result, index);
        tf_exp_promql_series_t *series = &answer->series[answer->count++];
        series->labels = s_labels (json_object_get (entry, "metric"), &series->node);
        if (s_value (json_object_get (entry, "value"), &series->value)) {
            answer->error = strdup ("Prometheus sent a series without a value");
            goto out;
        }
    }
    rc = 0;
out:
    json_decref (root);
    return rc;
}

int
tf_exp_promql_query (tf_api_client_t *client, const char *query, double at_s,
                     tf_exp_promql_answer_t *answer)
{
    assert (client && query && answer);
    memset (answer, 0, sizeof *answer);
    char *escaped = curl_easy_escape (NULL, query, 0);
    if (!escaped) {
        answer->error = strdup ("cannot encode the query");
        return -1;
    }
    char *path = at_s > 0
                     ? zsys_sprintf ("%s?query=%s&time=%.3f", TF_EXP_PROMQL_PATH, escaped, at_s)
                     : zsys_sprintf ("%s?query=%s", TF_EXP_PROMQL_PATH, escaped);
    curl_free (escaped);
    long status = 0;
    char *body = NULL;
    int rc = tf_api_client_request (client, path, NULL, &status, &body);
    free (path);
    if (rc || status == 0) {
        free (body);
        answer->error = strdup ("Prometheus did not answer");
        return -1;
    }
    rc = tf_exp_promql_parse (body, status, answer);
    free (body);
    return rc;
}

void
tf_exp_promql_answer_free (tf_exp_promql_answer_t *answer)
{
    if (!answer)
        return;
    for (size_t index = 0; index < answer->count; index++) {
        free (answer->series[index].labels);
        free (answer->series[index].node);
    }
    free (answer->series);
    free (answer->error);
    memset (answer, 0, sizeof *answer);
}
