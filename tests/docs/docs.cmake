#  The docs tell the truth: their yaml blocks validate as they say, their runnable
#  sh blocks exit as they say, the scenario reference lists exactly the loader's
#  keys and the catalogue's knobs and runners, and every program answers --help
#  (python3; skipped without it). See check-docs.py for the markers.
find_program(TF_PYTHON3 python3)
if(TF_PYTHON3)
  add_test(NAME test_docs COMMAND ${TF_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/check-docs.py
                                  ${CMAKE_SOURCE_DIR} $<TARGET_FILE:tf>)
  set_tests_properties(test_docs PROPERTIES LABELS unit TIMEOUT 120
    ENVIRONMENT "${TF_TEST_KUBECONFIG_ENV}")
else()
  message(STATUS "python3 not found: test_docs is not registered")
endif()
