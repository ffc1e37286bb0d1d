#  Unit tests of the plan: model and builder, YAML loader and printer, wire form
tf_add_unit_test(test_tf_plan SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_plan.c LIBS tf_proto)
tf_add_unit_test(test_tf_plan_yaml SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_plan_yaml.c
                 LIBS tf_proto)
tf_add_unit_test(test_tf_plan_wire SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_plan_wire.c
                 LIBS tf_proto)
#  The catalogue of kinds and runners, and the listing tf catalog prints
tf_add_unit_test(test_tf_catalog SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_catalog.c
                 LIBS tf_proto)
tf_add_unit_test(test_tf_plan_external SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_plan_external.c
                 LIBS tf_proto)
tf_add_unit_test(test_tf_plan_hosts SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_plan_hosts.c
                 LIBS tf_proto)
