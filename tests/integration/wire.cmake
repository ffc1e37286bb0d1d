#  The wire spec's example actor (proto/PROTOCOL.md, Python) against the real coordinator.
#  Skipped when no python3 with pyzmq and msgpack is installed.
add_test(NAME test_python_actor
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/test_python_actor.sh)
set_tests_properties(test_python_actor PROPERTIES LABELS integration TIMEOUT 120
  SKIP_RETURN_CODE 77
  ENVIRONMENT "TF_SOURCE_DIR=${CMAKE_SOURCE_DIR};TF_BIN_DIR=${CMAKE_BINARY_DIR}/bin")

#  A run on tcp with CURVE and a custom actor that joins with run.json and an
#  allowed certificate: the C runtime (and a refused stranger), tfactor (skipped
#  without pyzmq's CURVE), a joined actor killed in execute, and the first across
#  two network namespaces the test makes (skipped unless root with ip).
foreach(mode c python killed netns)
  add_test(NAME test_remote_actor_${mode}
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/test_remote_actor.sh ${mode})
  set_tests_properties(test_remote_actor_${mode} PROPERTIES LABELS integration TIMEOUT 180
    SKIP_RETURN_CODE 77
    ENVIRONMENT "TF_SOURCE_DIR=${CMAKE_SOURCE_DIR};TF_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
endforeach()
