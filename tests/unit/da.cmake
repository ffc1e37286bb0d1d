#  Unit tests of the DA workload's plan and the da_inclusion judge (no network)
tf_add_unit_test(test_da_judge SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_da_judge.c
                 LIBS tf_expectations)
tf_add_unit_test(test_da_plan SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_da_plan.c
                 LIBS tf_workloads)
