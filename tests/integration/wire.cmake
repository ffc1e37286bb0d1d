#  The wire spec's example actor (proto/PROTOCOL.md, Python) against the real coordinator.
#  Skipped when no python3 with pyzmq and msgpack is installed.
add_test(NAME test_python_actor
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/test_python_actor.sh)
set_tests_properties(test_python_actor PROPERTIES LABELS integration TIMEOUT 120
  SKIP_RETURN_CODE 77
  ENVIRONMENT "TF_SOURCE_DIR=${CMAKE_SOURCE_DIR};TF_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
