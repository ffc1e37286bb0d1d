//  tf_compose_stack.c - one run's containers (see tf_compose_stack.h)
//
//  The subnet is picked from a hash of the run id, so parallel runs rarely
//  try the same one, and the next is tried when the engine says a pool
//  overlaps. Node addresses are fixed in the compose file, so a restarted
//  container keeps its address and its peers' configs stay true.

#include <czmq.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "tf_cfgsync.h"
#include "tf_compose_engine.h"
#include "tf_compose_image.h"
#include "tf_compose_stack.h"
#include "tf_rundir.h"

#define S_NAME_SIZE  32   //  "validator-255"
#define S_DIR_MODE   0700 //  Node directories
#define S_LOG_MODE   0600 //  Node logs
#define S_COMPOSE    "compose"
#define S_FILE_NAME  "docker-compose.yml"
#define S_STATE_SIZE 16 //  "restarting"

//  One node
typedef struct {
    char name[S_NAME_SIZE];                   //  "validator-0"
    const char *role;                         //  "validator" | "executor" (static)
    uint32_t index;                           //  Within its role
    char *container;                          //  Container name: <project>-<name>
    char *dir;                                //  RUN_DIR/nodes/<name>
    char *config_dir;                         //  dir/config, mounted at /etc/tf
    char *log_path;                           //  dir/node.log
    char address[TF_COMPOSE_STACK_HOST_SIZE]; //  In the run's network
    uint16_t http_port;                       //  Published node API, on 127.0.0.1
    uint16_t testing_port;                    //  Published testing API
    char state[S_STATE_SIZE];                 //  Last `docker ps` state ("" when absent)
    char status[TF_DEPLOYER_STATE_TEXT];      //  Its status text ("Exited (1) 2 seconds ago")
    bool log_taken;                           //  Log collected since it was last seen exited
} s_node_t;

struct _tf_compose_stack_t {
    char *run_dir;     //  The run directory
    char *run_id;      //  The run's id (label value)
    char *project;     //  "tf-<run id, lower case>"
    char *network;     //  The network's name (= project)
    char *compose_dir; //  RUN_DIR/compose
    char *file;        //  compose_dir/docker-compose.yml
    s_node_t *nodes;   //  Every node
    size_t count;      //  Their number
    int64_t states_at; //  When states were read (zclock_mono), 0: never
    bool network_made; //  We created the network
    char cfgsync_address[TF_COMPOSE_STACK_HOST_SIZE];    //  The cfgsync service's, in the network
    char prometheus_address[TF_COMPOSE_STACK_HOST_SIZE]; //  The Prometheus service's
};

//  mkdir, accepting one that exists
static int
s_mkdir (const char *path)
{
    return mkdir (path, S_DIR_MODE) == 0 || errno == EEXIST ? 0 : -1;
}

//  Take count loopback ports from the kernel (all bound at once, then closed)
static int
s_free_ports (uint16_t *ports, size_t count)
{
    int *fds = (int *) zmalloc ((count + 1) * sizeof (int));
    int rc = 0;
    size_t opened = 0;
    for (; opened < count && rc == 0; opened++) {
        struct sockaddr_in address = {.sin_family = AF_INET};
        address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        fds[opened] = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fds[opened] < 0 || bind (fds[opened], (struct sockaddr *) &address, sizeof address)
            || getsockname (fds[opened], (struct sockaddr *) &address, &size))
            rc = -1;
        else
            ports[opened] = ntohs (address.sin_port);
    }
    for (size_t index = 0; index < opened; index++)
        if (fds[index] >= 0)
            close (fds[index]);
    free (fds);
    return rc;
}

tf_compose_stack_t *
tf_compose_stack_new (const char *run_dir, const char *run_id, uint32_t validators,
                      uint32_t executors, char **error_p)
{
    assert (run_dir && run_id && error_p);
    tf_compose_stack_t *self = (tf_compose_stack_t *) zmalloc (sizeof (tf_compose_stack_t));
    self->run_dir = strdup (run_dir);
    self->run_id = strdup (run_id);
    self->project = zsys_sprintf ("tf-%s", run_id);
    for (char *cursor = self->project; *cursor; cursor++)
        *cursor = (char) tolower ((unsigned char) *cursor);
    self->network = strdup (self->project);
    self->compose_dir = zsys_sprintf ("%s/%s", run_dir, S_COMPOSE);
    self->file = zsys_sprintf ("%s/%s", self->compose_dir, S_FILE_NAME);
    self->count = (size_t) validators + executors;
    self->nodes = (s_node_t *) zmalloc ((self->count + 1) * sizeof (s_node_t));
    char *nodes_dir = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_NODES);
    uint16_t *ports = (uint16_t *) zmalloc ((2 * self->count + 1) * sizeof (uint16_t));
    bool ok = s_mkdir (self->compose_dir) == 0 && s_mkdir (nodes_dir) == 0;
    if (ok && s_free_ports (ports, 2 * self->count)) {
        *error_p = zsys_sprintf ("cannot take %zu free loopback ports: %s", 2 * self->count,
                                 strerror (errno));
        goto failed;
    }
    for (size_t global = 0; ok && global < self->count; global++) {
        s_node_t *node = &self->nodes[global];
        bool validator = global < validators;
        node->role = validator ? "validator" : "executor";
        node->index = validator ? (uint32_t) global : (uint32_t) (global - validators);
        snprintf (node->name, sizeof node->name, "%s-%u", node->role, node->index);
        node->container = zsys_sprintf ("%s-%s", self->project, node->name);
        node->dir = zsys_sprintf ("%s/%s", nodes_dir, node->name);
        node->config_dir = zsys_sprintf ("%s/config", node->dir);
        node->log_path = zsys_sprintf ("%s/" TF_RUNDIR_NODE_LOG, node->dir);
        node->http_port = ports[2 * global];
        node->testing_port = ports[2 * global + 1];
        ok = s_mkdir (node->dir) == 0 && s_mkdir (node->config_dir) == 0;
    }
    if (!ok) {
        *error_p = zsys_sprintf ("cannot make the run's directories under %s: %s", run_dir,
                                 strerror (errno));
        goto failed;
    }
    free (ports);
    zstr_free (&nodes_dir);
    return self;
failed:
    free (ports);
    zstr_free (&nodes_dir);
    tf_compose_stack_destroy (&self);
    return NULL;
}

void
tf_compose_stack_destroy (tf_compose_stack_t **self_p)
{
    assert (self_p);
    tf_compose_stack_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->count; index++) {
        s_node_t *node = &self->nodes[index];
        zstr_free (&node->container);
        zstr_free (&node->dir);
        zstr_free (&node->config_dir);
        zstr_free (&node->log_path);
    }
    free (self->nodes);
    zstr_free (&self->run_dir);
    zstr_free (&self->run_id);
    zstr_free (&self->project);
    zstr_free (&self->network);
    zstr_free (&self->compose_dir);
    zstr_free (&self->file);
    free (self);
    *self_p = NULL;
}

size_t
tf_compose_stack_count (tf_compose_stack_t *self)
{
    return self->count;
}

const char *
tf_compose_stack_name (tf_compose_stack_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].name;
}

const char *
tf_compose_stack_role (tf_compose_stack_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].role;
}

uint32_t
tf_compose_stack_index (tf_compose_stack_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].index;
}

const char *
tf_compose_stack_container (tf_compose_stack_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].container;
}

const char *
tf_compose_stack_config_dir (tf_compose_stack_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].config_dir;
}

const char *
tf_compose_stack_log_path (tf_compose_stack_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].log_path;
}

const char *
tf_compose_stack_address (tf_compose_stack_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].address;
}

uint16_t
tf_compose_stack_http_port (tf_compose_stack_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].http_port;
}

uint16_t
tf_compose_stack_testing_port (tf_compose_stack_t *self, size_t node)
{
    assert (node < self->count);
    return self->nodes[node].testing_port;
}

const char *
tf_compose_stack_project (tf_compose_stack_t *self)
{
    return self->project;
}

const char *
tf_compose_stack_network_name (tf_compose_stack_t *self)
{
    return self->network;
}

const char *
tf_compose_stack_file (tf_compose_stack_t *self)
{
    return self->file;
}

const char *
tf_compose_stack_run_id (tf_compose_stack_t *self)
{
    return self->run_id;
}

const char *
tf_compose_stack_run_dir (tf_compose_stack_t *self)
{
    return self->run_dir;
}

const char *
tf_compose_stack_prometheus_address (tf_compose_stack_t *self)
{
    return self->prometheus_address;
}


//  ---------------------------------------------------------------------------
//  Network and compose file

//  A /24 while the nodes fit one (the addresses every small run has had), else
//  a /19: its first two octets, and the third of candidate pick and its prefix
static const char *
s_layout (size_t count, unsigned pick, unsigned *third, unsigned *bits)
{
    bool wide = count > TF_COMPOSE_STACK_SMALL_MAX;
    *bits = wide ? TF_COMPOSE_STACK_WIDE_BITS : 24;
    *third = wide ? pick % TF_COMPOSE_STACK_WIDE_SUBNETS * (1u << (32 - *bits - 8))
                  : pick % TF_COMPOSE_STACK_SUBNETS;
    assert (count + TF_COMPOSE_STACK_FIRST_HOST < (1u << (32 - *bits)) - 1);
    return wide ? TF_COMPOSE_STACK_WIDE_BASE : TF_COMPOSE_STACK_SUBNET_BASE;
}

void
tf_compose_stack_subnet (size_t count, unsigned pick, char cidr[TF_COMPOSE_STACK_CIDR_SIZE])
{
    unsigned third, bits;
    const char *base = s_layout (count, pick, &third, &bits);
    snprintf (cidr, TF_COMPOSE_STACK_CIDR_SIZE, "%s.%u.0/%u", base, third, bits);
}

void
tf_compose_stack_host (size_t count, unsigned pick, size_t host,
                       char address[TF_COMPOSE_STACK_HOST_SIZE])
{
    unsigned third, bits;
    const char *base = s_layout (count, pick, &third, &bits);
    snprintf (address, TF_COMPOSE_STACK_HOST_SIZE, "%s.%u.%zu", base,
              third + (unsigned) (host / 256), host % 256);
}

int
tf_compose_stack_network (tf_compose_stack_t *self, void *cancel, char **error_p)
{
    unsigned first = (unsigned) (zclock_time () ^ (int64_t) strlen (self->run_id));
    for (const char *cursor = self->run_id; *cursor; cursor++)
        first = first * 31 + (unsigned char) *cursor;
    char *last_error = NULL;
    char *run_label = zsys_sprintf ("%s=%s", TF_COMPOSE_STACK_LABEL_RUN, self->run_id);
    char *dir_label = zsys_sprintf ("%s=%s", TF_COMPOSE_STACK_LABEL_DIR, self->run_dir);
    int rc = -1;
    for (unsigned attempt = 0; attempt < TF_COMPOSE_STACK_TRIES; attempt++) {
        unsigned pick = first + attempt;
        char subnet[TF_COMPOSE_STACK_CIDR_SIZE];
        tf_compose_stack_subnet (self->count, pick, subnet);
        tf_compose_result_t result;
        rc = tf_compose_docker (cancel, TF_COMPOSE_ENGINE_QUICK_MS, &result, "network", "create",
                                "--driver", "bridge", "--subnet", subnet, "--label", run_label,
                                "--label", dir_label, self->network, NULL);
        if (rc == 0)
            tf_compose_stack_host (self->count, pick, TF_COMPOSE_STACK_CFGSYNC_HOST,
                                   self->cfgsync_address);
        if (rc == 0)
            tf_compose_stack_host (self->count, pick, TF_COMPOSE_STACK_PROMETHEUS_HOST,
                                   self->prometheus_address);
        if (rc == 0)
            for (size_t index = 0; index < self->count; index++)
                tf_compose_stack_host (self->count, pick, TF_COMPOSE_STACK_FIRST_HOST + index,
                                       self->nodes[index].address);
        else {
            zstr_free (&last_error);
            last_error = strdup (tf_compose_result_reason (&result));
        }
        bool overlap = rc && strstr (last_error, "overlap");
        tf_compose_result_clear (&result);
        if (rc == 0)
            zsys_info ("compose: network %s subnet=%s", self->network, subnet);
        if (!overlap)
            break;
    }
    if (rc)
        *error_p = zsys_sprintf ("cannot create network %s: %s", self->network, last_error);
    else
        self->network_made = true;
    zstr_free (&last_error);
    zstr_free (&run_label);
    zstr_free (&dir_label);
    return rc;
}

//  Print value as a double-quoted YAML scalar
static void
s_print_quoted (FILE *out, const char *value)
{
    fputc ('"', out);
    for (const char *cursor = value; *cursor; cursor++) {
        if (*cursor == '"' || *cursor == '\\')
            fputc ('\\', out);
        fputc (*cursor, out);
    }
    fputc ('"', out);
}

//  The labels of one container (node NULL: the cfgsync service)
static void
s_print_labels (tf_compose_stack_t *self, FILE *out, const char *node)
{
    fprintf (out, "    labels:\n      %s: ", TF_COMPOSE_STACK_LABEL_RUN);
    s_print_quoted (out, self->run_id);
    fprintf (out, "\n      %s: ", TF_COMPOSE_STACK_LABEL_DIR);
    s_print_quoted (out, self->run_dir);
    fprintf (out,
             "\n      %s: ", node ? TF_COMPOSE_STACK_LABEL_NODE : TF_COMPOSE_STACK_LABEL_SERVICE);
    s_print_quoted (out, node ? node : TF_COMPOSE_STACK_CFGSYNC);
    fprintf (out, "\n");
}

//  The cfgsync service: serves RUN_DIR/nodes (read-only) at its fixed address
static void
s_print_cfgsync (tf_compose_stack_t *self, FILE *out, const char *image, const char *cfgsync)
{
    fprintf (out, "  %s:\n    image: ", TF_COMPOSE_STACK_CFGSYNC);
    s_print_quoted (out, image);
    fprintf (out, "\n    container_name: %s-%s\n    command: [", self->project,
             TF_COMPOSE_STACK_CFGSYNC);
    s_print_quoted (out, cfgsync);
    fprintf (out, ", \"serve\", \"--dir\", \"%s\", \"--listen\", \"0.0.0.0:%u\"]\n",
             TF_COMPOSE_STACK_CFGSYNC_DIR, TF_CFGSYNC_PORT);
    s_print_labels (self, out, NULL);
    char *mount =
        zsys_sprintf ("%s/%s:%s:ro", self->run_dir, TF_RUNDIR_NODES, TF_COMPOSE_STACK_CFGSYNC_DIR);
    fprintf (out, "    volumes:\n      - ");
    s_print_quoted (out, mount);
    zstr_free (&mount);
    fprintf (out, "\n    networks:\n      tf:\n        ipv4_address: %s\n", self->cfgsync_address);
    fprintf (out, "    stop_grace_period: %ss\n", TF_COMPOSE_STACK_STOP_S);
}

int
tf_compose_stack_write (tf_compose_stack_t *self, const char *image, char *const command[],
                        const char *cfgsync, char *const config_files[], char **error_p)
{
    assert (self && image && command && (!cfgsync || config_files));
    FILE *out = fopen (self->file, "we");
    if (!out) {
        *error_p = zsys_sprintf ("cannot write %s: %s", self->file, strerror (errno));
        return -1;
    }
    fprintf (out, "# %s - the run's nodes, written by tf-deployer-compose\n", S_FILE_NAME);
    fprintf (out, "# Inspect: docker-compose -p %s -f %s ps\n", self->project, self->file);
    fprintf (out,
             "# The network is made by the runner (docker network create) and external here.\n");
    fprintf (out, "version: \"2.4\"\nservices:\n");
    if (cfgsync)
        s_print_cfgsync (self, out, image, cfgsync);
    for (size_t index = 0; index < self->count; index++) {
        s_node_t *node = &self->nodes[index];
        fprintf (out, "  %s:\n    image: ", node->name);
        s_print_quoted (out, image);
        fprintf (out, "\n    container_name: %s\n    command: [", node->container);
        if (cfgsync) {
            //  Fetch the config from cfgsync, then become the node
            s_print_quoted (out, cfgsync);
            fprintf (
                out,
                ", \"fetch\", \"--url\", \"http://%s:%u\", \"--id\", \"%s\", \"--out\", \"%s\"",
                self->cfgsync_address, TF_CFGSYNC_PORT, node->name, TF_COMPOSE_IMAGE_CONFIG);
            for (size_t file = 0; config_files[file]; file++) {
                fprintf (out, ", \"--file\", ");
                s_print_quoted (out, config_files[file]);
            }
            fprintf (out, ", \"--\", ");
        }
        for (size_t word = 0; command[word]; word++) {
            fprintf (out, "%s", word ? ", " : "");
            s_print_quoted (out, command[word]);
        }
        fprintf (out, "]\n");
        s_print_labels (self, out, node->name);
        fprintf (out, "    ports:\n");
        fprintf (out, "      - \"127.0.0.1:%u:%u\"\n", node->http_port, TF_COMPOSE_STACK_HTTP_PORT);
        fprintf (out, "      - \"127.0.0.1:%u:%u\"\n", node->testing_port,
                 TF_COMPOSE_STACK_TESTING);
        if (cfgsync)
            fprintf (out, "    depends_on: [%s]\n", TF_COMPOSE_STACK_CFGSYNC);
        else {
            fprintf (out, "    volumes:\n      - ");
            char *mount = zsys_sprintf ("%s:%s:ro", node->config_dir, TF_COMPOSE_IMAGE_CONFIG);
            s_print_quoted (out, mount);
            zstr_free (&mount);
            fprintf (out, "\n");
        }
        fprintf (out, "    networks:\n      tf:\n        ipv4_address: %s\n", node->address);
        fprintf (out, "    stop_grace_period: %ss\n", TF_COMPOSE_STACK_STOP_S);
    }
    fprintf (out, "networks:\n  tf:\n    external: true\n    name: %s\n", self->network);
    int rc = fclose (out) == 0 ? 0 : -1;
    if (rc)
        *error_p = zsys_sprintf ("cannot write %s: %s", self->file, strerror (errno));
    return rc;
}

int
tf_compose_stack_collect_service_log (tf_compose_stack_t *self)
{
    char *container = zsys_sprintf ("%s-%s", self->project, TF_COMPOSE_STACK_CFGSYNC);
    char *path = zsys_sprintf ("%s/%s.log", self->compose_dir, TF_COMPOSE_STACK_CFGSYNC);
    int rc = -1;
    int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_LOG_MODE);
    if (fd >= 0) {
        char *argv[] = {(char *) TF_COMPOSE_ENGINE_DOCKER, (char *) "logs", container, NULL};
        tf_compose_result_t result;
        rc = tf_compose_exec (argv, fd, TF_COMPOSE_ENGINE_COMMAND_MS, NULL, &result);
        tf_compose_result_clear (&result);
        close (fd);
    }
    zstr_free (&container);
    zstr_free (&path);
    return rc;
}

int
tf_compose_stack_up (tf_compose_stack_t *self, void *cancel, char **error_p)
{
    const char *words[2] = {NULL, NULL};
    int count = tf_compose_engine_compose (words);
    if (count == 0) {
        *error_p = strdup ("neither docker-compose nor the docker compose plugin answers: "
                           "install docker-compose (scripts/setup.sh)");
        return -1;
    }
    char *argv[TF_COMPOSE_ENGINE_MAX_ARGS];
    int argc = 0;
    for (int word = 0; word < count; word++)
        argv[argc++] = (char *) words[word];
    const char *rest[] = {"-p", self->project, "-f", self->file, "up", "-d", "--no-recreate"};
    for (size_t word = 0; word < sizeof rest / sizeof rest[0]; word++)
        argv[argc++] = (char *) rest[word];
    argv[argc] = NULL;
    tf_compose_result_t result;
    int64_t started = zclock_mono ();
    int rc = tf_compose_exec (argv, -1, TF_COMPOSE_ENGINE_COMMAND_MS, cancel, &result);
    if (rc)
        *error_p = zsys_sprintf ("%s up (%s) failed: %s", words[0], self->file,
                                 tf_compose_result_reason (&result));
    else
        zsys_info ("compose: up project=%s nodes=%zu ms=%" PRId64, self->project, self->count,
                   zclock_mono () - started);
    tf_compose_result_clear (&result);
    self->states_at = 0;
    return rc;
}


//  ---------------------------------------------------------------------------
//  Running containers

//  Read every container's state with one `docker ps`
static void
s_read_states (tf_compose_stack_t *self)
{
    char *filter = zsys_sprintf ("label=%s=%s", TF_COMPOSE_STACK_LABEL_RUN, self->run_id);
    tf_compose_result_t result;
    int rc = tf_compose_docker (
        NULL, TF_COMPOSE_ENGINE_QUICK_MS, &result, "ps", "-a", "--filter", filter, "--format",
        "{{.Label \"" TF_COMPOSE_STACK_LABEL_NODE "\"}}\t{{.State}}\t{{.Status}}", NULL);
    zstr_free (&filter);
    if (rc) {
        zsys_warning ("compose: cannot read container states: %s",
                      tf_compose_result_reason (&result));
        tf_compose_result_clear (&result);
        return; //  Keep what we knew
    }
    for (size_t index = 0; index < self->count; index++)
        self->nodes[index].state[0] = 0;
    char *saveptr = NULL;
    for (char *line = strtok_r (result.output, "\n", &saveptr); line;
         line = strtok_r (NULL, "\n", &saveptr)) {
        char *state = strchr (line, '\t');
        char *status = state ? strchr (state + 1, '\t') : NULL;
        if (!status)
            continue;
        *state++ = 0;
        *status++ = 0;
        for (size_t index = 0; index < self->count; index++)
            if (streq (self->nodes[index].name, line)) {
                snprintf (self->nodes[index].state, S_STATE_SIZE, "%s", state);
                snprintf (self->nodes[index].status, TF_DEPLOYER_STATE_TEXT, "%s", status);
            }
    }
    tf_compose_result_clear (&result);
    self->states_at = zclock_mono ();
}

tf_deployer_state_t
tf_compose_stack_state (tf_compose_stack_t *self, size_t node, char text[TF_DEPLOYER_STATE_TEXT])
{
    assert (self && node < self->count);
    if (!self->states_at || zclock_mono () - self->states_at > TF_COMPOSE_STACK_STATE_MS)
        s_read_states (self);
    s_node_t *entry = &self->nodes[node];
    if (streq (entry->state, "paused"))
        return TF_DEPLOYER_PAUSED;
    if (streq (entry->state, "running") || streq (entry->state, "restarting")
        || streq (entry->state, "created"))
        return TF_DEPLOYER_RUNNING;
    if (!*entry->state)
        snprintf (text, TF_DEPLOYER_STATE_TEXT, "container %.100s is gone", entry->container);
    else
        snprintf (text, TF_DEPLOYER_STATE_TEXT, "container %.55s %.55s", entry->container,
                  entry->status);
    if (!entry->log_taken && *entry->state) {
        tf_compose_stack_collect_log (self, node);
        entry->log_taken = true;
    }
    return TF_DEPLOYER_EXITED;
}

void
tf_compose_stack_forget_states (tf_compose_stack_t *self)
{
    self->states_at = 0;
    for (size_t index = 0; index < self->count; index++)
        self->nodes[index].log_taken = false;
}

pid_t
tf_compose_stack_pid (tf_compose_stack_t *self, size_t node, void *cancel)
{
    assert (node < self->count);
    tf_compose_result_t result;
    int rc = tf_compose_docker (cancel, TF_COMPOSE_ENGINE_QUICK_MS, &result, "inspect", "--format",
                                "{{.State.Pid}}", self->nodes[node].container, NULL);
    long pid = rc == 0 ? strtol (result.output, NULL, 10) : 0;
    tf_compose_result_clear (&result);
    return pid > 0 ? (pid_t) pid : -1;
}

int
tf_compose_stack_collect_log (tf_compose_stack_t *self, size_t node)
{
    assert (node < self->count);
    s_node_t *entry = &self->nodes[node];
    int fd = open (entry->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_LOG_MODE);
    if (fd < 0) {
        zsys_warning ("compose: cannot write log=%s: %s", entry->log_path, strerror (errno));
        return -1;
    }
    char *argv[] = {(char *) TF_COMPOSE_ENGINE_DOCKER, (char *) "logs", entry->container, NULL};
    tf_compose_result_t result;
    int rc = tf_compose_exec (argv, fd, TF_COMPOSE_ENGINE_COMMAND_MS, NULL, &result);
    close (fd);
    if (rc)
        zsys_warning ("compose: cannot copy the log of %s: %s", entry->container,
                      tf_compose_result_reason (&result));
    tf_compose_result_clear (&result);
    return rc;
}

//  The ids of everything of kind ("ps -a", "network ls", "volume ls") with the run's label
static char *
s_labelled (tf_compose_stack_t *self, const char *kind, char **error_p)
{
    char *filter = zsys_sprintf ("label=%s=%s", TF_COMPOSE_STACK_LABEL_RUN, self->run_id);
    tf_compose_result_t result;
    int rc = streq (kind, "ps") ? tf_compose_docker (NULL, TF_COMPOSE_ENGINE_QUICK_MS, &result,
                                                     "ps", "-aq", "--filter", filter, NULL)
                                : tf_compose_docker (NULL, TF_COMPOSE_ENGINE_QUICK_MS, &result,
                                                     kind, "ls", "-q", "--filter", filter, NULL);
    zstr_free (&filter);
    char *ids = rc == 0 ? strdup (result.output) : NULL;
    if (rc && !*error_p)
        *error_p =
            zsys_sprintf ("cannot list the run's %s: %s", streq (kind, "ps") ? "containers" : kind,
                          tf_compose_result_reason (&result));
    tf_compose_result_clear (&result);
    return ids;
}

//  Remove the listed ids (newline-separated) with `docker <verb...>`
static void
s_remove_ids (char *ids, const char *noun, const char *verb, const char *flag, char **error_p)
{
    char *argv[TF_PLAN_MAX_NODES + 8];
    int argc = 0;
    argv[argc++] = (char *) TF_COMPOSE_ENGINE_DOCKER;
    if (noun)
        argv[argc++] = (char *) noun;
    argv[argc++] = (char *) verb;
    if (flag)
        argv[argc++] = (char *) flag;
    int first = argc;
    char *saveptr = NULL;
    for (char *id = strtok_r (ids, "\n", &saveptr); id && argc < TF_PLAN_MAX_NODES + 6;
         id = strtok_r (NULL, "\n", &saveptr))
        argv[argc++] = id;
    argv[argc] = NULL;
    if (argc == first)
        return;
    tf_compose_result_t result;
    if (tf_compose_exec (argv, -1, TF_COMPOSE_ENGINE_COMMAND_MS, NULL, &result) && !*error_p)
        *error_p = zsys_sprintf ("docker %s%s%s failed: %s", noun ? noun : "", noun ? " " : "",
                                 verb, tf_compose_result_reason (&result));
    tf_compose_result_clear (&result);
}

int
tf_compose_stack_remove (tf_compose_stack_t *self, char **error_p)
{
    assert (self && error_p);
    *error_p = NULL;
    char *ids = s_labelled (self, "ps", error_p);
    if (ids)
        s_remove_ids (ids, NULL, "rm", "-f", error_p);
    zstr_free (&ids);
    ids = s_labelled (self, "network", error_p);
    if (ids)
        s_remove_ids (ids, "network", "rm", NULL, error_p);
    zstr_free (&ids);
    ids = s_labelled (self, "volume", error_p);
    if (ids)
        s_remove_ids (ids, "volume", "rm", "-f", error_p);
    zstr_free (&ids);
    self->states_at = 0;
    return *error_p ? -1 : 0;
}

void
tf_compose_stack_print_preserved (tf_compose_stack_t *self)
{
    zsys_notice ("compose: COMPOSE_RUNNER_PRESERVE is set: the stack of run %s is kept",
                 self->run_id);
    zsys_notice ("compose: inspect it: docker ps -a --filter label=%s=%s; docker-compose -p %s -f "
                 "%s ps; docker logs %s",
                 TF_COMPOSE_STACK_LABEL_RUN, self->run_id, self->project, self->file,
                 self->count ? self->nodes[0].container : "<container>");
    zsys_notice ("compose: remove it: docker rm -f $(docker ps -aq --filter label=%s=%s) && "
                 "docker network rm %s   (or: tf clean --run-id %s)",
                 TF_COMPOSE_STACK_LABEL_RUN, self->run_id, self->network, self->run_id);
}
