#  tf-node, the bundled reference node (library in node/)
add_executable(tf-node ${CMAKE_CURRENT_LIST_DIR}/tf-node.c)
target_link_libraries(tf-node PRIVATE tf_node)
#  Config and tx generator for bench/node.sh
add_executable(tf-node-benchgen ${CMAKE_SOURCE_DIR}/bench/node_benchgen.c)
target_link_libraries(tf-node-benchgen PRIVATE tf_node)
