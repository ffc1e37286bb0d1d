#  The transaction workload (it derives the wallets as the deployer's genesis
#  does, hence tf_deployers) and the tx inclusion expectation
add_executable(tf-workload-transactions ${CMAKE_CURRENT_LIST_DIR}/tf-workload-transactions.c)
target_link_libraries(tf-workload-transactions PRIVATE tf_deployers tf_actors)
add_executable(tf-expect-tx-inclusion ${CMAKE_CURRENT_LIST_DIR}/tf-expect-tx-inclusion.c)
target_link_libraries(tf-expect-tx-inclusion PRIVATE tf_actors)
