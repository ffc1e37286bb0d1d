#  Unit tests of the core: recording, run metrics, report, coordinator
tf_add_unit_test(test_tf_recording SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_recording.c
                 LIBS tf_record)
