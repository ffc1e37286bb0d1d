//  tf_plan_hosts.c - the hosts of a plan whose nodes are on several hosts:
//  the builder's calls and which host carries each node (see tf_plan.h)
//
//  A host lists its nodes, or lists none and takes a share of the nodes no
//  host lists: those, in node order, are cut into as many blocks as there
//  are such hosts (the first blocks one node longer when it does not divide),
//  so validator-0 and validator-1 go to the first host, the next to the
//  second. The validator (tf_plan_validate.c) refuses a node listed twice or
//  a name that is no node of the plan.

#include "tf_plan_private.h"
#include <czmq.h>

static char *
s_strdup_or_null (const char *text)
{
    return text ? strdup (text) : NULL;
}

tf_plan_host_t *
tf_plan_add_host (tf_plan_t *self, const char *name, const char *agent, const char *cert,
                  const char *address)
{
    assert (self);
    self->hosts =
        (tf_plan_host_t *) realloc (self->hosts, (self->host_count + 1) * sizeof (tf_plan_host_t));
    assert (self->hosts);
    tf_plan_host_t *host = &self->hosts[self->host_count++];
    *host = (tf_plan_host_t){.name = s_strdup_or_null (name),
                             .agent = s_strdup_or_null (agent),
                             .cert = s_strdup_or_null (cert),
                             .address = s_strdup_or_null (address)};
    return host;
}

void
tf_plan_host_add_node (tf_plan_host_t *host, const char *node)
{
    assert (host && node);
    host->nodes = (char **) realloc (host->nodes, (host->node_count + 1) * sizeof (char *));
    assert (host->nodes);
    host->nodes[host->node_count++] = strdup (node);
}

void
tf_plan_node_name (const tf_plan_t *self, uint32_t global, char *out, size_t size)
{
    assert (self && out);
    if (global < self->validators)
        snprintf (out, size, "validator-%u", global);
    else
        snprintf (out, size, "executor-%u", global - self->validators);
}

//  The host listing node name, or -1
static int
s_listed_on (const tf_plan_t *self, const char *name)
{
    for (size_t host = 0; host < self->host_count; host++)
        for (size_t node = 0; node < self->hosts[host].node_count; node++)
            if (streq (self->hosts[host].nodes[node], name))
                return (int) host;
    return -1;
}

int
tf_plan_host_of (const tf_plan_t *self, uint32_t global)
{
    assert (self);
    char name[TF_PLAN_MAX_NAME];
    tf_plan_node_name (self, global, name, sizeof name);
    int listed = s_listed_on (self, name);
    if (listed >= 0 || self->host_count == 0)
        return listed;
    //  The hosts that take a share, and where node global is among the unlisted
    size_t sharing = 0;
    for (size_t host = 0; host < self->host_count; host++)
        sharing += self->hosts[host].nodes == NULL;
    uint32_t total = self->validators + self->executors;
    size_t unlisted = 0, position = 0;
    for (uint32_t node = 0; node < total; node++) {
        char other[TF_PLAN_MAX_NAME];
        tf_plan_node_name (self, node, other, sizeof other);
        if (s_listed_on (self, other) < 0) {
            if (node == global)
                position = unlisted;
            unlisted++;
        }
    }
    if (sharing == 0)
        return -1;
    size_t block = position * sharing / unlisted; //  Which sharing host
    for (size_t host = 0; host < self->host_count; host++)
        if (self->hosts[host].nodes == NULL && block-- == 0)
            return (int) host;
    return -1;
}
