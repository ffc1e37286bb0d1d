#  tf-node, the bundled reference node (library in node/)
add_executable(tf-node ${CMAKE_CURRENT_LIST_DIR}/tf-node.c)
target_link_libraries(tf-node PRIVATE tf_node)
