//  tf_exp_resources.h - expectation node_resources: each node's peak
//  resident memory at most max_rss, and at most max_restarts exits or
//  restarts that node control did not ask for
//
//  The figures are the deployer's node.resources samples (tf_resources.h:
//  /proc of each node's process, about every second from deploy to
//  cleanup), taken as they arrive on control until evaluate, where the judge
//  (tf_exp_resources_judge.h) gives the verdict: the message names each node
//  over a limit and its figure against the limit. Its details say how many
//  samples it judged; under `tf replay` the recorded samples come back the
//  same way and the expectation judges that many of them, in recorded
//  order, so it reaches the same verdict.
//
//  Consumes: run.plan, run.nodes, run.phase, node.resources
//  Emits:    expect.result (in evaluate)

#ifndef TF_EXP_RESOURCES_H_INCLUDED
#define TF_EXP_RESOURCES_H_INCLUDED

#include "tf_actor.h"

//  The program tf-expect-node-resources
extern const tf_actor_class_t tf_exp_resources_class;

#endif
