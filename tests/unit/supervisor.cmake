#  Unit tests of the supervisor's parts: process spawning, progress, its own logic
foreach(class tf_spawn tf_progress tf_supervisor tf_verdict_lines)
  tf_add_unit_test(test_${class} SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_${class}.c
                   LIBS tf_supervisor)
endforeach()

#  CURVE for tcp runs: certificates, run.json, the ZAP handler, --listen
tf_add_unit_test(test_tf_curve SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_curve.c
                 LIBS tf_supervisor)
