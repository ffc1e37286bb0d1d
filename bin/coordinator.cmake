#  The coordinator
add_executable(tf-coordinator ${CMAKE_CURRENT_LIST_DIR}/tf-coordinator.c)
target_link_libraries(tf-coordinator PRIVATE tf_actors)
