//  tf_agent.c - `tf agent` (see tf_agent.h)
//
//  One thread: a ROUTER polled every TF_AGENT_TICK_MS, one request at a time
//  (a STOP blocks for its grace; the run waits for that reply anyway).

#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>
#include "tf_agent.h"
#include "tf_agent_link.h"
#include "tf_curve.h"
#include "tf_deployer.h"
#include "tf_deployer_local.h"
#include "tf_exit.h"
#include "tf_local_config.h"
#include "tf_local_nodes.h"
#include "tf_rundir.h"

#define TF_AGENT_TICK_MS 100

//  The agent's state
typedef struct {
    char *dir;               //  --dir
    zsock_t *router;         //  Where runs talk to us
    char *run_id;            //  The run we serve, or NULL
    zframe_t *run_peer;      //  Its last sender, for the log
    int64_t run_seen;        //  zclock_mono of its last message
    tf_plan_t *plan;         //  Its plan
    int host;                //  Our entry in its hosts:
    bool *mine;              //  Which of its nodes we run
    char *binary;            //  The node binary
    tf_local_nodes_t *nodes; //  Its node table (ours started)
} s_agent_t;

static void
s_usage (FILE *out)
{
    fprintf (
        out,
        "usage: tf agent --listen tcp://ADDR[:PORT] --allow CERT|DIR [--allow ...] [--dir D]\n"
        "\n"
        "Run this host's share of the nodes of runs whose scenario names it in hosts:.\n"
        "Listens on ADDR (a numeric IPv4 address; without PORT the kernel picks one, printed)\n"
        "with CurveZMQ. Its certificate is D/agent.cert (made on the first start): give it\n"
        "to the scenario's hosts: entry as cert. Only --allow's keys may connect (a .cert\n"
        "file, or every *.cert in a directory): the certificate tf's side uses, whose\n"
        "secret file tf reads from TF_AGENT_CERT. Nodes run under D/runs/RUN_ID/ and are\n"
        "killed when their run goes silent for %d ms, aborts, or the agent stops.\n"
        "\n"
        "  --listen tcp://ADDR[:PORT]  where to listen (required)\n"
        "  --allow CERT|DIR            allowed client certificate(s) (required, repeatable)\n"
        "  --dir D                     state directory (default ${TMPDIR:-/tmp}/tf-agent)\n"
        "  -h, --help                  this text\n",
        TF_AGENT_LOST_MS);
}

//  Kill and forget the run's nodes (abort, lost run, stop)
static void
s_drop_run (s_agent_t *self, const char *why)
{
    if (!self->run_id)
        return;
    if (self->nodes) {
        size_t killed = tf_local_nodes_kill_all (self->nodes);
        zsys_notice ("agent: run %s dropped (%s): %zu node(s) killed", self->run_id, why, killed);
    }
    tf_local_nodes_destroy (&self->nodes);
    tf_plan_destroy (&self->plan);
    zframe_destroy (&self->run_peer);
    zstr_free (&self->run_id);
    zstr_free (&self->binary);
    free (self->mine);
    self->mine = NULL;
}

//  After a run's clean end: remove our nodes' data (their logs stay)
static void
s_release_data (s_agent_t *self)
{
    for (size_t node = 0; node < tf_local_nodes_count (self->nodes); node++) {
        zdir_t *dir =
            self->mine[node] ? zdir_new (tf_local_nodes_db_path (self->nodes, node), NULL) : NULL;
        if (dir) {
            zdir_remove (dir, true);
            zdir_destroy (&dir);
        }
    }
}

//  Reply to peer: frames of strings, NULL-terminated
static void
s_reply (s_agent_t *self, zframe_t *peer, const char *first, ...)
{
    zmsg_t *reply = zmsg_new ();
    zmsg_append (reply, &(zframe_t *){zframe_dup (peer)});
    va_list args;
    va_start (args, first);
    for (const char *frame = first; frame; frame = va_arg (args, const char *))
        zmsg_addstr (reply, frame);
    va_end (args);
    zmsg_send (&reply, self->router);
}

//  PREPARE run plan host: take the run, make its node table, say our ports
static void
s_prepare (s_agent_t *self, zframe_t *peer, const char *run_id, zmsg_t *request)
{
    zframe_t *packed = zmsg_pop (request);
    char *host_name = zmsg_popstr (request);
    tf_plan_t *plan = packed ? tf_plan_unpack (zframe_data (packed), zframe_size (packed)) : NULL;
    zframe_destroy (&packed);
    int host = -1;
    for (size_t index = 0; plan && host_name && index < plan->host_count; index++)
        if (streq (plan->hosts[index].name, host_name))
            host = (int) index;
    const tf_profile_t *profile = plan ? tf_profile_find (plan->node_profile) : NULL;
    if (!plan || host < 0 || !profile || strchr (run_id, '/') || !*run_id) {
        s_reply (self, peer, "ERROR",
                 !plan      ? "malformed plan"
                 : host < 0 ? "the plan's hosts: names no such host"
                            : (!profile ? "unknown node profile" : "bad run id"),
                 NULL);
        tf_plan_destroy (&plan);
        zstr_free (&host_name);
        return;
    }
    zstr_free (&host_name);
    self->run_id = strdup (run_id);
    self->run_peer = zframe_dup (peer);
    self->plan = plan;
    self->host = host;
    self->binary = tf_profile_binary (profile);
    uint32_t count = plan->validators + plan->executors;
    self->mine = (bool *) zmalloc ((count + 1) * sizeof (bool));
    for (uint32_t global = 0; global < count; global++)
        self->mine[global] = tf_plan_host_of (plan, global) == host;
    char *run_dir = zsys_sprintf ("%s/%s/%s", self->dir, TF_AGENT_RUNS, run_id);
    char *nodes_dir = zsys_sprintf ("%s/%s", run_dir, TF_RUNDIR_NODES);
    mkdir (run_dir, TF_AGENT_DIR_MODE);
    self->nodes = access (self->binary, X_OK) == 0 ? tf_local_nodes_new_share (
                      nodes_dir, NULL, plan->validators, plan->executors, self->mine)
                                                   : NULL;
    zstr_free (&nodes_dir);
    zstr_free (&run_dir);
    if (!self->nodes) {
        char *error = zsys_sprintf ("cannot prepare the nodes (node binary %s; see the "
                                    "agent's log)",
                                    self->binary);
        s_reply (self, peer, "ERROR", error, NULL);
        zstr_free (&error);
        s_drop_run (self, "prepare failed");
        return;
    }
    tf_local_nodes_set_address (self->nodes, plan->hosts[host].address);
    zmsg_t *reply = zmsg_new ();
    zmsg_append (reply, &(zframe_t *){zframe_dup (peer)});
    zmsg_addstr (reply, "PREPARED");
    for (uint32_t global = 0; global < count; global++)
        if (self->mine[global])
            zmsg_addstrf (reply, "%u %u %u %u", global,
                          tf_local_nodes_port (self->nodes, global, TF_LOCAL_PORT_HTTP),
                          tf_local_nodes_port (self->nodes, global, TF_LOCAL_PORT_TESTING),
                          tf_local_nodes_port (self->nodes, global, TF_LOCAL_PORT_P2P));
    zmsg_send (&reply, self->router);
    zsys_info ("agent: run %s prepared host=%s", run_id, plan->hosts[host].name);
}

//  START run time peers...: write our nodes' files, start them
static void
s_start (s_agent_t *self, zframe_t *peer, zmsg_t *request)
{
    char *start_time = zmsg_popstr (request);
    size_t count = tf_local_nodes_count (self->nodes);
    tf_local_peer_t *peers = (tf_local_peer_t *) zmalloc ((count + 1) * sizeof (tf_local_peer_t));
    char **hosts = (char **) zmalloc ((count + 1) * sizeof (char *));
    bool ok = start_time && zmsg_size (request) == count;
    for (size_t global = 0; ok && global < count; global++) {
        char *text = zmsg_popstr (request);
        char host[INET_ADDRSTRLEN];
        unsigned port = 0;
        struct in_addr parsed;
        ok = text && sscanf (text, "%15s %u", host, &port) == 2 && port > 0 && port <= 65535
             && inet_pton (AF_INET, host, &parsed) == 1;
        if (ok) {
            hosts[global] = strdup (host);
            peers[global] = (tf_local_peer_t){hosts[global], (uint16_t) port};
        }
        zstr_free (&text);
    }
    const tf_profile_t *profile = tf_profile_find (self->plan->node_profile);
    const char *address = self->plan->hosts[self->host].address;
    const char *error = !ok ? "malformed START" : NULL;
    if (!error
        && tf_local_config_write (self->nodes, self->plan, profile, self->binary, start_time, peers,
                                  self->mine, address))
        error = "cannot write the nodes' files (see the agent's log)";
    for (size_t global = 0; !error && global < count; global++)
        if (self->mine[global] && tf_local_nodes_start (self->nodes, global))
            error = "cannot start a node (see the agent's log)";
    if (error)
        s_reply (self, peer, "ERROR", error, NULL);
    else {
        s_reply (self, peer, "STARTED", NULL);
        zsys_info ("agent: run %s nodes started", self->run_id);
    }
    for (size_t global = 0; global < count; global++)
        free (hosts[global]);
    free (hosts);
    free (peers);
    zstr_free (&start_time);
}

//  Pop a decimal number frame of request into *value; false when there is none
static bool
s_pop_number (zmsg_t *request, uint64_t *value)
{
    char *text = zmsg_popstr (request);
    char *end = NULL;
    errno = 0;
    *value = text && isdigit ((unsigned char) *text) ? strtoull (text, &end, 10) : 0;
    bool number = end && !*end && errno == 0;
    zstr_free (&text);
    return number;
}

//  Pop the node frame of request (GLOBAL, one of ours) into *global; else
//  answer ERROR and return false
static bool
s_pop_node (s_agent_t *self, zframe_t *peer, zmsg_t *request, size_t *global)
{
    uint64_t value = 0;
    if (!s_pop_number (request, &value) || value >= tf_local_nodes_count (self->nodes)
        || !self->mine[value]) {
        s_reply (self, peer, "ERROR", "no such node of this host", NULL);
        return false;
    }
    *global = (size_t) value;
    return true;
}

//  STATE run GLOBAL
static void
s_state (s_agent_t *self, zframe_t *peer, zmsg_t *request)
{
    size_t global = 0;
    if (!s_pop_node (self, peer, request, &global))
        return;
    char how[TF_DEPLOYER_STATE_TEXT] = "";
    tf_deployer_state_t state = tf_local_nodes_state (self->nodes, global, how);
    s_reply (self, peer, "STATE",
             state == TF_DEPLOYER_EXITED   ? "exited"
             : state == TF_DEPLOYER_PAUSED ? "paused"
                                           : "running",
             how, NULL);
}

//  NODE run GLOBAL kill|start|pause|resume: node control of one of our nodes
static void
s_node (s_agent_t *self, zframe_t *peer, zmsg_t *request)
{
    size_t global = 0;
    if (!s_pop_node (self, peer, request, &global))
        return;
    char *name = zmsg_popstr (request);
    tf_local_proc_t proc = tf_local_proc_from_str (name);
    zstr_free (&name);
    char error[TF_DEPLOYER_STATE_TEXT] = "no such node action";
    if (proc < TF_LOCAL_PROC_COUNT
        && tf_local_nodes_act (self->nodes, global, proc, NULL, error) == 0) {
        zsys_info ("agent: run %s node %s %s", self->run_id,
                   tf_local_nodes_name (self->nodes, global), tf_local_proc_str (proc));
        s_reply (self, peer, "DONE", NULL);
    }
    else
        s_reply (self, peer, "ERROR", error, NULL);
}

//  LOG run GLOBAL OFFSET: up to TF_AGENT_LOG_CHUNK bytes of a node's log
//  from OFFSET (none at its end)
static void
s_log (s_agent_t *self, zframe_t *peer, zmsg_t *request)
{
    size_t global = 0;
    uint64_t offset = 0;
    if (!s_pop_node (self, peer, request, &global))
        return;
    if (!s_pop_number (request, &offset) || offset > INT64_MAX) {
        s_reply (self, peer, "ERROR", "malformed LOG", NULL);
        return;
    }
    const char *path = tf_local_nodes_log_path (self->nodes, global);
    int fd = open (path, O_RDONLY | O_CLOEXEC);
    char *chunk = (char *) malloc (TF_AGENT_LOG_CHUNK);
    ssize_t size = fd >= 0 && chunk ? pread (fd, chunk, TF_AGENT_LOG_CHUNK, (off_t) offset) : -1;
    if (size < 0) {
        char *error = zsys_sprintf ("cannot read %s: %s", path, strerror (errno));
        s_reply (self, peer, "ERROR", error, NULL);
        zstr_free (&error);
    }
    else {
        zmsg_t *reply = zmsg_new ();
        zmsg_append (reply, &(zframe_t *){zframe_dup (peer)});
        zmsg_addstr (reply, "LOG");
        zmsg_addmem (reply, chunk, (size_t) size);
        zmsg_send (&reply, self->router);
    }
    free (chunk);
    if (fd >= 0)
        close (fd);
}

//  One request from a run
static void
s_on_request (s_agent_t *self)
{
    zmsg_t *request = zmsg_recv (self->router);
    if (!request)
        return;
    zframe_t *peer = zmsg_pop (request);
    char *command = zmsg_popstr (request);
    char *run_id = zmsg_popstr (request);
    if (!peer || !command || !run_id)
        ; //  Not ours to answer
    else if (streq (command, "PREPARE") && !self->run_id)
        s_prepare (self, peer, run_id, request);
    else if (!self->run_id || !streq (run_id, self->run_id)) {
        if (!streq (command, "ABORT")) {
            char *error = self->run_id ? zsys_sprintf ("busy with run %s", self->run_id)
                                       : zsys_sprintf ("no run %s here", run_id);
            s_reply (self, peer, "ERROR", error, NULL);
            zstr_free (&error);
        }
    }
    else {
        self->run_seen = zclock_mono ();
        if (streq (command, "PING"))
            s_reply (self, peer, "PONG", NULL);
        else if (streq (command, "START"))
            s_start (self, peer, request);
        else if (streq (command, "STATE"))
            s_state (self, peer, request);
        else if (streq (command, "NODE"))
            s_node (self, peer, request);
        else if (streq (command, "LOG"))
            s_log (self, peer, request);
        else if (streq (command, "ABORT"))
            s_drop_run (self, "the run aborted");
        else if (streq (command, "STOP")) {
            int rc = tf_local_nodes_stop_all (self->nodes, TF_DEPLOYER_LOCAL_STOP_GRACE_MS, NULL);
            char *keep = zmsg_popstr (request);
            if (rc == 0 && !(keep && streq (keep, "keep")))
                s_release_data (self);
            zstr_free (&keep);
            s_reply (self, peer, rc ? "ERROR" : "STOPPED", rc ? "not every node stopped" : NULL,
                     NULL);
            s_drop_run (self, "the run ended");
        }
        else
            s_reply (self, peer, "ERROR", "unknown command", NULL);
    }
    if (self->run_id && streq (command ? command : "", "PREPARE"))
        self->run_seen = zclock_mono ();
    zstr_free (&command);
    zstr_free (&run_id);
    zframe_destroy (&peer);
    zmsg_destroy (&request);
}

//  --dir D: made (0700) if missing, with allowed/ and runs/
static int
s_make_dirs (const char *dir)
{
    const char *subdirs[] = {"", "/" TF_AGENT_ALLOWED, "/" TF_AGENT_RUNS};
    for (size_t index = 0; index < 3; index++) {
        char *path = zsys_sprintf ("%s%s", dir, subdirs[index]);
        int rc = mkdir (path, TF_AGENT_DIR_MODE);
        if (rc && errno != EEXIST) {
            fprintf (stderr, "tf agent: cannot create %s: %s\n", path, strerror (errno));
            zstr_free (&path);
            return -1;
        }
        zstr_free (&path);
    }
    return 0;
}

//  The agent's certificate: D/agent.cert_secret, made when missing
static zcert_t *
s_server_cert (const char *dir)
{
    char *secret = zsys_sprintf ("%s/%s.cert_secret", dir, TF_AGENT_CERT_NAME);
    if (access (secret, F_OK) != 0 && tf_curve_keys_new (dir, TF_AGENT_CERT_NAME, stderr)) {
        zstr_free (&secret);
        return NULL;
    }
    zcert_t *cert = tf_curve_cert_load (secret, true, stderr);
    zstr_free (&secret);
    return cert;
}

//  Serve until a signal
static int
s_serve (s_agent_t *self, const char *listen, zcert_t *cert)
{
    char *allowed = zsys_sprintf ("%s/%s", self->dir, TF_AGENT_ALLOWED);
    char *refused = zsys_sprintf ("%s/%s", self->dir, TF_CURVE_REFUSED_FILE);
    zactor_t *auth = tf_curve_auth_new (allowed, refused);
    zstr_free (&allowed);
    zstr_free (&refused);
    self->router = zsock_new (ZMQ_ROUTER);
    tf_curve_server (self->router, cert);
    bool has_port = strchr (listen + strlen ("tcp://"), ':') != NULL;
    int port = auth ? zsock_bind (self->router, has_port ? "%s" : "%s:*", listen) : -1;
    if (port < 0) {
        fprintf (stderr, "tf agent: cannot listen on %s: %s\n", listen, zmq_strerror (errno));
        zactor_destroy (&auth);
        return TF_EXIT_ERROR;
    }
    printf ("tf agent: listening on %s, certificate %s/%s.cert\n", zsock_endpoint (self->router),
            self->dir, TF_AGENT_CERT_NAME);
    fflush (stdout);
    zpoller_t *poller = zpoller_new (self->router, NULL);
    while (!zsys_interrupted) {
        if (zpoller_wait (poller, TF_AGENT_TICK_MS))
            s_on_request (self);
        else if (zpoller_terminated (poller))
            break;
        if (self->run_id && zclock_mono () - self->run_seen > TF_AGENT_LOST_MS)
            s_drop_run (self, "the run went silent");
    }
    zpoller_destroy (&poller);
    s_drop_run (self, "the agent stops");
    zactor_destroy (&auth);
    return TF_EXIT_OK;
}

int
tf_agent_main (int argc, char **argv)
{
    static const struct option options[] = {
        {"listen", required_argument, NULL, 'l'},
        {"allow", required_argument, NULL, 'A'},
        {"dir", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *listen = NULL, *dir = NULL;
    zlist_t *allow = zlist_new ();
    int rc = TF_EXIT_USAGE;
    int option;
    optind = 1;
    while ((option = getopt_long (argc, argv, "h", options, NULL)) != -1) {
        if (option == 'l')
            listen = optarg;
        else if (option == 'A')
            zlist_append (allow, optarg);
        else if (option == 'D')
            dir = optarg;
        else if (option == 'h') {
            s_usage (stdout);
            zlist_destroy (&allow);
            return TF_EXIT_OK;
        }
        else {
            fprintf (stderr, "tf agent: try --help\n");
            zlist_destroy (&allow);
            return TF_EXIT_USAGE;
        }
    }
    char address[INET_ADDRSTRLEN + 1] = "";
    struct in_addr parsed;
    if (listen && strncmp (listen, "tcp://", 6) == 0)
        snprintf (address, sizeof address, "%.*s", (int) strcspn (listen + 6, ":"), listen + 6);
    if (!listen || inet_pton (AF_INET, address, &parsed) != 1 || optind != argc) {
        fprintf (stderr,
                 "tf agent: %s (expected --listen tcp://HOST[:PORT], HOST a numeric IPv4 "
                 "address; try --help)\n",
                 !listen          ? "--listen is required"
                 : optind != argc ? "unexpected argument"
                                  : "bad --listen address");
        zlist_destroy (&allow);
        return TF_EXIT_USAGE;
    }
    if (zlist_size (allow) == 0) {
        fprintf (stderr, "tf agent: --allow is required: the certificate of tf's side "
                         "(tf keys new NAME; tf reads its secret from TF_AGENT_CERT)\n");
        zlist_destroy (&allow);
        return TF_EXIT_USAGE;
    }
    const char *tmpdir = getenv ("TMPDIR");
    char *state_dir = dir ? strdup (dir) : zsys_sprintf ("%s/tf-agent", tmpdir ? tmpdir : "/tmp");
    s_agent_t self = {.dir = state_dir};
    zcert_t *cert = NULL;
    if (s_make_dirs (state_dir) == 0 && (cert = s_server_cert (state_dir))) {
        char *allowed = zsys_sprintf ("%s/%s", state_dir, TF_AGENT_ALLOWED);
        rc = TF_EXIT_OK;
        for (const char *path = (const char *) zlist_first (allow); path && rc == 0;
             path = (const char *) zlist_next (allow))
            rc = tf_curve_allow (allowed, path, stderr) ? TF_EXIT_USAGE : TF_EXIT_OK;
        zstr_free (&allowed);
        if (rc == TF_EXIT_OK)
            rc = s_serve (&self, listen, cert);
    }
    else
        rc = TF_EXIT_ERROR;
    zcert_destroy (&cert);
    zsock_destroy (&self.router);
    zlist_destroy (&allow);
    free (state_dir);
    return rc;
}
