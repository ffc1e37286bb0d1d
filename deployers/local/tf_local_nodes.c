//  tf_local_nodes.c - the local runner's node table (see tf_local_nodes.h)
//
//  fork/exec rather than posix_spawn because the child must set its
//  parent-death signal between the two. Between fork and exec the child only
//  calls async-signal-safe functions: the environment is built before fork.

#include <czmq.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "tf_local_nodes.h"
#include "tf_node_spec.h"
#include "tf_rundir.h"

extern char **environ;

#define S_NAME_SIZE 32   //  "validator-255"
#define S_LOG_MODE  0600 //  Node logs are private to the run
#define S_STRV_END  NULL //  Ends argv and env lists

//  One node
typedef struct {
    char name[S_NAME_SIZE];                 //  "validator-0"
    const char *role;                       //  "validator" | "executor" (static)
    uint32_t index;                         //  Within its role
    char *dir;                              //  nodes_dir/<name>
    char *db_path;                          //  dir/db
    char *log_path;                         //  Where stdout+stderr go
    uint16_t ports[TF_LOCAL_PORT_COUNT];    //  By tf_local_port_t
    char **argv;                            //  Its command, or NULL
    char **env;                             //  Extra environment, or NULL
    pid_t pid;                              //  0 when not running
    bool paused;                            //  SIGSTOPped
    char exit_text[TF_DEPLOYER_STATE_TEXT]; //  How it last ended ("" when it has not)
} s_node_t;

struct _tf_local_nodes_t {
    s_node_t *nodes; //  Every node of the plan
    size_t count;    //  Their number
    char *address;   //  What their URLs name, or NULL: TF_NODE_SPEC_HOST
};

static int s_mkdir (const char *path);
static int s_free_ports (uint16_t *ports, size_t count);
static void s_strv_free (char ***strv_p);

tf_local_nodes_t *
tf_local_nodes_new (const char *nodes_dir, const char *log_dir, uint32_t validators,
                    uint32_t executors)
{
    return tf_local_nodes_new_share (nodes_dir, log_dir, validators, executors, NULL);
}

tf_local_nodes_t *
tf_local_nodes_new_share (const char *nodes_dir, const char *log_dir, uint32_t validators,
                          uint32_t executors, const bool *mine)
{
    assert (nodes_dir);
    tf_local_nodes_t *self = (tf_local_nodes_t *) zmalloc (sizeof (tf_local_nodes_t));
    self->count = (size_t) validators + executors;
    self->nodes = (s_node_t *) zmalloc ((self->count + 1) * sizeof (s_node_t));
    uint16_t *ports =
        (uint16_t *) zmalloc ((self->count * TF_LOCAL_PORT_COUNT + 1) * sizeof (uint16_t));
    bool ok = s_mkdir (nodes_dir) == 0 && (!log_dir || s_mkdir (log_dir) == 0)
              && s_free_ports (ports, self->count * TF_LOCAL_PORT_COUNT) == 0;
    for (size_t global = 0; ok && global < self->count; global++) {
        s_node_t *node = &self->nodes[global];
        bool executor = global >= validators;
        node->role = executor ? "executor" : "validator";
        node->index = (uint32_t) (executor ? global - validators : global);
        snprintf (node->name, sizeof node->name, "%s-%u", node->role, node->index);
        node->dir = zsys_sprintf ("%s/%s", nodes_dir, node->name);
        node->db_path = zsys_sprintf ("%s/db", node->dir);
        node->log_path = log_dir ? zsys_sprintf ("%s/%s.log", log_dir, node->name)
                                 : zsys_sprintf ("%s/" TF_RUNDIR_NODE_LOG, node->dir);
        for (size_t port = 0; port < TF_LOCAL_PORT_COUNT; port++)
            node->ports[port] = ports[global * TF_LOCAL_PORT_COUNT + port];
        ok = (mine && !mine[global]) || (s_mkdir (node->dir) == 0 && s_mkdir (node->db_path) == 0);
    }
    free (ports);
    if (!ok)
        tf_local_nodes_destroy (&self);
    return self;
}

void
tf_local_nodes_destroy (tf_local_nodes_t **self_p)
{
    assert (self_p);
    tf_local_nodes_t *self = *self_p;
    if (!self)
        return;
    tf_local_nodes_kill_all (self);
    for (size_t index = 0; index < self->count; index++) {
        s_node_t *node = &self->nodes[index];
        free (node->dir);
        free (node->db_path);
        free (node->log_path);
        s_strv_free (&node->argv);
        s_strv_free (&node->env);
    }
    free (self->nodes);
    free (self->address);
    free (self);
    *self_p = NULL;
}


//  ---------------------------------------------------------------------------
//  Queries

//  The node at index (our bug if there is none)
static s_node_t *
s_node (tf_local_nodes_t *self, size_t node)
{
    assert (self && node < self->count);
    return &self->nodes[node];
}

size_t
tf_local_nodes_count (tf_local_nodes_t *self)
{
    assert (self);
    return self->count;
}

const char *
tf_local_nodes_name (tf_local_nodes_t *self, size_t node)
{
    return s_node (self, node)->name;
}

const char *
tf_local_nodes_role (tf_local_nodes_t *self, size_t node)
{
    return s_node (self, node)->role;
}

uint32_t
tf_local_nodes_index (tf_local_nodes_t *self, size_t node)
{
    return s_node (self, node)->index;
}

const char *
tf_local_nodes_dir (tf_local_nodes_t *self, size_t node)
{
    return s_node (self, node)->dir;
}

const char *
tf_local_nodes_db_path (tf_local_nodes_t *self, size_t node)
{
    return s_node (self, node)->db_path;
}

const char *
tf_local_nodes_log_path (tf_local_nodes_t *self, size_t node)
{
    return s_node (self, node)->log_path;
}

uint16_t
tf_local_nodes_port (tf_local_nodes_t *self, size_t node, tf_local_port_t port)
{
    assert (port < TF_LOCAL_PORT_COUNT);
    return s_node (self, node)->ports[port];
}

void
tf_local_nodes_set_address (tf_local_nodes_t *self, const char *address)
{
    assert (self);
    free (self->address);
    self->address = address ? strdup (address) : NULL;
}

char *
tf_local_nodes_url (tf_local_nodes_t *self, size_t node, tf_local_port_t port, const char *path)
{
    return zsys_sprintf ("http://%s:%u%s", self->address ? self->address : TF_NODE_SPEC_HOST,
                         tf_local_nodes_port (self, node, port), path ? path : "");
}

bool
tf_local_nodes_running (tf_local_nodes_t *self, size_t node)
{
    return s_node (self, node)->pid > 0;
}


//  ---------------------------------------------------------------------------
//  Processes

//  A NULL-terminated copy of strv (NULL stays NULL)
static char **
s_strv_dup (char *const strv[])
{
    if (!strv)
        return NULL;
    size_t count = 0;
    while (strv[count])
        count++;
    char **copy = (char **) zmalloc ((count + 1) * sizeof (char *));
    for (size_t index = 0; index < count; index++)
        copy[index] = strdup (strv[index]);
    copy[count] = S_STRV_END;
    return copy;
}

static void
s_strv_free (char ***strv_p)
{
    char **strv = *strv_p;
    for (size_t index = 0; strv && strv[index]; index++)
        free (strv[index]);
    free (strv);
    *strv_p = NULL;
}

void
tf_local_nodes_set_command (tf_local_nodes_t *self, size_t node, char *const argv[],
                            char *const extra_env[])
{
    s_node_t *entry = s_node (self, node);
    assert (argv && argv[0]);
    s_strv_free (&entry->argv);
    s_strv_free (&entry->env);
    entry->argv = s_strv_dup (argv);
    entry->env = s_strv_dup (extra_env);
}

//  Our environment with extra_env replacing variables of the same name; the
//  array is the caller's, the strings are borrowed
static char **
s_child_env (char *const extra_env[])
{
    size_t inherited = 0, extra = 0;
    while (environ[inherited])
        inherited++;
    while (extra_env && extra_env[extra])
        extra++;
    char **envp = (char **) zmalloc ((inherited + extra + 1) * sizeof (char *));
    size_t used = 0;
    for (size_t index = 0; index < inherited; index++) {
        const char *equals = strchr (environ[index], '=');
        size_t key_length = equals ? (size_t) (equals - environ[index]) : strlen (environ[index]);
        bool replaced = false;
        for (size_t added = 0; added < extra && !replaced; added++)
            replaced = strncmp (extra_env[added], environ[index], key_length) == 0
                       && extra_env[added][key_length] == '=';
        if (!replaced)
            envp[used++] = environ[index];
    }
    for (size_t added = 0; added < extra; added++)
        envp[used++] = extra_env[added];
    envp[used] = S_STRV_END;
    return envp;
}

//  Start argv[0] in dir with output appended to log_path; the child's pid, or -1
static pid_t
s_spawn (char *const argv[], const char *dir, const char *log_path, char *const extra_env[])
{
    int log_fd = open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, S_LOG_MODE);
    if (log_fd < 0) {
        zsys_error ("deployer: cannot open node log path=%s error=\"%s\"", log_path,
                    strerror (errno));
        return -1;
    }
    char **envp = s_child_env (extra_env);
    //  Every signal waits until the child has its default handlers back: a
    //  SIGTERM that came before would run our handler in the child, which
    //  would then live on
    sigset_t all, previous;
    sigfillset (&all);
    pthread_sigmask (SIG_SETMASK, &all, &previous);
    pid_t parent = getpid ();
    pid_t pid = fork ();
    if (pid == 0) {
        //  Child: die with the deployer, whatever kills it
        if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid () != parent)
            _exit (TF_LOCAL_NODES_EXEC_FAILED);
        setpgid (0, 0);
        signal (SIGINT, SIG_DFL);
        signal (SIGTERM, SIG_DFL);
        signal (SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset (&none);
        sigprocmask (SIG_SETMASK, &none, NULL);
        int null_fd = open ("/dev/null", O_RDONLY);
        if (null_fd < 0 || dup2 (null_fd, STDIN_FILENO) < 0 || dup2 (log_fd, STDOUT_FILENO) < 0
            || dup2 (log_fd, STDERR_FILENO) < 0 || chdir (dir) != 0)
            _exit (TF_LOCAL_NODES_EXEC_FAILED);
        execve (argv[0], argv, envp);
        static const char failed[] = "tf-deployer-local: cannot execute the node binary\n";
        ssize_t ignored = write (STDERR_FILENO, failed, sizeof failed - 1);
        (void) ignored;
        _exit (TF_LOCAL_NODES_EXEC_FAILED);
    }
    int fork_errno = errno;
    pthread_sigmask (SIG_SETMASK, &previous, NULL);
    if (pid > 0)
        setpgid (pid, pid); //  Also here: whichever runs first wins the race
    free (envp);
    close (log_fd);
    if (pid < 0) {
        zsys_error ("deployer: fork failed program=%s error=\"%s\"", argv[0],
                    strerror (fork_errno));
        return -1;
    }
    return pid;
}

int
tf_local_nodes_start (tf_local_nodes_t *self, size_t node)
{
    s_node_t *entry = s_node (self, node);
    assert (entry->argv && entry->pid == 0);
    pid_t pid = s_spawn (entry->argv, entry->dir, entry->log_path, entry->env);
    if (pid < 0)
        return -1;
    entry->pid = pid;
    entry->paused = false;
    entry->exit_text[0] = 0;
    zsys_info ("deployer: node started name=%s pid=%d http=%u", entry->name, (int) pid,
               entry->ports[TF_LOCAL_PORT_HTTP]);
    return 0;
}

//  Describe a wait status: "exited with status 1", "killed by signal 9 (Killed)"
static void
s_describe (int status, char *text, size_t size)
{
    if (WIFEXITED (status))
        snprintf (text, size, "exited with status %d", WEXITSTATUS (status));
    else if (WIFSIGNALED (status))
        snprintf (text, size, "killed by signal %d (%s)", WTERMSIG (status),
                  strsignal (WTERMSIG (status)));
    else
        snprintf (text, size, "ended with wait status %d", status);
}

//  Collect node's status if it ended, without blocking; true once it is gone
static bool
s_reap (s_node_t *node, bool expected)
{
    if (node->pid <= 0)
        return true;
    int status = 0;
    if (waitpid (node->pid, &status, WNOHANG) != node->pid)
        return false;
    s_describe (status, node->exit_text, sizeof node->exit_text);
    if (!expected)
        zsys_notice ("deployer: node process ended name=%s %s log=%s", node->name, node->exit_text,
                     node->log_path);
    node->pid = 0;
    node->paused = false;
    return true;
}

tf_deployer_state_t
tf_local_nodes_state (tf_local_nodes_t *self, size_t node, char text[TF_DEPLOYER_STATE_TEXT])
{
    s_node_t *entry = s_node (self, node);
    if (s_reap (entry, false)) {
        snprintf (text, TF_DEPLOYER_STATE_TEXT, "%s",
                  entry->exit_text[0] ? entry->exit_text : "not started");
        return TF_DEPLOYER_EXITED;
    }
    text[0] = 0;
    return entry->paused ? TF_DEPLOYER_PAUSED : TF_DEPLOYER_RUNNING;
}

int64_t
tf_local_nodes_rss_kb (tf_local_nodes_t *self, size_t node)
{
    s_node_t *entry = s_node (self, node);
    if (entry->pid <= 0)
        return -1;
    char path[64], line[256];
    snprintf (path, sizeof path, "/proc/%d/status", (int) entry->pid);
    FILE *file = fopen (path, "r");
    if (!file)
        return -1;
    long long kb = -1;
    while (fgets (line, sizeof line, file))
        if (sscanf (line, "VmRSS: %lld kB", &kb) == 1)
            break;
    fclose (file);
    return kb;
}

pid_t
tf_local_nodes_pid (tf_local_nodes_t *self, size_t node)
{
    s_node_t *entry = s_node (self, node);
    return entry->pid > 0 ? entry->pid : -1;
}

//  Send a signal to node's process group; only while it is unreaped, so a
//  recycled pid is never hit. 0, or -1 (errno set).
static int
s_signal (s_node_t *node, int signal_number)
{
    if (node->pid <= 0) {
        errno = ESRCH;
        return -1;
    }
    return kill (-node->pid, signal_number);
}

int
tf_local_nodes_pause (tf_local_nodes_t *self, size_t node)
{
    s_node_t *entry = s_node (self, node);
    if (s_signal (entry, SIGSTOP))
        return -1;
    entry->paused = true;
    return 0;
}

int
tf_local_nodes_resume (tf_local_nodes_t *self, size_t node)
{
    s_node_t *entry = s_node (self, node);
    if (s_signal (entry, SIGCONT))
        return -1;
    entry->paused = false;
    return 0;
}

//  Wait a poll period, waking early on cancel; true when cancelled
static bool
s_pause (void *cancel)
{
    if (cancel)
        return tf_deployer_wait (cancel, TF_LOCAL_NODES_REAP_MS);
    zclock_sleep (TF_LOCAL_NODES_REAP_MS);
    return false;
}

int
tf_local_nodes_kill (tf_local_nodes_t *self, size_t node, void *cancel)
{
    s_node_t *entry = s_node (self, node);
    s_signal (entry, SIGKILL);
    int64_t deadline = zclock_mono () + TF_LOCAL_NODES_KILL_WAIT_MS;
    while (!s_reap (entry, true))
        if (zclock_mono () >= deadline || s_pause (cancel))
            return -1;
    return 0;
}

int
tf_local_nodes_stop_all (tf_local_nodes_t *self, int64_t grace_ms, void *cancel)
{
    assert (self);
    for (size_t index = 0; index < self->count; index++) {
        s_node_t *node = &self->nodes[index];
        if (node->pid > 0) {
            s_signal (node, SIGTERM);
            if (node->paused) //  A stopped process acts on SIGTERM once continued
                s_signal (node, SIGCONT);
        }
    }
    int64_t kill_at = zclock_mono () + grace_ms;
    int64_t give_up_at = INT64_MAX;
    while (true) {
        bool running = false;
        for (size_t index = 0; index < self->count; index++)
            running = !s_reap (&self->nodes[index], true) || running;
        if (!running)
            return 0;
        if (zclock_mono () >= give_up_at || s_pause (cancel))
            return -1;
        if (zclock_mono () >= kill_at) {
            for (size_t index = 0; index < self->count; index++)
                if (self->nodes[index].pid > 0) {
                    zsys_notice ("deployer: node ignored SIGTERM name=%s; killing",
                                 self->nodes[index].name);
                    s_signal (&self->nodes[index], SIGKILL);
                }
            kill_at = INT64_MAX;
            give_up_at = zclock_mono () + TF_LOCAL_NODES_KILL_WAIT_MS;
        }
    }
}

size_t
tf_local_nodes_kill_all (tf_local_nodes_t *self)
{
    assert (self);
    size_t killed = 0;
    for (size_t index = 0; index < self->count; index++) {
        s_node_t *node = &self->nodes[index];
        if (node->pid > 0) {
            s_signal (node, SIGKILL);
            int status;
            waitpid (node->pid, &status, 0);
            zsys_info ("deployer: node killed name=%s pid=%d", node->name, (int) node->pid);
            node->pid = 0;
            killed++;
        }
    }
    return killed;
}


//  ---------------------------------------------------------------------------
//  Files and ports

static int
s_mkdir (const char *path)
{
    if (mkdir (path, TF_LOCAL_NODES_DIR_MODE) == 0 || errno == EEXIST)
        return 0;
    zsys_error ("deployer: cannot create directory path=%s error=\"%s\"", path, strerror (errno));
    return -1;
}

//  Room for count more descriptors: a large run holds one socket per port at
//  once (3 per node), past the usual soft limit of 1024; raise it toward the
//  hard limit. 0, or -1 after logging what to raise
static int
s_room_for (size_t count)
{
    struct rlimit limit;
    if (getrlimit (RLIMIT_NOFILE, &limit))
        return 0; //  Nothing known: let socket() say
    rlim_t want = (rlim_t) count + TF_LOCAL_NODES_FD_MARGIN;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < want) {
        rlim_t soft =
            limit.rlim_max == RLIM_INFINITY || limit.rlim_max > want ? want : limit.rlim_max;
        limit.rlim_cur = soft;
        if (soft < want || setrlimit (RLIMIT_NOFILE, &limit)) {
            zsys_error ("deployer: %zu ports need %llu open files, the limit is %llu (raise "
                        "`ulimit -n`)",
                        count, (unsigned long long) want, (unsigned long long) limit.rlim_max);
            return -1;
        }
    }
    return 0;
}

//  Take ports from the kernel: bind every socket to port 0 first and close
//  them only after, so no two of ours collide
static int
s_free_ports (uint16_t *ports, size_t count)
{
    if (s_room_for (count))
        return -1;
    int rc = -1;
    int *fds = (int *) zmalloc ((count + 1) * sizeof (int));
    size_t opened = 0;
    for (; opened < count; opened++) {
        fds[opened] = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in address = {.sin_family = AF_INET};
        address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fds[opened] < 0 || bind (fds[opened], (struct sockaddr *) &address, sizeof address)
            || getsockname (fds[opened], (struct sockaddr *) &address, &length)) {
            zsys_error ("deployer: cannot get a free port error=\"%s\"", strerror (errno));
            if (fds[opened] >= 0)
                close (fds[opened]);
            goto out;
        }
        ports[opened] = ntohs (address.sin_port);
    }
    rc = 0;
out:
    while (opened > 0)
        close (fds[--opened]);
    free (fds);
    return rc;
}

static const char *const s_proc_names[TF_LOCAL_PROC_COUNT] = {"kill", "start", "pause", "resume"};

const char *
tf_local_proc_str (tf_local_proc_t proc)
{
    return proc < TF_LOCAL_PROC_COUNT ? s_proc_names[proc] : NULL;
}

tf_local_proc_t
tf_local_proc_from_str (const char *name)
{
    tf_local_proc_t proc = 0;
    while (proc < TF_LOCAL_PROC_COUNT && !(name && streq (name, s_proc_names[proc])))
        proc++;
    return proc;
}

int
tf_local_nodes_act (tf_local_nodes_t *self, size_t node, tf_local_proc_t proc, void *cancel,
                    char error[TF_DEPLOYER_STATE_TEXT])
{
    assert (self && proc < TF_LOCAL_PROC_COUNT);
    int rc = proc == TF_LOCAL_PROC_KILL    ? tf_local_nodes_kill (self, node, cancel)
             : proc == TF_LOCAL_PROC_START ? tf_local_nodes_start (self, node)
             : proc == TF_LOCAL_PROC_PAUSE ? tf_local_nodes_pause (self, node)
                                           : tf_local_nodes_resume (self, node);
    if (rc == 0)
        return 0;
    if (proc == TF_LOCAL_PROC_KILL)
        snprintf (error, TF_DEPLOYER_STATE_TEXT, "it did not end");
    else if (proc == TF_LOCAL_PROC_START)
        snprintf (error, TF_DEPLOYER_STATE_TEXT,
                  "it did not start (see the log of its deployer or agent)");
    else
        snprintf (error, TF_DEPLOYER_STATE_TEXT, "cannot signal it: %s", strerror (errno));
    return -1;
}
