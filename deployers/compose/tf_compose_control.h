//  tf_compose_control.h - node control of the compose runner, through the engine
//
//  restart (`docker restart -t 0`: SIGKILL, then the same container starts
//  again with its storage), stop (`docker kill`), start (`docker start`),
//  pause and resume (`docker pause` / `unpause`, the cgroup freezer), and
//  partition / heal made in the network itself: nftables rules in each
//  container's network namespace (entered from the host with nsenter) drop
//  every packet to and from the addresses across the cut. A node that starts
//  again (restart, start) gets its share of a partition not yet healed
//  applied again in its new namespace; a paused node's rules are changed at
//  once (the freezer stops its processes, not its namespace). A node killed
//  while paused has nothing left to resume, and its resume is answered as
//  done (saying so), as on the local runner.
//
//  loss drops a share of the node's swarm packets: in its namespace, a table
//  of its own (tf_loss) drops each packet from or to another node's address
//  with `numgen random mod 100 < percent`, so traffic with the host (the
//  published API port the framework reads, cfgsync) is never dropped; percent
//  0 removes the table. bandwidth limits the node's egress with a tbf qdisc at
//  the root of its interface (all of its egress, API answers too); rate 0
//  removes it. Both stay with the node: a node that starts again gets them
//  again, and one stopped gets them when it starts. Replacing or removing
//  either answers with what its counters saw (the loss table's packets seen
//  and dropped, the qdisc's bytes sent and times over the limit).

#ifndef TF_COMPOSE_CONTROL_H_INCLUDED
#define TF_COMPOSE_CONTROL_H_INCLUDED

#include "tf_compose_stack.h"

#define TF_COMPOSE_CONTROL_TABLE      "tf_partition" //  nftables table (inet) of a partition
#define TF_COMPOSE_CONTROL_LOSS_TABLE "tf_loss"      //  nftables table (inet) of a loss
#define TF_COMPOSE_CONTROL_DEVICE     "eth0" //  A container's interface on the run's network

typedef struct _tf_compose_control_t tf_compose_control_t;

//  Create node control over stack (borrowed, must outlive it); rule files go
//  in work_dir; blocking steps ask cancel (tf_deployer.h).
tf_compose_control_t *tf_compose_control_new (tf_compose_stack_t *stack, const char *work_dir,
                                              void *cancel);

//  Destroy and nullify. Safe on NULL.
void tf_compose_control_destroy (tf_compose_control_t **self_p);

//  Carry out request (checked by the driver) on the nodes of table (same
//  order as the stack). 0, with *text_p a note or NULL; or -1 with *text_p
//  the error. Caller frees *text_p.
int tf_compose_control_run (tf_compose_control_t *self, const tf_deployer_node_t *table,
                            size_t count, const tf_node_control_t *request, char **text_p);

#endif
