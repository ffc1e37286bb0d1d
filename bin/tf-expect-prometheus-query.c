//  tf-expect-prometheus-query - a PromQL query of the run's Prometheus server
//  compares with a value, at evaluate or at every check during the run
#include "tf_exp_query.h"

int
main (int argc, char **argv)
{
    return tf_actor_main (argc, argv, &tf_exp_query_class);
}
