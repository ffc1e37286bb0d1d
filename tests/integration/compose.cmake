#  The compose runner through real runs on a real Docker engine (DOCKER_HOST).
#  test_compose skips (77) when no engine answers; scripts/test.sh starts one
#  when it can. test_compose_engine needs none.
tf_add_integration_test(test_compose
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_compose.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 400)
target_include_directories(test_compose PRIVATE ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(test_compose PROPERTIES SKIP_RETURN_CODE 77 RUN_SERIAL ON)
add_test(NAME test_compose_engine COMMAND test_compose engine)
set_tests_properties(test_compose_engine PROPERTIES LABELS integration TIMEOUT 120
  ENVIRONMENT "TF_TEST_DATA=${CMAKE_SOURCE_DIR}/tests/data;TF_BIN_DIR=${CMAKE_BINARY_DIR}/bin;TF_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
#  tf-cfgsync's server and client on loopback (no engine needed)
add_test(NAME test_cfgsync COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_cfgsync.sh ${CMAKE_BINARY_DIR}/bin)
set_tests_properties(test_cfgsync PROPERTIES LABELS integration TIMEOUT 60)
