//  tf_agent.h - `tf agent`: runs a host's share of a run's nodes for the
//  local runner on another host
//
//      tf agent --listen tcp://ADDR[:PORT] --allow CERT|DIR [--dir D]
//
//  listens on ADDR (a numeric IPv4 address; PORT, else one the kernel gives)
//  with CurveZMQ: its server certificate is D/agent.cert (made on the first
//  start, with agent.cert_secret, mode 0600), the one a scenario's hosts:
//  entry names as cert; only the public keys of --allow (a certificate, or
//  every *.cert of a directory, copied into D/allowed/) may connect, the key
//  of tf's side of the run (TF_AGENT_CERT). It serves one run at a time
//  (the wire: tf_agent_link.h): its nodes are those the plan's hosts: gives
//  the host the run names, run by the local runner's code
//  (tf_local_nodes, tf_local_config) under D/runs/RUN_ID/nodes/, bound on the
//  host's address. It stops them when the run says STOP and kills them when
//  the run says ABORT, when no message of the run came for TF_AGENT_LOST_MS,
//  or when the agent is stopped (SIGTERM, SIGINT); killed with SIGKILL, its
//  nodes die with it (their parent-death signal).

#ifndef TF_AGENT_H_INCLUDED
#define TF_AGENT_H_INCLUDED

#define TF_AGENT_CERT_NAME "agent"   //  D/agent.cert and agent.cert_secret
#define TF_AGENT_ALLOWED   "allowed" //  D/allowed/
#define TF_AGENT_RUNS      "runs"    //  D/runs/RUN_ID/
#define TF_AGENT_DIR_MODE  0700

//  The program: parse argv, serve until stopped. Returns the exit code
//  (TF_EXIT_OK, TF_EXIT_USAGE on a bad command line, TF_EXIT_ERROR).
int tf_agent_main (int argc, char **argv);

#endif
