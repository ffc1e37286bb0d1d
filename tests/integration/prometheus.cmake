#  prometheus_block_production through real runs (reuses the spine's harness):
#  a healthy run passes, a run whose nodes stop producing fails, and replays
#  keep each verdict
tf_add_integration_test(test_prometheus
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_prometheus.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS tf_record PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 120)
target_include_directories(test_prometheus PRIVATE ${CMAKE_CURRENT_LIST_DIR})
