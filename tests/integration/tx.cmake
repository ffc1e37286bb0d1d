#  The transaction workload, tx_inclusion and tx_throughput through real runs (reuses
#  the spine's harness): Recipe 2 passes, dropped transactions fail, a stopped node is
#  passed over, tx_throughput passes at an open-loop rate the cluster takes and fails
#  when blocks stop, and replays keep each verdict
tf_add_integration_test(test_tx
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tx.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS tf_record PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 240)
target_include_directories(test_tx PRIVATE ${CMAKE_CURRENT_LIST_DIR})
