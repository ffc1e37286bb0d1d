//  tf_node_log.c - levelled log lines for tf-node
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include "tf_node_log.h"

static tf_node_log_level_t s_level = TF_NODE_LOG_INFO;      //  Threshold
static FILE *s_file = NULL;                                 //  Open log file, or NULL
static int s_use_stdout = 0;                                //  Stdout instead of stderr
static pthread_mutex_t s_mutex = PTHREAD_MUTEX_INITIALIZER; //  One line at a time
static const char *s_names[] = {"ERROR", "WARN", "INFO", "DEBUG", "TRACE"};

int
tf_node_log_level_parse (const char *name)
{
    for (int index = 0; index < 5; index++)
        if (strcasecmp (name, s_names[index]) == 0)
            return index;
    if (strcasecmp (name, "WARNING") == 0)
        return TF_NODE_LOG_WARN;
    return -1;
}

void
tf_node_log_set_level (tf_node_log_level_t level)
{
    s_level = level;
}

int
tf_node_log_open (const char *path, int use_stdout)
{
    tf_node_log_close ();
    s_use_stdout = use_stdout;
    if (path) {
        //  The real node creates its log directory; do the same for the last level
        char *copy = strdup (path);
        char *slash = copy ? strrchr (copy, '/') : NULL;
        if (slash && slash != copy) {
            *slash = 0;
            mkdir (copy, 0755);
        }
        free (copy);
        s_file = fopen (path, "a");
        if (!s_file)
            return -1;
        setvbuf (s_file, NULL, _IOLBF, 0);
    }
    return 0;
}

void
tf_node_log_close (void)
{
    if (s_file)
        fclose (s_file);
    s_file = NULL;
}

void
tf_node_log (tf_node_log_level_t level, const char *format, ...)
{
    if (level > s_level)
        return;
    struct timeval now;
    gettimeofday (&now, NULL);
    struct tm parts;
    gmtime_r (&now.tv_sec, &parts);
    char stamp[32];
    strftime (stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &parts);

    pthread_mutex_lock (&s_mutex);
    FILE *out = s_file ? s_file : (s_use_stdout ? stdout : stderr);
    fprintf (out, "%s.%03dZ %-5s tf-node: ", stamp, (int) (now.tv_usec / 1000), s_names[level]);
    va_list args;
    va_start (args, format);
    vfprintf (out, format, args);
    va_end (args);
    fputc ('\n', out);
    fflush (out);
    pthread_mutex_unlock (&s_mutex);
}
