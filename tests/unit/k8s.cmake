#  Unit tests of the k8s runner's pieces that need no cluster (manifests, names,
#  the partition's NetworkPolicies)
tf_add_unit_test(test_k8s_manifests SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_k8s_manifests.c
                 LIBS tf_deployer_k8s)
