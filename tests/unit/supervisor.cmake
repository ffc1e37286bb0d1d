#  Unit tests of the supervisor's parts: process spawning
tf_add_unit_test(test_tf_spawn SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_spawn.c
                 LIBS tf_actors)
