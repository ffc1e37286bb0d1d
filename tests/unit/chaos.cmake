#  Unit tests of chaos: seeded schedules (determinism, safety rule, refusals,
#  delays and per-node cooldown) and the seeded random numbers behind them
tf_add_unit_test(test_tf_chaos SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_tf_chaos.c
                 LIBS tf_workloads)
