//  tf-expect-tx-throughput - the workloads' accepted and included tx/s and
//  their latency p99 against the scenario's limits, judged from the bus alone
#include "tf_exp_throughput.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_exp_throughput_class);
}
