//  tf_deployer_external.c - the deployer of runner `external` (see
//  tf_deployer_external.h)

#include "tf_deployer_external.h"

//  The backend's state
typedef struct {
    const tf_plan_t *plan; //  The run's plan, borrowed
} s_external_t;

static void *
s_create (const tf_deployer_env_t *env, char **error_p)
{
    if (!env->plan || env->plan->external_count == 0) {
        *error_p = strdup ("runner external needs the nodes' URLs (topology.external)");
        return NULL;
    }
    s_external_t *self = (s_external_t *) zmalloc (sizeof (s_external_t));
    self->plan = env->plan;
    return self;
}

static void
s_destroy (void **ctx_p)
{
    assert (ctx_p);
    free (*ctx_p);
    *ctx_p = NULL;
}

//  The plan's nodes as the table, validators first (the plan keeps them so);
//  a URL loses its trailing slashes, as every path is appended to it
static int
s_deploy (void *ctx, tf_deployer_node_t **nodes_p, size_t *count_p, char **error_p)
{
    s_external_t *self = (s_external_t *) ctx;
    size_t count = self->plan->external_count;
    tf_deployer_node_t *nodes = (tf_deployer_node_t *) zmalloc ((count + 1) * sizeof *nodes);
    uint32_t validators = 0, executors = 0;
    for (size_t index = 0; index < count; index++) {
        const tf_plan_external_t *external = &self->plan->externals[index];
        tf_deployer_node_t *node = &nodes[index];
        bool executor = streq (external->role, "executor");
        node->name = strdup (external->name);
        node->role = strdup (external->role);
        node->index = executor ? executors++ : validators++;
        node->api_url = strdup (external->url);
        size_t length = strlen (node->api_url);
        while (length > 0 && node->api_url[length - 1] == '/')
            node->api_url[--length] = 0;
        zsys_info ("deployer: external node name=%s role=%s url=%s", node->name, node->role,
                   node->api_url);
    }
    *nodes_p = nodes;
    *count_p = count;
    return 0;
}

//  Nothing of the nodes is ours to stop or remove
static int
s_cleanup (void *ctx, char **error_p)
{
    zsys_info ("deployer: external nodes left running (not deployed by this run)");
    return 0;
}

const tf_deployer_ops_t tf_deployer_external_ops = {
    .runner = "external",
    .stages = TF_READINESS_BIT (TF_READINESS_HTTP) | TF_READINESS_BIT (TF_READINESS_CHAIN),
    .name_by_url = true,
    .create = s_create,
    .destroy = s_destroy,
    .deploy = s_deploy,
    .cleanup = s_cleanup,
};

const tf_deployer_class_t tf_deployer_external_class =
    TF_DEPLOYER_CLASS (tf_deployer_external_ops, "external",
                       "Deployer of runner external: nodes someone else runs, given by URL in the\n"
                       "scenario's topology.external. Starts and stops nothing.\n");
