//  tf_diagnostics.c - every node's state at the moment a run fails (see tf_diagnostics.h)

#include <errno.h>
#include <jansson.h>
#include <sys/stat.h>
#include "tf_api_client.h"
#include "tf_diagnostics.h"

#define S_TAIL_MAX (1024 * 1024) //  Most bytes of a log read back for its tail

//  The node requests of a capture, in this order per node
typedef enum { S_INFO = 0, S_NETWORK, S_MEMPOOL, S_HEADERS, S_REQUESTS } s_request_kind_t;

static const char *const s_paths[S_REQUESTS] = {"/cryptarchia/info", "/network/info",
                                                "/mantle/metrics", "/cryptarchia/headers"};
static const char *const s_keys[S_REQUESTS] = {"info", "network", "mempool_pending", "headers"};

static const char *const s_state_names[] = {"running", "paused", "exited"};

char *
tf_diagnostics_tail (const char *path, size_t max_lines, size_t *lines_p)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return NULL;
    struct stat status;
    if (fstat (fileno (file), &status) || !S_ISREG (status.st_mode)) {
        fclose (file);
        errno = EINVAL;
        return NULL;
    }
    //  The file's last S_TAIL_MAX bytes at most, then its last max_lines lines
    size_t size = (size_t) status.st_size;
    size_t read_size = size < S_TAIL_MAX ? size : S_TAIL_MAX;
    char *text = (char *) malloc (read_size + 1);
    assert (text);
    if (fseek (file, (long) (size - read_size), SEEK_SET)
        || fread (text, 1, read_size, file) != read_size) {
        free (text);
        fclose (file);
        return NULL;
    }
    fclose (file);
    text[read_size] = 0;
    size_t from = read_size, lines = 0;
    if (from && text[from - 1] == '\n')
        from--; //  The last newline ends the last line
    while (from > 0 && lines < max_lines) {
        from--;
        if (text[from] == '\n') {
            if (++lines == max_lines) {
                from++;
                break;
            }
        }
    }
    if (lines < max_lines && read_size)
        lines++; //  The first line, which no newline precedes
    memmove (text, text + from, read_size - from + 1);
    *lines_p = read_size ? lines : 0;
    return text;
}

//  One request's answer as JSON for the summary (NULL with errors[key] set when none)
static json_t *
s_answer (const tf_api_request_t *request, s_request_kind_t kind, json_t *errors)
{
    if (request->status != 200) {
        char why[TF_API_CLIENT_ERROR_SIZE + 32];
        if (request->status)
            snprintf (why, sizeof why, "HTTP %ld", request->status);
        else
            snprintf (why, sizeof why, "%s", request->error[0] ? request->error : "no answer");
        json_object_set_new (errors, s_keys[kind], json_string (why));
        return NULL;
    }
    if (kind == S_MEMPOOL) {
        json_t *metrics = json_loads (request->answer, 0, NULL);
        json_t *pending = json_incref (json_object_get (metrics, "pending_items"));
        json_decref (metrics);
        if (!json_is_integer (pending))
            json_object_set_new (errors, s_keys[kind], json_string ("no pending_items"));
        return pending;
    }
    json_t *value = json_loads (request->answer, JSON_DECODE_ANY, NULL);
    if (!value) {
        json_object_set_new (errors, s_keys[kind], json_string ("answer is not JSON"));
        return NULL;
    }
    if (kind == S_HEADERS && json_is_array (value)) //  Tip first: keep the newest
        while (json_array_size (value) > TF_DIAGNOSTICS_HEADERS)
            json_array_remove (value, json_array_size (value) - 1);
    return value;
}

//  Copy the tail of a node's log into dir/<name>.log; the file name, or NULL
static const char *
s_copy_log (const tf_deployer_node_t *node, const char *dir, size_t *lines_p, json_t *errors)
{
    *lines_p = 0;
    if (!node->log_path) {
        json_object_set_new (errors, "log", json_string ("the runner keeps no log file"));
        return NULL;
    }
    char *tail = tf_diagnostics_tail (node->log_path, TF_DIAGNOSTICS_LOG_LINES, lines_p);
    if (!tail) {
        char why[512];
        snprintf (why, sizeof why, "cannot read %s: %s", node->log_path, strerror (errno));
        json_object_set_new (errors, "log", json_string (why));
        return NULL;
    }
    char *path = zsys_sprintf ("%s/%s.log", dir, node->name);
    FILE *file = fopen (path, "w");
    bool written = file && fputs (tail, file) >= 0;
    if (file && fclose (file))
        written = false;
    if (!written)
        json_object_set_new (errors, "log", json_string ("cannot write its copy"));
    zstr_free (&path);
    free (tail);
    return written ? node->name : NULL;
}

int
tf_diagnostics_capture (const tf_deployer_ops_t *ops, void *ctx, const tf_deployer_node_t *nodes,
                        size_t count, const char *run_dir, const char *trigger, void *cancel)
{
    assert (ops && run_dir && trigger);
    char *dir = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_DIAGNOSTICS);
    if (mkdir (dir, 0700) && errno != EEXIST) {
        zsys_error ("deployer: cannot make %s: %s", dir, strerror (errno));
        zstr_free (&dir);
        return -1;
    }
    int64_t started = zclock_mono ();
    //  Every node's requests at once, one deadline for all
    size_t total = count * S_REQUESTS;
    tf_api_request_t *requests = (tf_api_request_t *) zmalloc ((total + 1) * sizeof *requests);
    char **urls = (char **) zmalloc ((total + 1) * sizeof (char *));
    for (size_t index = 0; index < total; index++) {
        urls[index] =
            zsys_sprintf ("%s%s", nodes[index / S_REQUESTS].api_url, s_paths[index % S_REQUESTS]);
        requests[index].url = urls[index];
    }
    tf_api_client_batch (requests, total, TF_DIAGNOSTICS_TIMEOUT_MS, tf_deployer_cancelled, cancel);

    json_t *list = json_array ();
    for (size_t node = 0; node < count; node++) {
        json_t *entry =
            json_pack ("{s:s, s:s}", "name", nodes[node].name, "role", nodes[node].role);
        json_t *errors = json_object ();
        char text[TF_DEPLOYER_STATE_TEXT] = "";
        tf_deployer_state_t state = ops->state ? ops->state (ctx, node, text) : TF_DEPLOYER_RUNNING;
        json_object_set_new (entry, "state", json_string (s_state_names[state]));
        json_object_set_new (entry, "state_text", json_string (text));
        int64_t rss = ops->memory_kb ? ops->memory_kb (ctx, node) : -1;
        json_object_set_new (entry, "rss_kb", rss >= 0 ? json_integer (rss) : json_null ());
        for (int kind = 0; kind < S_REQUESTS; kind++) {
            json_t *value = s_answer (&requests[node * S_REQUESTS + (size_t) kind],
                                      (s_request_kind_t) kind, errors);
            json_object_set_new (entry, s_keys[kind], value ? value : json_null ());
        }
        size_t lines;
        const char *log = s_copy_log (&nodes[node], dir, &lines, errors);
        if (log) {
            char *name = zsys_sprintf ("%s.log", log);
            json_object_set_new (entry, "log", json_string (name));
            zstr_free (&name);
        }
        else
            json_object_set_new (entry, "log", json_null ());
        json_object_set_new (entry, "log_lines", json_integer ((json_int_t) lines));
        json_object_set_new (entry, "errors", errors);
        json_array_append_new (list, entry);
    }
    for (size_t index = 0; index < total; index++) {
        tf_api_request_clear (&requests[index]);
        zstr_free (&urls[index]);
    }
    free (urls);
    free (requests);

    json_t *summary = json_pack ("{s:s, s:I, s:I, s:o}", "trigger", trigger, "captured_ms",
                                 (json_int_t) zclock_time (), "took_ms",
                                 (json_int_t) (zclock_mono () - started), "nodes", list);
    char *path = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_DIAGNOSTICS_SUMMARY);
    int rc = json_dump_file (summary, path, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
    if (rc)
        zsys_error ("deployer: cannot write %s", path);
    else
        zsys_info ("deployer: diagnostics captured nodes=%zu dir=%s trigger=\"%s\"", count, dir,
                   trigger);
    zstr_free (&path);
    json_decref (summary);
    zstr_free (&dir);
    return rc ? -1 : 0;
}
