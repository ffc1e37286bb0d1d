//  tf_profile.c - the node profiles the local deployer knows (see tf_profile.h)

#include <czmq.h>
#include "tf_profile.h"

#define TF_PROFILE_BIN_WORD "{bin}" //  Template placeholders
#define TF_PROFILE_DIR_WORD "{dir}"

static const tf_profile_t s_profiles[] = {
    {
        .name = TF_PROFILE_DEFAULT,
        .binary = "tf-node",
        .command = "{bin} {dir}/node.yaml --deployment {dir}/deployment.yaml",
        .node_file = "node.yaml",
        .deployment_file = "deployment.yaml",
        .print_node = tf_node_spec_print,
        .print_deployment = tf_deployment_config_print,
        .info_path = "/cryptarchia/info",
        .network_path = "/network/info",
        .da_balancer_path = "/da/balancer-stats",
        .block_peer_path = "/testing/block-peer",
        .unblock_peer_path = "/testing/unblock-peer",
    },
};

const tf_profile_t *
tf_profile_find (const char *name)
{
    if (!name || !*name)
        name = TF_PROFILE_DEFAULT;
    for (size_t index = 0; index < sizeof s_profiles / sizeof s_profiles[0]; index++)
        if (strcmp (s_profiles[index].name, name) == 0)
            return &s_profiles[index];
    return NULL;
}

size_t
tf_profile_count (void)
{
    return sizeof s_profiles / sizeof s_profiles[0];
}

char *
tf_profile_binary (const tf_profile_t *profile)
{
    assert (profile);
    const char *override = getenv (TF_PROFILE_BIN_ENV);
    if (!override || !*override)
        override = getenv (TF_PROFILE_BIN_ALIAS);
    if (override && *override)
        return strdup (override);
    char self_path[PATH_MAX];
    ssize_t length = readlink ("/proc/self/exe", self_path, sizeof self_path - 1);
    if (length <= 0)
        return strdup (profile->binary); //  Left to PATH lookup by exec
    self_path[length] = 0;
    char *slash = strrchr (self_path, '/');
    if (slash)
        *slash = 0;
    return zsys_sprintf ("%s/%s", self_path, profile->binary);
}

//  Replace every {bin} and {dir} in word. Caller owns the result.
static char *
s_expand_word (const char *word, const char *binary, const char *dir)
{
    zchunk_t *text = zchunk_new (NULL, 0);
    const char *cursor = word;
    while (*cursor) {
        if (strncmp (cursor, TF_PROFILE_BIN_WORD, strlen (TF_PROFILE_BIN_WORD)) == 0) {
            zchunk_extend (text, binary, strlen (binary));
            cursor += strlen (TF_PROFILE_BIN_WORD);
        }
        else if (strncmp (cursor, TF_PROFILE_DIR_WORD, strlen (TF_PROFILE_DIR_WORD)) == 0) {
            zchunk_extend (text, dir, strlen (dir));
            cursor += strlen (TF_PROFILE_DIR_WORD);
        }
        else
            zchunk_extend (text, cursor++, 1);
    }
    zchunk_extend (text, "", 1);
    char *expanded = strdup ((char *) zchunk_data (text));
    zchunk_destroy (&text);
    return expanded;
}

int
tf_profile_argv (const tf_profile_t *profile, const char *binary, const char *dir,
                 char *argv[TF_PROFILE_MAX_ARGS + 1])
{
    assert (profile && binary && dir && argv);
    char *words = strdup (profile->command);
    char *cursor = words;
    char *word;
    int count = 0;
    while ((word = strsep (&cursor, " ")) != NULL) {
        if (!*word)
            continue;
        if (count == TF_PROFILE_MAX_ARGS) {
            zsys_error ("node profile: command has more than %d words profile=%s",
                        TF_PROFILE_MAX_ARGS, profile->name);
            while (count > 0)
                free (argv[--count]);
            count = -1;
            break;
        }
        argv[count++] = s_expand_word (word, binary, dir);
    }
    if (count >= 0)
        argv[count] = NULL;
    free (words);
    return count;
}
