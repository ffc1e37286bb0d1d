//  tf_node_log.h - levelled log lines for tf-node, to stderr, stdout or a file
#ifndef TF_NODE_LOG_H_INCLUDED
#define TF_NODE_LOG_H_INCLUDED

typedef enum {
    TF_NODE_LOG_ERROR = 0,
    TF_NODE_LOG_WARN,
    TF_NODE_LOG_INFO,
    TF_NODE_LOG_DEBUG,
    TF_NODE_LOG_TRACE
} tf_node_log_level_t;

//  Parse a level name (ERROR, WARN, INFO, DEBUG, TRACE; any case). -1 if unknown.
int tf_node_log_level_parse (const char *name);

//  Set the threshold; lines above it are dropped.
void tf_node_log_set_level (tf_node_log_level_t level);

//  Send lines to this path (appending), or to stdout/stderr when path is NULL.
//  Returns 0, or -1 if the file cannot be opened.
int tf_node_log_open (const char *path, int use_stdout);

//  Close the log file if one is open.
void tf_node_log_close (void);

//  Write one line "LEVEL tf-node: <text>" if level passes the threshold.
void tf_node_log (tf_node_log_level_t level, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

#define tf_node_error(...) tf_node_log (TF_NODE_LOG_ERROR, __VA_ARGS__)
#define tf_node_warn(...)  tf_node_log (TF_NODE_LOG_WARN, __VA_ARGS__)
#define tf_node_info(...)  tf_node_log (TF_NODE_LOG_INFO, __VA_ARGS__)
#define tf_node_debug(...) tf_node_log (TF_NODE_LOG_DEBUG, __VA_ARGS__)

#endif
