#  prometheus_block_production through real runs (reuses the spine's harness):
#  a healthy run passes, a run whose nodes stop producing fails, and replays
#  keep each verdict
tf_add_integration_test(test_prometheus
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_prometheus.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS tf_record PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 120)
target_include_directories(test_prometheus PRIVATE ${CMAKE_CURRENT_LIST_DIR})

#  The run's own Prometheus server on the local runner (observability.prometheus):
#  skips (77) without the prometheus binary
tf_add_integration_test(test_prometheus_server
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_prometheus_server.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS tf_record PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 240)
target_include_directories(test_prometheus_server PRIVATE ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(test_prometheus_server PROPERTIES SKIP_RETURN_CODE 77)
