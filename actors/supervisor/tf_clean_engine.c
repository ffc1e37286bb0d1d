//  tf_clean_engine.c - tf clean's pass over the Docker engine (see tf_clean_engine.h)
//
//  docker runs through popen under coreutils' timeout, so a hung engine
//  cannot hang tf clean. Every word put on a command line is either fixed
//  text, a run id that passed tf_clean_valid_run_id, or an id docker printed
//  that we checked is hex.

#include <czmq.h>
#include "tf_clean_engine.h"

#define S_LINE_MAX  (PATH_MAX + 256)
#define S_DOCKER    "timeout " TF_CLEAN_ENGINE_TIMEOUT_S " docker"
#define S_ID_MAX    80 //  Longest object id kept
#define S_LABEL_RUN "tf.run"
#define S_LABEL_DIR "tf.run_dir"

//  One run's leftovers
typedef struct {
    char run_id[TF_CLEAN_RUN_ID_MAX + 1]; //  Its id
    char *run_dir;                        //  Its directory (label), or NULL
    zlist_t *ids[3];                      //  Container, network, volume ids (strings)
} s_run_t;

//  The three kinds, as docker names their lists and their removal
static const char *const s_list_cmds[3] = {"ps -a", "network ls", "volume ls"};
static const char *const s_remove_cmds[3] = {"rm -f", "network rm", "volume rm -f"};
static const char *const s_nouns[3] = {"container", "network", "volume"};

//  Is text a hex id (containers, networks) or a volume name docker made?
static bool
s_valid_id (const char *text)
{
    size_t length = strlen (text);
    if (length == 0 || length >= S_ID_MAX)
        return false;
    for (const char *cursor = text; *cursor; cursor++)
        if (!isalnum ((unsigned char) *cursor) && *cursor != '-' && *cursor != '_'
            && *cursor != '.')
            return false;
    return true;
}

//  The run of id in runs, added when new; NULL when there are too many
static s_run_t *
s_run_of (s_run_t *runs, size_t *count, const char *run_id, const char *run_dir)
{
    for (size_t index = 0; index < *count; index++)
        if (streq (runs[index].run_id, run_id))
            return &runs[index];
    if (*count >= TF_CLEAN_ENGINE_MAX_RUNS)
        return NULL;
    s_run_t *run = &runs[(*count)++];
    snprintf (run->run_id, sizeof run->run_id, "%s", run_id);
    run->run_dir = run_dir && *run_dir ? strdup (run_dir) : NULL;
    for (int kind = 0; kind < 3; kind++) {
        run->ids[kind] = zlist_new ();
        zlist_autofree (run->ids[kind]);
    }
    return run;
}

//  List one kind; -1 when docker did not answer
static int
s_list (int kind, s_run_t *runs, size_t *count)
{
    char *command = zsys_sprintf (
        "%s %s --filter label=%s --format '{{.%s}}\t{{.Label \"%s\"}}\t{{.Label \"%s\"}}' "
        "2>/dev/null",
        S_DOCKER, s_list_cmds[kind], S_LABEL_RUN, kind == 2 ? "Name" : "ID", S_LABEL_RUN,
        S_LABEL_DIR);
    FILE *pipe = popen (command, "r");
    zstr_free (&command);
    if (!pipe)
        return -1;
    char line[S_LINE_MAX];
    while (fgets (line, sizeof line, pipe)) {
        line[strcspn (line, "\n")] = 0;
        char *run_id = strchr (line, '\t');
        char *run_dir = run_id ? strchr (run_id + 1, '\t') : NULL;
        if (!run_dir)
            continue;
        *run_id++ = 0;
        *run_dir++ = 0;
        if (!s_valid_id (line) || !tf_clean_valid_run_id (run_id))
            continue;
        s_run_t *run = s_run_of (runs, count, run_id, run_dir);
        if (run)
            zlist_append (run->ids[kind], line);
    }
    return pclose (pipe) == 0 ? 0 : -1;
}

//  Remove one run's objects, containers first; returns how many failed
static size_t
s_remove (s_run_t *run, FILE *err)
{
    size_t failed = 0;
    for (int kind = 0; kind < 3; kind++) {
        if (zlist_size (run->ids[kind]) == 0)
            continue;
        zchunk_t *line = zchunk_new (NULL, 0);
        char *start = zsys_sprintf ("%s %s", S_DOCKER, s_remove_cmds[kind]);
        zchunk_extend (line, start, strlen (start));
        zstr_free (&start);
        for (const char *id = (const char *) zlist_first (run->ids[kind]); id;
             id = (const char *) zlist_next (run->ids[kind])) {
            zchunk_extend (line, " ", 1);
            zchunk_extend (line, id, strlen (id));
        }
        const char *tail = " >/dev/null 2>&1";
        zchunk_extend (line, tail, strlen (tail) + 1);
        if (system ((const char *) zchunk_data (line)) != 0) {
            fprintf (err, "run %s: cannot remove its %ss (%s)\n", run->run_id, s_nouns[kind],
                     (const char *) zchunk_data (line));
            failed++;
        }
        zchunk_destroy (&line);
    }
    return failed;
}

//  Is run among those asked for (all when none were named)?
static bool
s_wanted (const tf_clean_config_t *config, const char *run_id)
{
    if (!config->run_ids)
        return true;
    for (size_t index = 0; config->run_ids[index]; index++)
        if (streq (config->run_ids[index], run_id))
            return true;
    return false;
}

int
tf_clean_engine_run (const tf_clean_config_t *config, FILE *out, FILE *err)
{
    assert (config && out && err);
    if (system ("command -v docker >/dev/null 2>&1") != 0)
        return TF_EXIT_OK; //  No engine client: nothing of ours can be there
    s_run_t *runs = (s_run_t *) zmalloc ((TF_CLEAN_ENGINE_MAX_RUNS + 1) * sizeof (s_run_t));
    size_t count = 0;
    int rc = TF_EXIT_OK;
    for (int kind = 0; kind < 3; kind++)
        if (s_list (kind, runs, &count)) {
            fprintf (out,
                     "containers: the Docker engine does not answer (docker %s); labelled "
                     "leftovers not checked\n",
                     s_list_cmds[kind]);
            goto out;
        }
    for (size_t index = 0; index < count; index++) {
        s_run_t *run = &runs[index];
        if (!s_wanted (config, run->run_id))
            continue;
        size_t sizes[3];
        for (int kind = 0; kind < 3; kind++)
            sizes[kind] = zlist_size (run->ids[kind]);
        if (run->run_dir && tf_clean_run_is_live (run->run_dir)) {
            fprintf (out, "run %s: live, its %zu container(s) left alone\n", run->run_id, sizes[0]);
            continue;
        }
        if (config->older_than_ms > 0) {
            fprintf (out,
                     "run %s: %zu container(s), %zu network(s) kept (--older-than does not "
                     "apply to containers; use --run-id %s)\n",
                     run->run_id, sizes[0], sizes[1], run->run_id);
            continue;
        }
        if (config->dry_run) {
            fprintf (out, "run %s: would remove %zu container(s), %zu network(s), %zu volume(s)\n",
                     run->run_id, sizes[0], sizes[1], sizes[2]);
            continue;
        }
        if (s_remove (run, err))
            rc = TF_EXIT_ERROR;
        else
            fprintf (out, "run %s: removed %zu container(s), %zu network(s), %zu volume(s)\n",
                     run->run_id, sizes[0], sizes[1], sizes[2]);
    }
out:
    for (size_t index = 0; index < count; index++) {
        free (runs[index].run_dir);
        for (int kind = 0; kind < 3; kind++)
            zlist_destroy (&runs[index].ids[kind]);
    }
    free (runs);
    return rc;
}
