//  test_deployer_topology - initial peers and expected peer counts (deployers/tf_topology.h)

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include "tf_topology.h"

#define NODES 5

static void
s_assert_degrees (tf_network_t network, uint32_t count, const uint32_t *expected)
{
    for (uint32_t node = 0; node < count; node++)
        assert_int_equal (tf_topology_degree (network, count, node), expected[node]);
}

static void
test_tf_topology_star_hub_sees_everyone (void **state)
{
    (void) state;
    const uint32_t expected[NODES] = {4, 1, 1, 1, 1};
    s_assert_degrees (TF_NETWORK_STAR, NODES, expected);
    uint32_t peers[NODES];
    assert_int_equal (tf_topology_initial_peers (TF_NETWORK_STAR, NODES, 0, peers, NODES), 0);
    assert_int_equal (tf_topology_initial_peers (TF_NETWORK_STAR, NODES, 3, peers, NODES), 1);
    assert_int_equal (peers[0], 0);
    //  The seeds' example: two nodes, each expects one peer
    const uint32_t pair[2] = {1, 1};
    s_assert_degrees (TF_NETWORK_STAR, 2, pair);
    const uint32_t alone[1] = {0};
    s_assert_degrees (TF_NETWORK_STAR, 1, alone);
}

static void
test_tf_topology_ring_links_neighbours (void **state)
{
    (void) state;
    const uint32_t expected[NODES] = {2, 2, 2, 2, 2};
    s_assert_degrees (TF_NETWORK_RING, NODES, expected);
    uint32_t peers[NODES];
    assert_int_equal (tf_topology_initial_peers (TF_NETWORK_RING, NODES, 4, peers, NODES), 1);
    assert_int_equal (peers[0], 0);
    //  Two nodes list each other: still one peer each
    const uint32_t pair[2] = {1, 1};
    s_assert_degrees (TF_NETWORK_RING, 2, pair);
    const uint32_t alone[1] = {0};
    s_assert_degrees (TF_NETWORK_RING, 1, alone);
}

static void
test_tf_topology_full_links_everyone (void **state)
{
    (void) state;
    const uint32_t expected[NODES] = {4, 4, 4, 4, 4};
    s_assert_degrees (TF_NETWORK_FULL, NODES, expected);
    uint32_t peers[NODES];
    assert_int_equal (tf_topology_initial_peers (TF_NETWORK_FULL, NODES, 3, peers, NODES), 3);
    assert_int_equal (peers[0], 0);
    assert_int_equal (peers[2], 2);
    assert_int_equal (tf_topology_initial_peers (TF_NETWORK_FULL, NODES, 0, peers, NODES), 0);
}

//  The closed-form degree is the count of distinct nodes either side lists, for
//  every network and size up to 40, and the largest runs answer at once
static void
test_tf_topology_degree_counts_the_lists (void **state)
{
    (void) state;
    const tf_network_t networks[] = {TF_NETWORK_STAR, TF_NETWORK_RING, TF_NETWORK_FULL};
    uint32_t peers[40];
    for (size_t kind = 0; kind < 3; kind++)
        for (uint32_t count = 1; count <= 40; count++)
            for (uint32_t node = 0; node < count; node++) {
                bool linked[40] = {false};
                for (uint32_t other = 0; other < count; other++) {
                    size_t listed =
                        tf_topology_initial_peers (networks[kind], count, other, peers, 40);
                    for (size_t index = 0; index < listed; index++) {
                        if (other == node && peers[index] != node)
                            linked[peers[index]] = true;
                        if (peers[index] == node && other != node)
                            linked[other] = true;
                    }
                }
                uint32_t expected = 0;
                for (uint32_t other = 0; other < count; other++)
                    expected += linked[other];
                assert_int_equal (tf_topology_degree (networks[kind], count, node), expected);
            }
    for (uint32_t node = 0; node < TF_PLAN_MAX_NODES; node++)
        assert_int_equal (tf_topology_degree (TF_NETWORK_FULL, TF_PLAN_MAX_NODES, node),
                          TF_PLAN_MAX_NODES - 1);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_topology_degree_counts_the_lists),
        cmocka_unit_test (test_tf_topology_star_hub_sees_everyone),
        cmocka_unit_test (test_tf_topology_ring_links_neighbours),
        cmocka_unit_test (test_tf_topology_full_links_everyone),
    };
    return cmocka_run_group_tests_name ("tf_topology", tests, NULL, NULL);
}
