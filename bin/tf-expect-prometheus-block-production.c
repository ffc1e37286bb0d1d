//  tf-expect-prometheus-block-production - the nodes' Prometheus metrics show
//  at least min_blocks blocks produced during the run
#include "tf_exp_prometheus.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_exp_prometheus_class);
}
