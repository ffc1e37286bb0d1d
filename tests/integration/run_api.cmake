#  The run API (tf_run.h) in the test's own process: plans from the builder on the
#  none runner, the options, the verdict and the report, what it refuses
tf_add_integration_test(test_tf_run
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_run.c
  LIBS tf_supervisor PkgConfig::JANSSON
  TIMEOUT 180)
