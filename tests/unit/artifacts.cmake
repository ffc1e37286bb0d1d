#  Unit tests of what a run leaves behind: tf clean, report.json / junit.xml / report.html
foreach(class tf_clean tf_report tf_recording_summary)
  tf_add_unit_test(test_${class} SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_${class}.c
                   LIBS tf_actors)
endforeach()
