#  DA through real runs (reuses the spine's harness): Recipe 3 shortened passes, an
#  executor dropping dispersals and a validator losing its shares fail da_inclusion,
#  blobs survive an executor restart, and replays keep each verdict
add_dependencies(tf_programs tf-workload-da tf-expect-da-inclusion)
tf_add_integration_test(test_da
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_da.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS tf_record PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 240)
target_include_directories(test_da PRIVATE ${CMAKE_CURRENT_LIST_DIR})
