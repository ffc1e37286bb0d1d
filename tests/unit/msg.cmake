#  Unit tests of the wire codec: round trips, golden vectors (tests/data/golden), rejection.
#  Built from the codec's own sources (and its msgpack helpers), so the wire is tested
#  whatever else tf_proto holds.
tf_add_unit_test(test_tf_msg SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_msg.c
                 ${CMAKE_SOURCE_DIR}/proto/tf_msg.c ${CMAKE_SOURCE_DIR}/proto/tf_mpack.c
                 LIBS PkgConfig::CZMQ PkgConfig::ZMQ PkgConfig::MSGPACK)
target_include_directories(test_tf_msg PRIVATE ${CMAKE_SOURCE_DIR}/proto)
