//  tf_spawn.c - one child process of a run: started safely, watched, stopped
//
//  fork/exec rather than posix_spawn, because the child must call prctl
//  (PR_SET_PDEATHSIG) between the two. Everything the child needs (argv, envp,
//  file descriptors) is prepared before the fork, so the child only makes
//  async-signal-safe calls. A close-on-exec pipe carries errno back to the
//  parent when execve fails, so a missing program is an error at start, not a
//  silent early exit.

#define _GNU_SOURCE //  pipe2, nftw
#include "tf_spawn.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TF_SPAWN_EXEC_FAILED 127  //  Child's exit code when execve fails
#define TF_SPAWN_LOG_MODE    0600 //  Logs may hold secrets of the run

extern char **environ;

struct _tf_spawn_t {
    char *name;                        //  For messages
    char *argv[TF_SPAWN_MAX_ARGS + 1]; //  NULL-terminated
    size_t argc;
    char *env[TF_SPAWN_MAX_ENV]; //  "KEY=value" added to the environment
    size_t env_count;
    pid_t pid;             //  0 until started
    bool reaped;           //  Status collected
    int status;            //  From waitpid, valid once reaped
    char description[128]; //  Last tf_spawn_describe
    char *log_path;        //  Where its output goes, once started
};

tf_spawn_t *
tf_spawn_new (const char *name)
{
    assert (name);
    tf_spawn_t *self = (tf_spawn_t *) zmalloc (sizeof (tf_spawn_t));
    self->name = strdup (name);
    assert (self->name);
    return self;
}

void
tf_spawn_destroy (tf_spawn_t **self_p)
{
    assert (self_p);
    tf_spawn_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->argc; index++)
        free (self->argv[index]);
    for (size_t index = 0; index < self->env_count; index++)
        free (self->env[index]);
    free (self->name);
    free (self->log_path);
    free (self);
    *self_p = NULL;
}

void
tf_spawn_arg (tf_spawn_t *self, const char *arg)
{
    assert (self && arg);
    assert (self->argc < TF_SPAWN_MAX_ARGS); //  Our programs take a handful of flags
    self->argv[self->argc] = strdup (arg);
    assert (self->argv[self->argc]);
    self->argc++;
}

//  Characters that make a command more than one simple command
#define TF_SPAWN_SHELL_SPECIALS ";&|<>()`{}!\n"

bool
tf_spawn_shell_is_simple (const char *command)
{
    assert (command);
    if (strpbrk (command, TF_SPAWN_SHELL_SPECIALS))
        return false;
    //  The first word must be a command, not an assignment or a reserved word
    const char *start = command + strspn (command, " \t");
    size_t length = strcspn (start, " \t");
    if (length == 0)
        return false;
    const char *equals = memchr (start, '=', length);
    if (equals)
        return false;
    static const char *reserved[] = {"if",   "then",  "else",  "elif", "fi", "do",   "done", "case",
                                     "esac", "while", "until", "for",  "in", "exec", NULL};
    for (size_t index = 0; reserved[index]; index++)
        if (strlen (reserved[index]) == length && memcmp (start, reserved[index], length) == 0)
            return false;
    return true;
}

void
tf_spawn_shell (tf_spawn_t *self, const char *command)
{
    assert (self && command && self->argc == 0);
    tf_spawn_arg (self, TF_SPAWN_SHELL);
    tf_spawn_arg (self, "-c");
    if (tf_spawn_shell_is_simple (command)) {
        char *exec_command = zsys_sprintf ("exec %s", command);
        tf_spawn_arg (self, exec_command);
        zstr_free (&exec_command);
    }
    else
        tf_spawn_arg (self, command);
}

void
tf_spawn_setenv (tf_spawn_t *self, const char *key, const char *value)
{
    assert (self && key && value);
    char *entry = zsys_sprintf ("%s=%s", key, value);
    size_t key_length = strlen (key) + 1; //  Including the '='
    for (size_t index = 0; index < self->env_count; index++)
        if (strncmp (self->env[index], entry, key_length) == 0) {
            free (self->env[index]);
            self->env[index] = entry;
            return;
        }
    assert (self->env_count < TF_SPAWN_MAX_ENV);
    self->env[self->env_count++] = entry;
}

//  The child's environment: ours, minus what we override, plus our additions.
//  Caller frees the array (not the strings, which are borrowed).
static char **
s_build_env (tf_spawn_t *self)
{
    size_t inherited = 0;
    while (environ && environ[inherited])
        inherited++;
    char **envp = (char **) zmalloc ((inherited + self->env_count + 1) * sizeof (char *));
    size_t count = 0;
    for (size_t index = 0; index < inherited; index++) {
        bool overridden = false;
        for (size_t added = 0; added < self->env_count && !overridden; added++) {
            size_t key_length = strcspn (self->env[added], "=") + 1;
            overridden = strncmp (environ[index], self->env[added], key_length) == 0;
        }
        if (!overridden)
            envp[count++] = environ[index];
    }
    for (size_t added = 0; added < self->env_count; added++)
        envp[count++] = self->env[added];
    envp[count] = NULL;
    return envp;
}

//  In the child, between fork and exec: async-signal-safe calls only
static void
s_child (tf_spawn_t *self, char **envp, pid_t parent, int null_fd, int log_fd, int error_fd)
{
    setpgid (0, 0);
    prctl (PR_SET_PDEATHSIG, SIGTERM);
    if (getppid () != parent)
        _exit (TF_SPAWN_EXEC_FAILED); //  tf died before prctl took effect
    //  Handlers do not survive exec, but ignored signals would: reset them all
    struct sigaction default_action;
    memset (&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    for (int signal_number = 1; signal_number < NSIG; signal_number++)
        sigaction (signal_number, &default_action, NULL);
    if (dup2 (null_fd, STDIN_FILENO) < 0 || dup2 (log_fd, STDOUT_FILENO) < 0
        || dup2 (log_fd, STDERR_FILENO) < 0) {
        int error = errno;
        ssize_t written = write (error_fd, &error, sizeof error);
        (void) written;
        _exit (TF_SPAWN_EXEC_FAILED);
    }
    sigset_t none;
    sigemptyset (&none);
    sigprocmask (SIG_SETMASK, &none, NULL);
    execve (self->argv[0], self->argv, envp);
    int error = errno;
    ssize_t written = write (error_fd, &error, sizeof error);
    (void) written;
    _exit (TF_SPAWN_EXEC_FAILED);
}

int
tf_spawn_start (tf_spawn_t *self, const char *log_path)
{
    assert (self && log_path);
    assert (self->argc > 0 && self->pid == 0);
    free (self->log_path);
    self->log_path = strdup (log_path);
    int rc = -1;
    int error_pipe[2] = {-1, -1};
    char **envp = NULL;
    int null_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
    int log_fd = open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, TF_SPAWN_LOG_MODE);
    if (null_fd < 0 || log_fd < 0) {
        zsys_error ("spawn: cannot open log name=%s path=%s error=\"%s\"", self->name, log_path,
                    strerror (errno));
        goto out;
    }
    if (pipe2 (error_pipe, O_CLOEXEC)) {
        zsys_error ("spawn: pipe failed name=%s error=\"%s\"", self->name, strerror (errno));
        goto out;
    }
    envp = s_build_env (self);
    //  Block every signal across the fork, so no handler of ours runs in the
    //  child before it has reset them
    sigset_t all, saved;
    sigfillset (&all);
    sigprocmask (SIG_SETMASK, &all, &saved);
    pid_t parent = getpid ();
    pid_t pid = fork ();
    if (pid == 0)
        s_child (self, envp, parent, null_fd, log_fd, error_pipe[1]);
    int fork_error = errno;
    if (pid > 0)
        setpgid (pid, pid); //  Also here: no window where it shares ours
    sigprocmask (SIG_SETMASK, &saved, NULL);
    if (pid < 0) {
        zsys_error ("spawn: fork failed name=%s error=\"%s\"", self->name, strerror (fork_error));
        goto out;
    }
    self->pid = pid;
    close (error_pipe[1]);
    error_pipe[1] = -1;
    int exec_error = 0;
    ssize_t got;
    do
        got = read (error_pipe[0], &exec_error, sizeof exec_error);
    while (got < 0 && errno == EINTR);
    if (got == (ssize_t) sizeof exec_error) {
        zsys_error ("spawn: cannot execute name=%s program=%s error=\"%s\"", self->name,
                    self->argv[0], strerror (exec_error));
        int status;
        while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
            ;
        self->reaped = true;
        self->status = status;
        goto out;
    }
    rc = 0;
out:
    free (envp);
    if (error_pipe[0] >= 0)
        close (error_pipe[0]);
    if (error_pipe[1] >= 0)
        close (error_pipe[1]);
    if (null_fd >= 0)
        close (null_fd);
    if (log_fd >= 0)
        close (log_fd);
    return rc;
}

void
tf_spawn_set_status (tf_spawn_t *self, int status)
{
    assert (self && !self->reaped);
    self->reaped = true;
    self->status = status;
}

int
tf_spawn_signal (tf_spawn_t *self, int signal_number)
{
    assert (self);
    if (!tf_spawn_running (self))
        return -1;
    //  The unreaped leader keeps its pid and the group id from being reused
    if (kill (-self->pid, signal_number) == 0)
        return 0;
    return kill (self->pid, signal_number);
}

const char *
tf_spawn_name (tf_spawn_t *self)
{
    assert (self);
    return self->name;
}

pid_t
tf_spawn_pid (tf_spawn_t *self)
{
    assert (self);
    return self->pid;
}

bool
tf_spawn_started (tf_spawn_t *self)
{
    assert (self);
    return self->pid > 0;
}

bool
tf_spawn_running (tf_spawn_t *self)
{
    assert (self);
    return self->pid > 0 && !self->reaped;
}

int
tf_spawn_exit_code (tf_spawn_t *self)
{
    assert (self);
    return (self->reaped && WIFEXITED (self->status)) ? WEXITSTATUS (self->status) : -1;
}

int
tf_spawn_term_signal (tf_spawn_t *self)
{
    assert (self);
    return (self->reaped && WIFSIGNALED (self->status)) ? WTERMSIG (self->status) : 0;
}

bool
tf_spawn_last_error (tf_spawn_t *self, char *text, size_t size)
{
    assert (self && text && size);
    int fd = self->log_path ? open (self->log_path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0)
        return false;
    char *tail = (char *) zmalloc (TF_SPAWN_TAIL_BYTES + 1);
    off_t end = lseek (fd, 0, SEEK_END);
    off_t from = end > TF_SPAWN_TAIL_BYTES ? end - TF_SPAWN_TAIL_BYTES : 0;
    ssize_t got = end > 0 ? pread (fd, tail, TF_SPAWN_TAIL_BYTES, from) : 0;
    close (fd);
    const char *found = NULL;
    for (char *line = tail; got > 0 && line < tail + got;) {
        char *newline = strchr (line, '\n');
        if (newline)
            *newline = 0;
        if (strncmp (line, "E: ", 3) == 0)
            found = line;
        if (!newline)
            break;
        line = newline + 1;
    }
    //  "E: (tf-deployer-local) 26-12-05 05:24:20 text": the text after the time
    const char *message = found ? found + 3 : NULL;
    if (message && *message == '(' && strstr (message, ") "))
        message = strstr (message, ") ") + 2;
    int stamp = 0; //  "YY-MM-DD HH:MM:SS " when CZMQ wrote the line
    unsigned parts[6];
    if (message
        && sscanf (message, "%2u-%2u-%2u %2u:%2u:%2u %n", &parts[0], &parts[1], &parts[2],
                   &parts[3], &parts[4], &parts[5], &stamp)
               == 6
        && stamp > 0)
        message += stamp;
    if (message)
        snprintf (text, size, "%s", message);
    free (tail);
    return message != NULL;
}

const char *
tf_spawn_describe (tf_spawn_t *self)
{
    assert (self);
    if (!self->pid)
        snprintf (self->description, sizeof self->description, "not started");
    else if (!self->reaped)
        snprintf (self->description, sizeof self->description, "running (pid %d)", (int) self->pid);
    else if (WIFSIGNALED (self->status))
        snprintf (self->description, sizeof self->description, "killed by signal %d (%s)",
                  WTERMSIG (self->status), strsignal (WTERMSIG (self->status)));
    else
        snprintf (self->description, sizeof self->description, "exited with status %d",
                  WEXITSTATUS (self->status));
    return self->description;
}
