#  Unit tests of the scanner and the consensus liveness expectation (no network)
tf_add_unit_test(test_scanner SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_scanner.c LIBS tf_scanner)
tf_add_unit_test(test_exp_liveness SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_exp_liveness.c
                 LIBS tf_expectations tf_report)
tf_add_unit_test(test_exp_lib_watch SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_exp_lib_watch.c
                 LIBS tf_expectations)
tf_add_unit_test(test_exp_lag_watch SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_exp_lag_watch.c
                 LIBS tf_expectations)
