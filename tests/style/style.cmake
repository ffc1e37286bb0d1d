#  House rules the compiler does not check
add_test(NAME test_format COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/check-format.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(test_format PROPERTIES LABELS unit TIMEOUT 120 SKIP_RETURN_CODE 77)
#  Headers: no two share a file name or an include guard; nothing after the guard
add_test(NAME test_headers COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/check-headers.sh
                                   ${CMAKE_SOURCE_DIR})
set_tests_properties(test_headers PROPERTIES LABELS unit TIMEOUT 60 SKIP_RETURN_CODE 77)
#  Programs: every bin/*.c is a thin main() of at most 30 lines
add_test(NAME test_mains COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/check-mains.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(test_mains PROPERTIES LABELS unit TIMEOUT 60)
#  Programs: every one answers --help with its usage and exit 0
add_test(NAME test_help COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/check-help.sh ${CMAKE_BINARY_DIR})
set_tests_properties(test_help PROPERTIES LABELS unit TIMEOUT 120)
