#  tf-node integration tests: real tf-node processes on loopback with 100 ms slots
set(NODE_IT_DIR ${CMAKE_CURRENT_LIST_DIR})
foreach(suite cluster restart partition faults malformed da_network metrics)
  tf_add_integration_test(test_node_${suite}
    SOURCES ${NODE_IT_DIR}/test_node_${suite}.c ${NODE_IT_DIR}/test_node_harness.c
    LIBS tf_node PkgConfig::CURL PkgConfig::JANSSON
    TIMEOUT 120)
  target_include_directories(test_node_${suite} PRIVATE ${NODE_IT_DIR})
endforeach()
#  test_node_metrics skips (77) without promtool (Debian package prometheus)
set_tests_properties(test_node_metrics PROPERTIES SKIP_RETURN_CODE 77)
#  test_node_genesis_txs: tf-node from the deployers' own configs with two genesis txs
tf_add_integration_test(test_node_genesis_txs
  SOURCES ${NODE_IT_DIR}/test_node_genesis_txs.c ${NODE_IT_DIR}/test_node_harness.c
  LIBS tf_node tf_deployers PkgConfig::CURL PkgConfig::JANSSON
  TIMEOUT 120)
target_include_directories(test_node_genesis_txs PRIVATE ${NODE_IT_DIR})
