#  tf-test-fault: a test workload that breaks nodes at the start of execute
#  (source in tests/actors/), for the consensus liveness failure tests
add_executable(tf-test-fault ${CMAKE_SOURCE_DIR}/tests/actors/tf-test-fault.c)
target_link_libraries(tf-test-fault PRIVATE tf_actors)
