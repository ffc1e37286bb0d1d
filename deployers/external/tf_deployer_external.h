//  tf_deployer_external.h - the deployer of runner `external`: nodes someone
//  else runs
//
//  A backend of the deployer seam (tf_deployer.h) for a network that exists
//  already (a devnet): the plan's topology.external lists each node's name,
//  API URL and role. Deploy starts nothing: it reports those nodes, then the
//  driver waits for the http and chain readiness stages on every URL (the
//  network stage is left out: tf does not know the network's peering), and
//  a failure names each node by its URL. Cleanup stops nothing and removes
//  nothing. No node control (the catalogue gives `external` no actions, so a
//  scenario that needs it is refused at validate time). The scanner,
//  workloads and expectations run as on any runner; wallets come from the
//  user's key file (tf_plan_keys.h).

#ifndef TF_DEPLOYER_EXTERNAL_H_INCLUDED
#define TF_DEPLOYER_EXTERNAL_H_INCLUDED

#include "tf_deployer.h"

//  The backend of runner external
extern const tf_deployer_ops_t tf_deployer_external_ops;

//  The program tf-deployer-external
extern const tf_deployer_class_t tf_deployer_external_class;

#endif
