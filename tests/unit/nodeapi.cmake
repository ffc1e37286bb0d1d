#  Unit tests of the node client room: the tx format's encoder, checked against tf-node's
#  own implementation (so it links the node's library too), and batches against fake
#  nodes on loopback
tf_add_unit_test(test_api_tx SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_api_tx.c
                 LIBS tf_nodeapi tf_node)
tf_add_unit_test(test_api_batch SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_api_batch.c
                 LIBS tf_nodeapi PkgConfig::MHD)
