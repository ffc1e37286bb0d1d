#  What a run leaves behind: run directory, report.json, junit.xml (xmllint),
#  report.html (headless chromium), replays of a passing, a failing and a
#  killed run (reuses the spine's harness)
tf_add_integration_test(test_artifacts
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_artifacts.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS tf_record tf_supervisor PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 300)
target_include_directories(test_artifacts PRIVATE ${CMAKE_CURRENT_LIST_DIR})
