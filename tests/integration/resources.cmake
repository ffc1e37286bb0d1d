#  Resource evidence through real runs on the local runner: node.resources in
#  report.json, node_resources passing on a healthy run and on asked restarts,
#  failing on a node killed from outside and on an RSS limit below the real
#  figure, each replayed to the same verdict
tf_add_integration_test(test_node_resources
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_node_resources.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 240)
target_include_directories(test_node_resources PRIVATE ${CMAKE_CURRENT_LIST_DIR})
