#  Unit tests of the prometheus_block_production expectation (no network)
tf_add_unit_test(test_exp_prometheus SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_exp_prometheus.c
                 LIBS tf_expectations)
