//  test_compose_stack - the compose runner's networks and addresses
//  (deployers/compose/tf_compose_stack.h): a /24 while the nodes fit one, a /19
//  past that, and every node's address inside its network up to the node limit

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tf_compose_stack.h"

//  An address as a host-order number
static uint32_t
s_number (const char *address)
{
    struct in_addr parsed;
    assert_int_equal (inet_pton (AF_INET, address, &parsed), 1);
    return ntohl (parsed.s_addr);
}

//  Every node of a run of count nodes, and cfgsync, is inside the network of each
//  candidate, neither its network nor its broadcast address, and none is taken twice
static void
s_assert_inside (size_t count)
{
    for (unsigned pick = 0; pick < 300; pick += 37) {
        char cidr[TF_COMPOSE_STACK_CIDR_SIZE], address[TF_COMPOSE_STACK_HOST_SIZE];
        tf_compose_stack_subnet (count, pick, cidr);
        char *slash = strchr (cidr, '/');
        assert_non_null (slash);
        *slash = 0;
        unsigned bits = (unsigned) atoi (slash + 1);
        uint32_t network = s_number (cidr);
        uint32_t size = 1u << (32 - bits);
        assert_int_equal (network % size, 0);
        uint32_t previous = 0;
        for (size_t node = 0; node < count; node++) {
            tf_compose_stack_host (count, pick, TF_COMPOSE_STACK_FIRST_HOST + node, address);
            uint32_t number = s_number (address);
            assert_true (number > network + TF_COMPOSE_STACK_CFGSYNC_HOST);
            assert_true (number < network + size - 1);
            assert_true (node == 0 || number == previous + 1);
            previous = number;
        }
        tf_compose_stack_host (count, pick, TF_COMPOSE_STACK_CFGSYNC_HOST, address);
        assert_int_equal (s_number (address), network + TF_COMPOSE_STACK_CFGSYNC_HOST);
    }
}

static void
test_tf_compose_stack_small_runs_keep_their_slash_24 (void **state)
{
    (void) state;
    char cidr[TF_COMPOSE_STACK_CIDR_SIZE], address[TF_COMPOSE_STACK_HOST_SIZE];
    tf_compose_stack_subnet (3, 7, cidr);
    assert_string_equal (cidr, "10.213.7.0/24");
    tf_compose_stack_host (3, 7, TF_COMPOSE_STACK_FIRST_HOST + 2, address);
    assert_string_equal (address, "10.213.7.12");
    tf_compose_stack_subnet (TF_COMPOSE_STACK_SMALL_MAX, 263, cidr);
    assert_string_equal (cidr, "10.213.7.0/24");
    tf_compose_stack_host (TF_COMPOSE_STACK_SMALL_MAX, 7,
                           TF_COMPOSE_STACK_FIRST_HOST + TF_COMPOSE_STACK_SMALL_MAX - 1, address);
    assert_string_equal (address, "10.213.7.253");
    s_assert_inside (TF_COMPOSE_STACK_SMALL_MAX);
}

static void
test_tf_compose_stack_large_runs_get_a_slash_19 (void **state)
{
    (void) state;
    char cidr[TF_COMPOSE_STACK_CIDR_SIZE], address[TF_COMPOSE_STACK_HOST_SIZE];
    tf_compose_stack_subnet (TF_COMPOSE_STACK_SMALL_MAX + 1, 3, cidr);
    assert_string_equal (cidr, "10.216.96.0/19");
    tf_compose_stack_subnet (1000, 11, cidr);
    assert_string_equal (cidr, "10.216.96.0/19");
    //  Node 999: host 1009 = 3 * 256 + 241
    tf_compose_stack_host (1000, 3, TF_COMPOSE_STACK_FIRST_HOST + 999, address);
    assert_string_equal (address, "10.216.99.241");
    tf_compose_stack_host (1000, 3, TF_COMPOSE_STACK_CFGSYNC_HOST, address);
    assert_string_equal (address, "10.216.96.2");
    s_assert_inside (TF_COMPOSE_STACK_SMALL_MAX + 1);
    s_assert_inside (TF_PLAN_MAX_NODES);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_compose_stack_small_runs_keep_their_slash_24),
        cmocka_unit_test (test_tf_compose_stack_large_runs_get_a_slash_19),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
