//  test_deployer_backends - every backend the build has against the
//  catalogue: its runner is there, its program is the catalogue's, it has the
//  required ops, it runs on the one deployer driver, and it has a control op
//  exactly when the catalogue gives its runner node-control actions
//  (deployers/tf_deployer.h, proto/tf_catalog.h); and the node profiles the
//  catalogue lets scenarios name are the deployers' profiles

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tf_catalog.h"
#include "tf_deployer.h"
#include "test_deployer_backends.h"

//  Every backend's class, by TF_DEPLOYER_BACKENDS (deployers/CMakeLists.txt)
#define S_DECLARE(runner) extern const tf_deployer_class_t tf_deployer_##runner##_class;
TF_TEST_BACKENDS (S_DECLARE)
#define S_ENTRY(runner) {#runner, &tf_deployer_##runner##_class},

typedef struct {
    const char *folder;                 //  deployers/<folder>
    const tf_deployer_class_t *backend; //  Its class
} s_backend_t;

static const s_backend_t s_backends[] = {TF_TEST_BACKENDS (S_ENTRY)};
#define S_BACKEND_COUNT (sizeof s_backends / sizeof s_backends[0])

static void
test_tf_deployer_backends_match_the_catalogue (void **state)
{
    (void) state;
    assert_true (S_BACKEND_COUNT >= 2); //  local and none at least
    for (size_t index = 0; index < S_BACKEND_COUNT; index++) {
        const tf_deployer_class_t *backend = s_backends[index].backend;
        const tf_deployer_ops_t *ops = backend->ops;
        assert_non_null (ops);
        print_message ("backend %s: runner %s\n", s_backends[index].folder, ops->runner);
        assert_string_equal (ops->runner, s_backends[index].folder);
        const tf_catalog_runner_t *runner = tf_catalog_runner (ops->runner);
        assert_non_null (runner);
        assert_string_equal (backend->actor_class.program, runner->program);
        assert_string_equal (backend->actor_class.kind, runner->name);
        assert_string_equal (backend->actor_class.role, "deployer");
        //  The one driver runs it
        assert_ptr_equal (backend->actor_class.create, tf_deployer_create);
        assert_ptr_equal (backend->actor_class.destroy, tf_deployer_destroy);
        assert_ptr_equal (backend->actor_class.handlers, &tf_deployer_handlers);
        assert_non_null (backend->actor_class.summary);
        //  Required ops
        assert_non_null (ops->create);
        assert_non_null (ops->destroy);
        assert_non_null (ops->deploy);
        assert_true ((ops->stages & ~TF_READINESS_ALL) == 0);
        //  Node control exactly when the catalogue says the runner can
        if ((ops->control != NULL) != (runner->actions != 0))
            fail_msg ("runner %s: control op %s but catalogue actions 0x%x", runner->name,
                      ops->control ? "set" : "NULL", runner->actions);
    }
}

//  The profiles the validator accepts are the ones the deployers have
static void
test_tf_deployer_profiles_match_the_catalogue (void **state)
{
    (void) state;
    assert_int_equal (tf_catalog_profile_count (), tf_profile_count ());
    for (size_t index = 0; index < tf_catalog_profile_count (); index++) {
        const char *name = tf_catalog_profile_at (index);
        const tf_profile_t *profile = tf_profile_find (name);
        if (!profile)
            fail_msg ("profile %s is in the catalogue but not in deployers/tf_profile.c", name);
        assert_string_equal (profile->name, name);
    }
    assert_false (tf_catalog_profile ("geth"));
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_tf_deployer_backends_match_the_catalogue),
        cmocka_unit_test (test_tf_deployer_profiles_match_the_catalogue),
    };
    return cmocka_run_group_tests_name ("tf_deployer_backends", tests, NULL, NULL);
}
