#  Nodes on several hosts: tf agent in network namespaces the test makes (skipped
#  unless root with ip): the run passes with each node's host in report.json, and a
#  killed agent aborts the run naming its host with nothing left running.
foreach(mode pass killed)
  add_test(NAME test_agent_${mode}
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/test_agent.sh ${mode})
  set_tests_properties(test_agent_${mode} PROPERTIES LABELS integration TIMEOUT 240
    SKIP_RETURN_CODE 77
    ENVIRONMENT "TF_SOURCE_DIR=${CMAKE_SOURCE_DIR};TF_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
endforeach()
