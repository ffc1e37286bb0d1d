#  Unit tests of the deployers' pieces: keys, topology, genesis, configs, readiness,
#  the driver with a fake backend, and the local runner's node table
foreach(name keys topology genesis spec readiness)
  tf_add_unit_test(test_deployer_${name}
                   SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_deployer_${name}.c
                   LIBS tf_deployers PkgConfig::YAML)
endforeach()
tf_add_unit_test(test_deployer_driver SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_deployer_driver.c
                 LIBS tf_deployers)
tf_add_unit_test(test_local_nodes SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_local_nodes.c
                 LIBS tf_deployer_local)
