#  consensus_liveness through real runs: tf, the local deployer, tf-node, the
#  scanner, the expectation and tf-test-fault (reuses the spine's harness)
tf_add_integration_test(test_liveness
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_liveness.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS tf_record PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 300)
target_include_directories(test_liveness PRIVATE ${CMAKE_CURRENT_LIST_DIR})
#  The node HTTP client against fake nodes on loopback (libmicrohttpd, a
#  listening socket that never answers)
tf_add_integration_test(test_liveness_client
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_liveness_client.c
  LIBS tf_nodeapi PkgConfig::MHD
  TIMEOUT 60)
