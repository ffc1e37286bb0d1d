#  The local deployer
add_executable(tf-deployer-local ${CMAKE_CURRENT_LIST_DIR}/tf-deployer-local.c)
target_link_libraries(tf-deployer-local PRIVATE tf_deployers)
