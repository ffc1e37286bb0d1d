#  The replay runner's deployer
add_executable(tf-deployer-replay ${CMAKE_CURRENT_LIST_DIR}/tf-deployer-replay.c)
target_link_libraries(tf-deployer-replay PRIVATE tf_actors)
