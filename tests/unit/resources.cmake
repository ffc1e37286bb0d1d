#  Unit tests of resource evidence: sizes, the deployer's per-node accounts of
#  /proc samples, and the node_resources judge (no network, no nodes)
tf_add_unit_test(test_tf_resources SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_resources.c
                 LIBS tf_deployers tf_expectations)
