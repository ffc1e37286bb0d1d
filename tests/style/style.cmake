#  House rules the compiler does not check: formatting (.clang-format)
add_test(NAME test_format COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/check-format.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(test_format PROPERTIES LABELS unit TIMEOUT 120 SKIP_RETURN_CODE 77)
