#  The block scanner and the consensus liveness expectation
foreach(program tf-scanner tf-expect-consensus-liveness)
  add_executable(${program} ${CMAKE_CURRENT_LIST_DIR}/${program}.c)
  target_link_libraries(${program} PRIVATE tf_actors)
endforeach()
#  bench/feed.sh's feed subscriber
add_executable(feed_probe ${CMAKE_SOURCE_DIR}/bench/feed_probe.c)
target_link_libraries(feed_probe PRIVATE tf_proto PkgConfig::CZMQ)
set_target_properties(feed_probe PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
