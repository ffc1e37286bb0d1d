//  tf-agent - runs a host's share of a run's nodes (`tf agent`; see
//  deployers/local/tf_agent.h)
#include <czmq.h>
#include "tf_agent.h"

int
main (int argc, char **argv)
{
    return tf_agent_main (argc, argv);
}
