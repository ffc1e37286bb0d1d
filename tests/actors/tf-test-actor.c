//  tf-test-actor - a configurable actor for the spine's tests, and the usage
//  example of the actor runtime (actors/runtime/tf_actor.h)
//
//  A workload or an expectation that does nothing but follow the phases, and
//  misbehaves on request: fails its verdict, crashes, hangs or acks late.
//  Emits expect.result (expectations, in evaluate) and run.phase.ack.

#include <signal.h>
#include <sys/resource.h>
#include "tf_actor.h"

typedef struct {
    const char *role;  //  "workload" | "expectation"
    const char *fail;  //  Failed verdict's message, or NULL
    int crash_in;      //  Phase that aborts the process, or -1
    int hang_in;       //  Phase never acknowledged, or -1
    long ack_delay_ms; //  Delay before each ack
    long linger_ms;    //  Stay this long after the run, deaf to SIGTERM
} s_test_t;

//  An expectation's verdict goes out before its evaluate ack
static void
s_judge (tf_actor_t *actor, s_test_t *test)
{
    if (strcmp (test->role, "expectation") != 0 || tf_actor_phase (actor) != TF_PHASE_EVALUATE)
        return;
    tf_actor_send_result (actor, test->fail == NULL, test->fail ? test->fail : "all good", NULL, 0);
}

static int
s_on_phase (tf_actor_t *actor, void *state, tf_phase_t phase)
{
    s_test_t *test = (s_test_t *) state;
    if ((int) phase == test->crash_in) {
        struct rlimit no_core = {0, 0};
        setrlimit (RLIMIT_CORE, &no_core); //  A crash on purpose leaves no core file
        abort ();
    }
    if ((int) phase == test->hang_in)
        return TF_ACTOR_PENDING; //  Never acknowledged
    if (test->ack_delay_ms > 0) {
        tf_actor_set_timer (actor, test->ack_delay_ms);
        return TF_ACTOR_PENDING;
    }
    s_judge (actor, test);
    return TF_ACTOR_ACK;
}

static int
s_on_timer (tf_actor_t *actor, void *state)
{
    s_judge (actor, (s_test_t *) state);
    return tf_actor_phase_done (actor, true, NULL);
}

//  Take our own options out of argv; the runtime parses the rest
static int
s_take_options (s_test_t *test, int *argc, char **argv)
{
    int kept = 1;
    for (int index = 1; index < *argc; index++) {
        const char *flag = argv[index];
        bool ours = !strcmp (flag, "--fail") || !strcmp (flag, "--crash-in")
                    || !strcmp (flag, "--hang-in") || !strcmp (flag, "--ack-delay-ms")
                    || !strcmp (flag, "--linger-ms");
        if (!ours) {
            argv[kept++] = argv[index];
            continue;
        }
        if (index + 1 >= *argc)
            return fprintf (stderr, "tf-test-actor: %s needs a value\n", flag), -1;
        const char *value = argv[++index];
        if (!strcmp (flag, "--fail"))
            test->fail = value;
        else if (!strcmp (flag, "--ack-delay-ms"))
            test->ack_delay_ms = atol (value);
        else if (!strcmp (flag, "--linger-ms"))
            test->linger_ms = atol (value);
        else {
            int phase = tf_phase_by_name (value);
            if (phase < 0)
                return fprintf (stderr, "tf-test-actor: unknown phase '%s'\n", value), -1;
            *(!strcmp (flag, "--crash-in") ? &test->crash_in : &test->hang_in) = phase;
        }
    }
    *argc = kept;
    argv[kept] = NULL;
    return 0;
}

//  The one test of this process, for the class's create
static s_test_t *s_the_test;

//  The role is the runtime's (--role or TF_ACTOR_ROLE, as the plan gives it)
static void *
s_state (const tf_actor_config_t *config)
{
    if (strcmp (config->role, "workload") && strcmp (config->role, "expectation")) {
        fprintf (stderr, "tf-test-actor: --role is workload or expectation, got '%s'\n",
                 config->role);
        return NULL;
    }
    s_the_test->role = config->role;
    return s_the_test;
}

int
main (int argc, char **argv)
{
    s_test_t test = {.role = "workload", .crash_in = -1, .hang_in = -1};
    if (s_take_options (&test, &argc, argv))
        return TF_EXIT_USAGE;
    //  The handlers see this run's test, so the class is made here, not as a constant
    tf_actor_handlers_t handlers = {.phase = s_on_phase, .timer = s_on_timer};
    tf_actor_class_t actor_class = {
        .program = "tf-test-actor",
        .role = test.role,
        .kind = "test",
        .summary =
            "A test actor, a workload or (--role) an expectation. Also: --fail MESSAGE (failed\n"
            "verdict), --crash-in PHASE (abort), --hang-in PHASE (never ack),\n"
            "--ack-delay-ms N, --linger-ms N (outstay the run by N ms, ignoring SIGTERM).\n",
        .create = s_state,
        .handlers = &handlers};
    s_the_test = &test;
    int rc = tf_actor_main (argc, argv, &actor_class);
    if (test.linger_ms > 0) {
        //  A stubborn process: only SIGKILL ends it before its time
        signal (SIGTERM, SIG_IGN);
        int64_t until = zclock_mono () + test.linger_ms;
        while (zclock_mono () < until)
            zclock_sleep ((int) (until - zclock_mono ()));
    }
    return rc;
}
