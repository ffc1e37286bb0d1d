#  The chaos workloads through real runs: tf, the local deployer's node
#  control, tf-node, the scanner and consensus_liveness (reuses the spine's
#  harness)
tf_add_integration_test(test_chaos
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_chaos.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS tf_actors PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 300)
target_include_directories(test_chaos PRIVATE ${CMAKE_CURRENT_LIST_DIR})
add_dependencies(test_chaos tf tf-coordinator tf-deployer-local tf-scanner tf-node
                 tf-expect-consensus-liveness tf-workload-chaos-random-restart
                 tf-workload-chaos-partition tf-workload-chaos-pause)
