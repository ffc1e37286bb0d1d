//  tf_node_proc.h - one node process: spawned so it dies with the deployer,
//  signalled and reaped without blocking
//
//  The child sets PR_SET_PDEATHSIG SIGKILL (and exits at once if the deployer
//  is already gone), so a node never outlives its deployer, even one killed
//  with SIGKILL. It leads its own process group, so signals meant for the
//  deployer's group do not reach it and the deployer's signals reach whatever
//  a wrapper script starts. It runs in its directory, with stdin on
//  /dev/null and stdout+stderr appended to its log file.

#ifndef TF_NODE_PROC_H_INCLUDED
#define TF_NODE_PROC_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TF_NODE_PROC_EXEC_FAILED 127 //  Exit status when exec fails (as sh does)
#define TF_NODE_PROC_TEXT_SIZE   128 //  Room for a description of an exit

//  Start argv[0] with argv in dir, output appended to log_path, with the
//  deployer's environment plus extra_env ("KEY=value" strings, NULL-ended).
//  Returns the child's pid, or -1 after logging why.
pid_t tf_node_proc_spawn (char *const argv[], const char *dir, const char *log_path,
                          char *const extra_env[]);

//  Send a signal to the node's process group. Call it only while the node is
//  unreaped, so a recycled pid is never hit. Returns 0 or -1 (errno set).
int tf_node_proc_signal (pid_t pid, int signal_number);

//  Collect pid's status if it has ended, without blocking. Returns true (and
//  *status) once it has been reaped.
bool tf_node_proc_reap (pid_t pid, int *status);

//  Describe a wait status: "exited with status 1", "killed by signal 9 (Killed)".
void tf_node_proc_describe (int status, char out[TF_NODE_PROC_TEXT_SIZE]);

#endif
