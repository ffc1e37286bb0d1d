#  The supervisor: tf run, tf validate
add_executable(tf ${CMAKE_CURRENT_LIST_DIR}/tf.c)
target_link_libraries(tf PRIVATE tf_actors)
