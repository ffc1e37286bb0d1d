#  The installed tree: `cmake --install` into a temporary prefix, then
#    test_install_library   the public headers compile alone (C11 and C++), libtf.so
#                           exports only tf_ symbols, the link interface is clean,
#                           no private header is installed;
#    test_install_examples  examples/c-actor and examples/embed built there with CMake
#                           and pkg-config, run on local nodes, passing and failing;
#    test_install_python    the tfactor client's example actors on local nodes;
#    test_install_deb       cpack -G DEB packs the same tree.
#  Examples are built with this build's sanitizer flags, as libtf.so is.
if(TF_SANITIZER STREQUAL "none")
  set(TF_INSTALL_TEST_FLAGS "")
else()
  set(TF_INSTALL_TEST_FLAGS "-fsanitize=${TF_SANITIZER}")
endif()
foreach(part library examples python deb)
  add_test(NAME test_install_${part}
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/test_install.sh ${part})
  set_tests_properties(test_install_${part} PROPERTIES SKIP_RETURN_CODE 77
    ENVIRONMENT "TF_SOURCE_DIR=${CMAKE_SOURCE_DIR};TF_BUILD_DIR=${CMAKE_BINARY_DIR};TF_EXAMPLE_FLAGS=${TF_INSTALL_TEST_FLAGS};TF_CMAKE=${CMAKE_COMMAND}")
endforeach()
set_tests_properties(test_install_library PROPERTIES LABELS unit TIMEOUT 180)
set_tests_properties(test_install_examples PROPERTIES LABELS integration TIMEOUT 400)
set_tests_properties(test_install_python PROPERTIES LABELS integration TIMEOUT 300)
set_tests_properties(test_install_deb PROPERTIES LABELS integration TIMEOUT 300)
#  docs/actors.md shows the examples line for line
add_test(NAME test_actors_doc COMMAND sh ${CMAKE_SOURCE_DIR}/tests/docs/check-actors-doc.sh
                                      ${CMAKE_SOURCE_DIR})
set_tests_properties(test_actors_doc PROPERTIES LABELS unit TIMEOUT 30)
