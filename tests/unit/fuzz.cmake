#  The libFuzzer targets (tests/fuzz/README.md), built only with TF_FUZZ=ON (top-level
#  CMakeLists.txt): `cmake --build build-fuzz --target tf_fuzz` builds them alone, and
#  each has a short smoke run in ctest, label fuzz, seeded from tests/fuzz/corpus/<name>.
if(TF_FUZZ)
  add_custom_target(tf_fuzz)

  #  tf_add_fuzz_target(NAME SOURCES... LIBS ...): one fuzzer, one smoke test
  function(tf_add_fuzz_target name)
    cmake_parse_arguments(F "" "" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${F_SOURCES})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE ${F_LIBS})
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    add_dependencies(tf_fuzz ${name})
    add_test(NAME ${name}_smoke
             COMMAND sh ${CMAKE_SOURCE_DIR}/tests/fuzz/run.sh --smoke $<TARGET_FILE:${name}>
                     ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name})
    set_tests_properties(${name}_smoke PROPERTIES LABELS fuzz TIMEOUT 120)
  endfunction()

  set(TF_FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)
  #  The wire decoder: every message id
  tf_add_fuzz_target(fuzz_tf_msg SOURCES ${TF_FUZZ_DIR}/fuzz_tf_msg.c LIBS tf_proto)
  #  The packed plan decoder, then what actors do with a plan
  tf_add_fuzz_target(fuzz_tf_plan SOURCES ${TF_FUZZ_DIR}/fuzz_tf_plan.c
                     ${TF_FUZZ_DIR}/fuzz_plan_checks.c LIBS tf_proto)
  #  The YAML scenario loader, and the printer that must give back the same plan
  tf_add_fuzz_target(fuzz_tf_plan_yaml SOURCES ${TF_FUZZ_DIR}/fuzz_tf_plan_yaml.c
                     ${TF_FUZZ_DIR}/fuzz_plan_checks.c LIBS tf_proto)
  #  tf-node's HTTP routes, answered in process by a real node
  tf_add_fuzz_target(fuzz_tf_node_api SOURCES ${TF_FUZZ_DIR}/fuzz_tf_node_api.c LIBS tf_node)
  #  The bus recording: its reader, summary and details search
  tf_add_fuzz_target(fuzz_tf_recording SOURCES ${TF_FUZZ_DIR}/fuzz_tf_recording.c LIBS tf_record)
endif()
