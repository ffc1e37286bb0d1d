#  Unit tests of what a run leaves behind: tf clean, report.json / junit.xml / report.html
tf_add_unit_test(test_tf_clean SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_clean.c
                 LIBS tf_supervisor)
tf_add_unit_test(test_tf_report SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_report.c
                 LIBS tf_report)
tf_add_unit_test(test_tf_recording_summary
                 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_recording_summary.c LIBS tf_record)
tf_add_unit_test(test_report_rates SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_report_rates.c
                 LIBS tf_report)
tf_add_unit_test(test_report_lanes SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_report_lanes.c
                 LIBS tf_report)
