//  tf_resources.h - what each node's process uses, sampled for node.resources
//
//  The deployer's worker asks the backend for each node's state and host pid
//  about every TF_RESOURCES_SAMPLE_MS from the end of deploy to cleanup, and
//  this class turns that into a node.resources sample: CPU (utime + stime
//  from /proc/<pid>/stat), resident memory now and at its highest (VmRSS and
//  VmHWM from /proc/<pid>/status), added up over every process the node has
//  had, and the exits node control did not ask for. An exit is a sample that
//  finds the node's process gone after one found it there, or a different
//  pid than the last: it counts unless node control asked for a restart,
//  stop or start of that node since the last sample (tf_resources_asked).

#ifndef TF_RESOURCES_H_INCLUDED
#define TF_RESOURCES_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "tf_msg.h"

#define TF_RESOURCES_SAMPLE_MS 1000 //  Between samples of every node

typedef struct _tf_resources_t tf_resources_t;

//  What /proc says of one process
typedef struct {
    uint64_t cpu_ms;   //  utime + stime, ms
    uint64_t rss;      //  VmRSS, bytes
    uint64_t peak_rss; //  VmHWM, bytes
} tf_resources_proc_t;

//  Read /proc/<pid>. 0, or -1 when the process is gone or a zombie.
int tf_resources_read (pid_t pid, tf_resources_proc_t *proc);

//  The accounts of count nodes.
tf_resources_t *tf_resources_new (size_t count);

//  Destroy and nullify. Safe on NULL.
void tf_resources_destroy (tf_resources_t **self_p);

//  Node control asked to restart, stop or start node: the change of its
//  process before the next sample is no exit.
void tf_resources_asked (tf_resources_t *self, size_t node);

//  Account one sample of node: proc is what /proc said of its process pid,
//  or NULL when it has none now. Fills sample (sample->node is the caller's
//  to set; nothing is allocated).
void tf_resources_account (tf_resources_t *self, size_t node, pid_t pid,
                           const tf_resources_proc_t *proc, uint64_t at_ms,
                           tf_node_resources_t *sample);

#endif
