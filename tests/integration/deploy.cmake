#  The local deployer through real `tf run`s (stand-in nodes and real tf-nodes)
tf_add_integration_test(test_deploy_local
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_deploy_local.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 300)
target_include_directories(test_deploy_local PRIVATE ${CMAKE_CURRENT_LIST_DIR})
#  Node control requests from an actor the test attaches itself
tf_add_integration_test(test_deploy_control
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_deploy_control.c ${CMAKE_CURRENT_LIST_DIR}/spine_harness.c
  LIBS tf_runtime PkgConfig::CZMQ PkgConfig::JANSSON
  TIMEOUT 180)
target_include_directories(test_deploy_control PRIVATE ${CMAKE_CURRENT_LIST_DIR})
#  run-examples.sh on the host runner with this build (a short passing run),
#  and k8s without a cluster (a kubeconfig pointing at a closed loopback port): exit 3
add_test(NAME test_deploy_run_examples_host
         COMMAND ${CMAKE_SOURCE_DIR}/scripts/run/run-examples.sh -t 3 -n 2 --no-setup host)
add_test(NAME test_deploy_run_examples_k8s_no_cluster
         COMMAND sh -c "k=$(mktemp) && \"$1\" \"$k\" && KUBECONFIG=$k \"$0\" -t 3 -n 2 --no-setup k8s; rc=$?; rm -f \"$k\"; test $rc -eq 3"
                 ${CMAKE_SOURCE_DIR}/scripts/run/run-examples.sh
                 ${CMAKE_SOURCE_DIR}/tests/k8s/closed_kubeconfig.sh)
set_tests_properties(test_deploy_run_examples_host test_deploy_run_examples_k8s_no_cluster
  PROPERTIES LABELS integration TIMEOUT 120 ENVIRONMENT "TF_BUILD_DIR=${CMAKE_BINARY_DIR};CI=true;${TF_TEST_KUBECONFIG_ENV}")
