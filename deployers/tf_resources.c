//  tf_resources.c - what each node's process uses (see tf_resources.h)

#include <czmq.h>
#include "tf_resources.h"

#define S_LINE_SIZE 512
#define S_KB        1024
#define S_MS        1000

//  One node's account
typedef struct {
    pid_t pid;         //  Its process at the last sample, 0: none
    uint64_t last_cpu; //  That process's CPU at the last sample, ms
    uint64_t done_cpu; //  CPU of its earlier processes, ms
    uint64_t peak_rss; //  Highest VmHWM seen, bytes
    uint64_t exits;    //  Exits not asked for
    bool asked;        //  Node control asked for a change since the last sample
} s_node_t;

struct _tf_resources_t {
    s_node_t *nodes;
    size_t count;
};

int
tf_resources_read (pid_t pid, tf_resources_proc_t *proc)
{
    assert (proc);
    memset (proc, 0, sizeof *proc);
    if (pid <= 0)
        return -1;
    char path[64], line[S_LINE_SIZE];
    snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *file = fopen (path, "r");
    if (!file)
        return -1;
    char *got = fgets (line, sizeof line, file);
    fclose (file);
    //  The name, field 2, may hold spaces and parentheses: read after the last ')'
    char *rest = got ? strrchr (line, ')') : NULL;
    char state = 0;
    unsigned long long utime = 0, stime = 0;
    if (!rest
        || sscanf (rest + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &state,
                   &utime, &stime)
               != 3
        || state == 'Z' || state == 'X')
        return -1;
    long ticks = sysconf (_SC_CLK_TCK);
    proc->cpu_ms =
        (uint64_t) ((utime + stime) * S_MS / (unsigned long long) (ticks > 0 ? ticks : 100));
    snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
    file = fopen (path, "r");
    if (!file)
        return -1;
    unsigned long long kb;
    while (fgets (line, sizeof line, file)) {
        if (sscanf (line, "VmRSS: %llu kB", &kb) == 1)
            proc->rss = (uint64_t) kb * S_KB;
        else if (sscanf (line, "VmHWM: %llu kB", &kb) == 1)
            proc->peak_rss = (uint64_t) kb * S_KB;
    }
    fclose (file);
    if (proc->peak_rss < proc->rss)
        proc->peak_rss = proc->rss;
    return 0;
}

tf_resources_t *
tf_resources_new (size_t count)
{
    tf_resources_t *self = (tf_resources_t *) zmalloc (sizeof (tf_resources_t));
    self->nodes = (s_node_t *) zmalloc ((count + 1) * sizeof (s_node_t));
    self->count = count;
    return self;
}

void
tf_resources_destroy (tf_resources_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    free ((*self_p)->nodes);
    free (*self_p);
    *self_p = NULL;
}

void
tf_resources_asked (tf_resources_t *self, size_t node)
{
    assert (self && node < self->count);
    self->nodes[node].asked = true;
}

void
tf_resources_account (tf_resources_t *self, size_t node, pid_t pid, const tf_resources_proc_t *proc,
                      uint64_t at_ms, tf_node_resources_t *sample)
{
    assert (self && node < self->count && sample);
    s_node_t *entry = &self->nodes[node];
    bool running = proc && pid > 0;
    //  Gone since the last sample, or another process in its place
    if (entry->pid > 0 && (!running || pid != entry->pid)) {
        entry->done_cpu += entry->last_cpu;
        entry->last_cpu = 0;
        if (!entry->asked)
            entry->exits++;
    }
    entry->asked = false;
    entry->pid = running ? pid : 0;
    if (running) {
        entry->last_cpu = proc->cpu_ms;
        if (proc->peak_rss > entry->peak_rss)
            entry->peak_rss = proc->peak_rss;
    }
    *sample = (tf_node_resources_t){.at_ms = at_ms,
                                    .running = running,
                                    .cpu_ms = entry->done_cpu + entry->last_cpu,
                                    .rss = running ? proc->rss : 0,
                                    .peak_rss = entry->peak_rss,
                                    .exits = entry->exits,
                                    .pid = running ? (uint64_t) pid : 0};
}
