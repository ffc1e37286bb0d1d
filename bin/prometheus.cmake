#  The prometheus_block_production expectation
add_executable(tf-expect-prometheus-block-production
               ${CMAKE_CURRENT_LIST_DIR}/tf-expect-prometheus-block-production.c)
target_link_libraries(tf-expect-prometheus-block-production PRIVATE tf_actors)
