#  Unit tests of the transaction workload's parts and the tx_inclusion judge (no network)
foreach(test test_tx_build test_tx_wallets test_tx_judge)
  tf_add_unit_test(${test} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${test}.c LIBS tf_actors)
endforeach()
