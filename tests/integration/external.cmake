#  Runner external: nodes the test starts itself (the node harness), tf runs against them
tf_add_integration_test(test_external
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_external.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
          ${CMAKE_CURRENT_LIST_DIR}/test_node_harness.c
  LIBS tf_node PkgConfig::CZMQ PkgConfig::CURL PkgConfig::JANSSON
  TIMEOUT 240)
target_include_directories(test_external PRIVATE ${CMAKE_CURRENT_LIST_DIR})
