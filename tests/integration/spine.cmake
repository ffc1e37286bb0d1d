#  The spine: tf, the coordinator, the actor runtime and test actors, run for real
set(SPINE_DIR ${CMAKE_CURRENT_LIST_DIR})
foreach(suite verdicts faults cli)
  tf_add_integration_test(test_spine_${suite}
    SOURCES ${SPINE_DIR}/test_spine_${suite}.c ${SPINE_DIR}/spine_harness.c
    LIBS tf_proto PkgConfig::CZMQ PkgConfig::JANSSON
    TIMEOUT 240)
  target_include_directories(test_spine_${suite} PRIVATE ${SPINE_DIR})
endforeach()
#  The same with real nodes: the local deployer, the scanner and tf-node
tf_add_integration_test(test_spine_local
  SOURCES ${SPINE_DIR}/test_spine_local.c ${SPINE_DIR}/spine_harness.c
  LIBS PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 240)
target_include_directories(test_spine_local PRIVATE ${SPINE_DIR})
#  SIGKILL of each process in each phase, on real nodes (25 runs, then tf itself)
tf_add_integration_test(test_fault_matrix
  SOURCES ${SPINE_DIR}/test_fault_matrix.c ${SPINE_DIR}/spine_harness.c
  LIBS PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 600)
target_include_directories(test_fault_matrix PRIVATE ${SPINE_DIR})
