#  Fuzzing the wire decoder (tests/fuzz): libFuzzer, clang only, off by default.
#  tests/fuzz/run.sh builds it and fuzzes for a while, seeded with the golden vectors.
option(TF_FUZZ "Build the libFuzzer target of the wire decoder (needs clang)" OFF)
if(TF_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TF_FUZZ=ON needs clang (libFuzzer): configure with CC=clang")
  endif()
  add_executable(fuzz_tf_msg ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_tf_msg.c
                 ${CMAKE_SOURCE_DIR}/proto/tf_msg.c ${CMAKE_SOURCE_DIR}/proto/tf_mpack.c)
  target_include_directories(fuzz_tf_msg PRIVATE ${CMAKE_SOURCE_DIR}/proto)
  target_compile_options(fuzz_tf_msg PRIVATE -fsanitize=fuzzer,address,undefined
                         -fno-sanitize-recover=all)
  target_link_options(fuzz_tf_msg PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(fuzz_tf_msg PRIVATE PkgConfig::CZMQ PkgConfig::ZMQ PkgConfig::MSGPACK)
  set_target_properties(fuzz_tf_msg PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  #  A short smoke run in ctest: the seeds plus a few thousand mutations
  add_test(NAME fuzz_tf_msg_smoke
           COMMAND sh ${CMAKE_SOURCE_DIR}/tests/fuzz/run.sh --smoke $<TARGET_FILE:fuzz_tf_msg>)
  set_tests_properties(fuzz_tf_msg_smoke PROPERTIES LABELS fuzz TIMEOUT 120)
endif()
