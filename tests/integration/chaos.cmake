#  The chaos workloads through real runs: tf, the local deployer's node
#  control, tf-node, the scanner and consensus_liveness (reuses the spine's
#  harness)
tf_add_integration_test(test_chaos
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_chaos.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS tf_record tf_workloads PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 300)
target_include_directories(test_chaos PRIVATE ${CMAKE_CURRENT_LIST_DIR})
