#  The k8s runner. Offline: `tf render` against golden copies and kubectl
#  kustomize (test_k8s_render), and a schema validation of the objects against
#  the Kubernetes OpenAPI definitions with npm's kubernetes-models, installed
#  into the build dir by `npm ci` (test_k8s_schema; skipped without npm or its
#  registry). Live: test_k8s (tests/integration/test_k8s.sh) runs only when a
#  cluster answers, else it checks the exit 3 and skips.
add_test(NAME test_k8s_render
  COMMAND ${CMAKE_SOURCE_DIR}/tests/k8s/test_render.sh ${CMAKE_BINARY_DIR}/bin ${CMAKE_SOURCE_DIR})
set_tests_properties(test_k8s_render PROPERTIES LABELS "integration;k8s" TIMEOUT 120
  SKIP_RETURN_CODE 77 ENVIRONMENT "${TF_TEST_KUBECONFIG_ENV}")
add_test(NAME test_k8s_schema
  COMMAND ${CMAKE_SOURCE_DIR}/tests/k8s/test_schema.sh ${CMAKE_BINARY_DIR}/bin ${CMAKE_SOURCE_DIR}
          ${CMAKE_BINARY_DIR}/k8s-validate)
set_tests_properties(test_k8s_schema PROPERTIES LABELS "integration;k8s" TIMEOUT 400
  SKIP_RETURN_CODE 77 ENVIRONMENT "${TF_TEST_KUBECONFIG_ENV}")
add_test(NAME test_k8s
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/test_k8s.sh ${CMAKE_BINARY_DIR}/bin ${CMAKE_SOURCE_DIR})
set_tests_properties(test_k8s PROPERTIES LABELS "integration;k8s" TIMEOUT 900
  SKIP_RETURN_CODE 77 RUN_SERIAL ON ENVIRONMENT "${TF_TEST_KUBECONFIG_ENV}")
