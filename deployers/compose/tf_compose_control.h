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

#ifndef TF_COMPOSE_CONTROL_H_INCLUDED
#define TF_COMPOSE_CONTROL_H_INCLUDED

#include "tf_compose_stack.h"

#define TF_COMPOSE_CONTROL_TABLE "tf_partition" //  nftables table (inet) of a partition

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
