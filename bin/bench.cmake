#  tf-bench-bus: phase round trips and feed throughput over the real sockets and codec
#  (bench/bus.sh builds it in Release and runs it). Built from the codec's own
#  sources, like test_tf_msg, so it measures the wire whatever else tf_proto holds.
find_package(Threads REQUIRED)
add_executable(tf-bench-bus ${CMAKE_SOURCE_DIR}/bench/bus.c ${CMAKE_SOURCE_DIR}/proto/tf_msg.c
               ${CMAKE_SOURCE_DIR}/proto/tf_phase.c)
target_include_directories(tf-bench-bus PRIVATE ${CMAKE_SOURCE_DIR}/proto)
target_link_libraries(tf-bench-bus PRIVATE PkgConfig::CZMQ PkgConfig::ZMQ PkgConfig::MSGPACK
                      Threads::Threads)
