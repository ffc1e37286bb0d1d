//  tf_node_stream.c - one NDJSON subscriber: a bounded queue of lines with a wake-up
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tf_node_stream.h"

typedef struct _line_t {
    char *text;           //  Owned line
    struct _line_t *next; //  Queue
} line_t;

struct _tf_node_stream_t {
    tf_node_stream_kind_t kind; //  Blocks or LIB
    pthread_mutex_t mutex;      //  Guards the queue
    pthread_cond_t cond;        //  Signalled on push and close
    line_t *head, *tail;        //  Oldest, newest
    size_t queued;              //  Lines in the queue
    int closed;                 //  No more lines
};

tf_node_stream_t *
tf_node_stream_new (tf_node_stream_kind_t kind)
{
    tf_node_stream_t *self = calloc (1, sizeof *self);
    assert (self);
    self->kind = kind;
    pthread_mutex_init (&self->mutex, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init (&attr);
    pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
    pthread_cond_init (&self->cond, &attr);
    pthread_condattr_destroy (&attr);
    return self;
}

void
tf_node_stream_destroy (tf_node_stream_t **self_p)
{
    assert (self_p);
    tf_node_stream_t *self = *self_p;
    if (!self)
        return;
    for (line_t *line = self->head, *next; line; line = next) {
        next = line->next;
        free (line->text);
        free (line);
    }
    pthread_mutex_destroy (&self->mutex);
    pthread_cond_destroy (&self->cond);
    free (self);
    *self_p = NULL;
}

tf_node_stream_kind_t
tf_node_stream_kind (const tf_node_stream_t *self)
{
    return self->kind;
}

void
tf_node_stream_push (tf_node_stream_t *self, const char *text)
{
    line_t *line = malloc (sizeof *line);
    assert (line);
    line->text = strdup (text);
    assert (line->text);
    line->next = NULL;
    pthread_mutex_lock (&self->mutex);
    if (self->tail)
        self->tail->next = line;
    else
        self->head = line;
    self->tail = line;
    self->queued++;
    if (self->queued > TF_NODE_STREAM_MAX_QUEUED) {
        line_t *oldest = self->head; //  A lagging reader loses the oldest, as the real node
        self->head = oldest->next;
        free (oldest->text);
        free (oldest);
        self->queued--;
    }
    pthread_cond_signal (&self->cond);
    pthread_mutex_unlock (&self->mutex);
}

char *
tf_node_stream_next (tf_node_stream_t *self, int timeout_ms)
{
    struct timespec deadline;
    clock_gettime (CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long) (timeout_ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    char *text = NULL;
    pthread_mutex_lock (&self->mutex);
    while (!self->head && !self->closed)
        if (pthread_cond_timedwait (&self->cond, &self->mutex, &deadline))
            break;
    if (self->head && !self->closed) {
        line_t *line = self->head;
        self->head = line->next;
        if (!self->head)
            self->tail = NULL;
        self->queued--;
        text = line->text;
        free (line);
    }
    pthread_mutex_unlock (&self->mutex);
    return text;
}

void
tf_node_stream_close (tf_node_stream_t *self)
{
    pthread_mutex_lock (&self->mutex);
    self->closed = 1;
    pthread_cond_broadcast (&self->cond);
    pthread_mutex_unlock (&self->mutex);
}

int
tf_node_stream_closed (tf_node_stream_t *self)
{
    pthread_mutex_lock (&self->mutex);
    int closed = self->closed;
    pthread_mutex_unlock (&self->mutex);
    return closed;
}
