#  Actors the spine's tests drive: a configurable test actor and the deployer
#  of runner `none` (a run without nodes). Sources in tests/actors/.
foreach(program tf-test-actor tf-deployer-none)
  add_executable(${program} ${CMAKE_SOURCE_DIR}/tests/actors/${program}.c)
  target_link_libraries(${program} PRIVATE tf_actors)
endforeach()
