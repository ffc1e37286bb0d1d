//  tf_local_nodes.h - the local runner's node table: every node's names,
//  directories, ports and process
//
//  The table names the nodes of a plan (validators first, then executors:
//  "validator-0", "executor-0"), makes their directories, takes their ports
//  from the kernel, and owns their processes: spawn, signal, reap, stop.
//
//  A node's process sets PR_SET_PDEATHSIG SIGKILL (and exits at once if the
//  deployer is already gone), so a node never outlives its deployer, even one
//  killed with SIGKILL. It leads its own process group, so signals meant for
//  the deployer's group do not reach it and the deployer's signals reach
//  whatever a wrapper script starts. It runs in its directory, with stdin on
//  /dev/null and stdout+stderr appended to its log file. Nothing here blocks
//  for long: waits are bounded and ask a cancel callback (tf_deployer.h).

#ifndef TF_LOCAL_NODES_H_INCLUDED
#define TF_LOCAL_NODES_H_INCLUDED

#include "tf_deployer.h"

#define TF_LOCAL_NODES_EXEC_FAILED  127  //  Exit status when exec fails (as sh does)
#define TF_LOCAL_NODES_DIR_MODE     0700 //  Node directories
#define TF_LOCAL_NODES_REAP_MS      20   //  Poll period while waiting for a process to end
#define TF_LOCAL_NODES_KILL_WAIT_MS 5000 //  Longest wait for a SIGKILLed process to end
#define TF_LOCAL_NODES_FD_MARGIN    256  //  Open files kept spare beyond the ports taken

//  The ports of a node
typedef enum {
    TF_LOCAL_PORT_HTTP = 0, //  Node API
    TF_LOCAL_PORT_TESTING,  //  Testing API
    TF_LOCAL_PORT_P2P,      //  Peers
    TF_LOCAL_PORT_COUNT
} tf_local_port_t;

typedef struct _tf_local_nodes_t tf_local_nodes_t;

//  Make the table of validators + executors nodes under nodes_dir: each gets
//  nodes_dir/<name>/ (with db/ inside), a log at nodes_dir/<name>/node.log, or
//  log_dir/<name>.log when log_dir is given (it is made too), and
//  TF_LOCAL_PORT_COUNT free ports. NULL (after logging why) on failure.
tf_local_nodes_t *tf_local_nodes_new (const char *nodes_dir, const char *log_dir,
                                      uint32_t validators, uint32_t executors);

//  The same for the share of a run one host runs: only the nodes mine marks
//  (by global index; NULL: every node) get their directories; the others
//  are in the table (names, ports) but never start.
tf_local_nodes_t *tf_local_nodes_new_share (const char *nodes_dir, const char *log_dir,
                                            uint32_t validators, uint32_t executors,
                                            const bool *mine);

//  Destroy the table and nullify the reference: kills every process still
//  running and waits for it. Safe on NULL.
void tf_local_nodes_destroy (tf_local_nodes_t **self_p);

//  Queries of node (0 .. count-1); strings are borrowed from the table.
size_t tf_local_nodes_count (tf_local_nodes_t *self);
const char *tf_local_nodes_name (tf_local_nodes_t *self, size_t node);
const char *tf_local_nodes_role (tf_local_nodes_t *self, size_t node);
uint32_t tf_local_nodes_index (tf_local_nodes_t *self, size_t node);
const char *tf_local_nodes_dir (tf_local_nodes_t *self, size_t node);
const char *tf_local_nodes_db_path (tf_local_nodes_t *self, size_t node);
const char *tf_local_nodes_log_path (tf_local_nodes_t *self, size_t node);
uint16_t tf_local_nodes_port (tf_local_nodes_t *self, size_t node, tf_local_port_t port);

//  Set the address the nodes' URLs name (copied; NULL: 127.0.0.1), where they
//  bind when their files say so (tf_local_config.h).
void tf_local_nodes_set_address (tf_local_nodes_t *self, const char *address);

//  "http://ADDRESS:PORT" of one of node's ports, followed by path (or
//  nothing). Caller owns it.
char *tf_local_nodes_url (tf_local_nodes_t *self, size_t node, tf_local_port_t port,
                          const char *path);

//  Set what node runs: argv (NULL-terminated) and extra_env ("KEY=value",
//  NULL-terminated, may be NULL) replacing our variables of the same name.
//  Both are copied.
void tf_local_nodes_set_command (tf_local_nodes_t *self, size_t node, char *const argv[],
                                 char *const extra_env[]);

//  Start node's command (it must not be running). Returns 0, or -1 after
//  logging why.
int tf_local_nodes_start (tf_local_nodes_t *self, size_t node);

//  How node's process is, reaping it if it ended (an unexpected end is
//  logged); text says how it ended.
tf_deployer_state_t tf_local_nodes_state (tf_local_nodes_t *self, size_t node,
                                          char text[TF_DEPLOYER_STATE_TEXT]);

//  True while node's process runs (paused included).
bool tf_local_nodes_running (tf_local_nodes_t *self, size_t node);

//  Resident memory of node's process in kB (VmRSS), or -1 when it is not running.
int64_t tf_local_nodes_rss_kb (tf_local_nodes_t *self, size_t node);

//  node's process id while it is unreaped, else -1.
pid_t tf_local_nodes_pid (tf_local_nodes_t *self, size_t node);

//  Freeze (SIGSTOP) or thaw (SIGCONT) node's process group. Returns 0, or -1
//  (errno set) when the signal cannot be sent.
int tf_local_nodes_pause (tf_local_nodes_t *self, size_t node);
int tf_local_nodes_resume (tf_local_nodes_t *self, size_t node);

//  SIGKILL node's process group and wait (at most TF_LOCAL_NODES_KILL_WAIT_MS,
//  asking cancel, a tf_deployer_cancelled argument or NULL) until it is
//  reaped. Returns 0 once it is gone, -1 otherwise.
int tf_local_nodes_kill (tf_local_nodes_t *self, size_t node, void *cancel);

//  Stop every node: SIGTERM (and SIGCONT to a paused one), SIGKILL to those
//  still running after grace_ms, then wait until all are reaped. Returns 0
//  once every node is gone, -1 when cancelled or a process would not end.
int tf_local_nodes_stop_all (tf_local_nodes_t *self, int64_t grace_ms, void *cancel);

//  SIGKILL every running node and wait for each: the path when the deployer
//  stops. Returns how many were running.
size_t tf_local_nodes_kill_all (tf_local_nodes_t *self);

//  What node control does to one node's process
typedef enum {
    TF_LOCAL_PROC_KILL = 0, //  tf_local_nodes_kill
    TF_LOCAL_PROC_START,    //  tf_local_nodes_start
    TF_LOCAL_PROC_PAUSE,    //  tf_local_nodes_pause
    TF_LOCAL_PROC_RESUME,   //  tf_local_nodes_resume
    TF_LOCAL_PROC_COUNT
} tf_local_proc_t;

//  Its name ("kill", "start", "pause", "resume"), or NULL
const char *tf_local_proc_str (tf_local_proc_t proc);

//  The action from its name; TF_LOCAL_PROC_COUNT when none has it
tf_local_proc_t tf_local_proc_from_str (const char *name);

//  Do proc to node (kill asks cancel). 0, or -1 with error saying why.
int tf_local_nodes_act (tf_local_nodes_t *self, size_t node, tf_local_proc_t proc, void *cancel,
                        char error[TF_DEPLOYER_STATE_TEXT]);

#endif
