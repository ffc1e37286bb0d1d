#  Chaos workloads: one program per kind, one shared implementation
foreach(kind random-restart partition pause)
  add_executable(tf-workload-chaos-${kind} ${CMAKE_CURRENT_LIST_DIR}/tf-workload-chaos-${kind}.c)
  target_link_libraries(tf-workload-chaos-${kind} PRIVATE tf_actors)
endforeach()
