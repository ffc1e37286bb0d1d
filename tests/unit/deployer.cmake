#  Unit tests of the local deployer's pieces: keys, topology, genesis, configs, readiness,
#  node processes
foreach(name keys topology genesis config readiness proc)
  tf_add_unit_test(test_deployer_${name}
                   SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_deployer_${name}.c
                   LIBS tf_deployers PkgConfig::YAML)
endforeach()
