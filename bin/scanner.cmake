#  The block scanner and the consensus liveness expectation
foreach(program tf-scanner tf-expect-consensus-liveness)
  add_executable(${program} ${CMAKE_CURRENT_LIST_DIR}/${program}.c)
  target_link_libraries(${program} PRIVATE tf_actors)
endforeach()
