//  tf_node_proc.c - one node process (see tf_node_proc.h)
//
//  fork/exec rather than posix_spawn because the child must set its
//  parent-death signal between the two. Between fork and exec the child only
//  calls async-signal-safe functions: the environment is built before fork.

#include <czmq.h>
#include <sys/prctl.h>
#include "tf_node_proc.h"

extern char **environ;

#define TF_NODE_PROC_LOG_MODE 0600 //  Node logs are private to the run

pid_t
tf_node_proc_spawn (char *const argv[], const char *dir, const char *log_path,
                    char *const extra_env[])
{
    assert (argv && argv[0] && dir && log_path);
    int log_fd = open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, TF_NODE_PROC_LOG_MODE);
    if (log_fd < 0) {
        zsys_error ("node process: cannot open log path=%s error=\"%s\"", log_path,
                    strerror (errno));
        return -1;
    }
    //  Our environment, with extra_env replacing variables of the same name
    size_t inherited = 0, extra = 0;
    while (environ[inherited])
        inherited++;
    while (extra_env && extra_env[extra])
        extra++;
    char **envp = (char **) zmalloc ((inherited + extra + 1) * sizeof (char *));
    size_t used = 0;
    for (size_t index = 0; index < inherited; index++) {
        const char *equals = strchr (environ[index], '=');
        size_t key_length = equals ? (size_t) (equals - environ[index]) : strlen (environ[index]);
        bool replaced = false;
        for (size_t added = 0; added < extra && !replaced; added++)
            replaced = strncmp (extra_env[added], environ[index], key_length) == 0
                       && extra_env[added][key_length] == '=';
        if (!replaced)
            envp[used++] = environ[index];
    }
    for (size_t added = 0; added < extra; added++)
        envp[used++] = extra_env[added];
    envp[used] = NULL;

    pid_t parent = getpid ();
    pid_t pid = fork ();
    if (pid == 0) {
        //  Child: die with the deployer, whatever kills it
        if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid () != parent)
            _exit (TF_NODE_PROC_EXEC_FAILED);
        setpgid (0, 0);
        sigset_t none;
        sigemptyset (&none);
        sigprocmask (SIG_SETMASK, &none, NULL);
        signal (SIGINT, SIG_DFL);
        signal (SIGTERM, SIG_DFL);
        signal (SIGPIPE, SIG_DFL);
        int null_fd = open ("/dev/null", O_RDONLY);
        if (null_fd < 0 || dup2 (null_fd, STDIN_FILENO) < 0 || dup2 (log_fd, STDOUT_FILENO) < 0
            || dup2 (log_fd, STDERR_FILENO) < 0 || chdir (dir) != 0)
            _exit (TF_NODE_PROC_EXEC_FAILED);
        execve (argv[0], argv, envp);
        static const char failed[] = "tf-deployer-local: cannot execute the node binary\n";
        ssize_t ignored = write (STDERR_FILENO, failed, sizeof failed - 1);
        (void) ignored;
        _exit (TF_NODE_PROC_EXEC_FAILED);
    }
    int fork_errno = errno;
    if (pid > 0)
        setpgid (pid, pid); //  Also here: whichever runs first wins the race
    free (envp);
    close (log_fd);
    if (pid < 0) {
        zsys_error ("node process: fork failed program=%s error=\"%s\"", argv[0],
                    strerror (fork_errno));
        return -1;
    }
    return pid;
}

int
tf_node_proc_signal (pid_t pid, int signal_number)
{
    return pid > 0 ? kill (-pid, signal_number) : -1;
}

bool
tf_node_proc_reap (pid_t pid, int *status)
{
    assert (status);
    if (pid <= 0)
        return false;
    int collected = 0;
    pid_t rc = waitpid (pid, &collected, WNOHANG);
    if (rc != pid)
        return false;
    *status = collected;
    return true;
}

void
tf_node_proc_describe (int status, char out[TF_NODE_PROC_TEXT_SIZE])
{
    if (WIFEXITED (status))
        snprintf (out, TF_NODE_PROC_TEXT_SIZE, "exited with status %d", WEXITSTATUS (status));
    else if (WIFSIGNALED (status))
        snprintf (out, TF_NODE_PROC_TEXT_SIZE, "killed by signal %d (%s)", WTERMSIG (status),
                  strsignal (WTERMSIG (status)));
    else
        snprintf (out, TF_NODE_PROC_TEXT_SIZE, "ended with wait status %d", status);
}
