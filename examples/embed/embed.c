//  embed - a C test that builds a plan with the builder, runs it with tf_run and
//  asserts on the verdict
//
//  Usage: embed [--minimum N] [--run-dir DIR]
//  Two local validators for 4 s on 200 ms slots, judged by consensus_liveness.
//  With --minimum N every validator must reach height N: 1000 cannot be reached
//  in 4 s, so the run fails (exit 1). Exits with the run's code (tf_exit.h).
//  Built against the installed tf (CMakeLists.txt beside it, or
//  cc embed.c $(pkg-config --cflags --libs tf)); docs/actors.md walks through it.

#include <tf/tf.h>

//  The plan: what a scenario file would say, made with the builder
static tf_plan_t *
s_make_plan (int64_t minimum)
{
    tf_plan_t *plan = tf_plan_new ("embedded_smoke");
    tf_plan_set_topology (plan, TF_NETWORK_STAR, 2, 0);
    tf_plan_set_slot (plan, 200, 0.5);
    tf_plan_set_security_param (plan, 3);
    tf_plan_set_duration_ms (plan, 4000);
    tf_plan_set_seed (plan, 7);
    tf_plan_item_t *liveness = tf_plan_add_expectation (plan, "consensus_liveness");
    tf_plan_item_set_int (liveness, "minimum", minimum);
    tf_plan_errors_t *errors = tf_plan_errors_new ();
    if (tf_plan_build (plan, errors)) {
        tf_plan_errors_print (errors, stderr);
        tf_plan_destroy (&plan);
    }
    tf_plan_errors_destroy (&errors);
    return plan;
}

int
main (int argc, char **argv)
{
    int64_t minimum = 0;
    const char *run_dir = NULL;
    for (int index = 1; index < argc; index++) {
        char *end = NULL;
        if (strcmp (argv[index], "--minimum") == 0 && index + 1 < argc) {
            minimum = strtoll (argv[++index], &end, 10);
            if (*end || end == argv[index] || minimum < 0) {
                fprintf (stderr, "embed: --minimum: expected a height, got '%s'\n", argv[index]);
                return TF_EXIT_USAGE;
            }
        }
        else if (strcmp (argv[index], "--run-dir") == 0 && index + 1 < argc)
            run_dir = argv[++index];
        else {
            fprintf (stderr, "usage: embed [--minimum N] [--run-dir DIR]\n");
            return TF_EXIT_USAGE;
        }
    }
    zsys_init ();
    tf_plan_t *plan = s_make_plan (minimum);
    if (!plan)
        return TF_EXIT_USAGE;
    tf_run_options_t options = {.run_dir = run_dir, .keep_run_dir = true};
    tf_run_t *run = tf_run_new (plan, &options);
    tf_plan_destroy (&plan); //  The run has its own copy
    if (!run)
        return TF_EXIT_USAGE;
    int code = tf_run_wait (run);

    //  What a test asserts: a verdict that agrees with the exit code, and a report
    const char *verdict = tf_run_verdict (run);
    const char *report = tf_run_report_path (run);
    printf ("embed: exit %d, verdict %s, report %s\n", code, verdict ? verdict : "none",
            report ? report : "none");
    assert (code == tf_run_exit_code (run));
    assert (verdict && report);
    assert ((code == TF_EXIT_OK) == (strcmp (verdict, "passed") == 0));
    assert ((code == TF_EXIT_FAILED) == (strcmp (verdict, "failed") == 0));
    tf_run_destroy (&run);
    return code;
}
