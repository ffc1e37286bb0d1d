#  tf-node unit tests: one cmocka binary per class
foreach(class lottery ledger mempool chain json config genesis erasure da)
  tf_add_unit_test(test_node_${class} SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_node_${class}.c
                   LIBS tf_node)
endforeach()
