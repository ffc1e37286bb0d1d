#  Unit tests of the transaction workload's parts and the tx_inclusion judge (no network)
tf_add_unit_test(test_tx_build SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tx_build.c
                 LIBS tf_nodeapi)
tf_add_unit_test(test_tx_wallets SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tx_wallets.c
                 LIBS tf_workloads)
tf_add_unit_test(test_tx_judge SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tx_judge.c
                 LIBS tf_expectations)
tf_add_unit_test(test_throughput_judge SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_throughput_judge.c
                 LIBS tf_expectations)
