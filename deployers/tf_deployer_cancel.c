//  tf_deployer_cancel.c - how a backend's blocking op learns it should end
//  (see tf_deployer_cancel.h; tf_deployer_cancelled and tf_deployer_wait are
//  declared in tf_deployer.h, for backends)

#include "tf_deployer.h"
#include "tf_deployer_cancel.h"

struct _tf_deployer_cancel_t {
    zsock_t *pipe;   //  The worker's pipe while it runs, not owned
    bool cancelled;  //  CANCEL or $TERM arrived during the current command
    bool terminated; //  $TERM arrived (or the pipe ended)
};

tf_deployer_cancel_t *
tf_deployer_cancel_new (void)
{
    return (tf_deployer_cancel_t *) zmalloc (sizeof (tf_deployer_cancel_t));
}

void
tf_deployer_cancel_destroy (tf_deployer_cancel_t **self_p)
{
    assert (self_p);
    free (*self_p);
    *self_p = NULL;
}

void
tf_deployer_cancel_bind (tf_deployer_cancel_t *self, zsock_t *pipe)
{
    assert (self);
    self->pipe = pipe;
}

void
tf_deployer_cancel_reset (tf_deployer_cancel_t *self)
{
    assert (self);
    self->cancelled = self->terminated;
}

bool
tf_deployer_cancel_terminated (tf_deployer_cancel_t *self)
{
    assert (self);
    return self->terminated;
}

void
tf_deployer_cancel_terminate (tf_deployer_cancel_t *self)
{
    assert (self);
    self->terminated = self->cancelled = true;
}

bool
tf_deployer_cancelled (void *cancel)
{
    tf_deployer_cancel_t *self = (tf_deployer_cancel_t *) cancel;
    assert (self);
    if (!self->pipe)
        return self->cancelled; //  Outside the worker (create): nothing to read
    while (!self->terminated && (zsock_events (self->pipe) & ZMQ_POLLIN)) {
        char *command = zstr_recv (self->pipe);
        if (!command || streq (command, TF_DEPLOYER_CANCEL_TERM))
            tf_deployer_cancel_terminate (self);
        else if (streq (command, TF_DEPLOYER_CANCEL_COMMAND))
            self->cancelled = true;
        else //  The actor sends nothing else while a command runs
            zsys_error ("deployer: worker got %s during a command; dropped", command);
        zstr_free (&command);
    }
    return self->cancelled;
}

bool
tf_deployer_wait (void *cancel, int64_t ms)
{
    tf_deployer_cancel_t *self = (tf_deployer_cancel_t *) cancel;
    assert (self);
    int64_t deadline = zclock_mono () + ms;
    while (!tf_deployer_cancelled (self)) {
        int64_t left = deadline - zclock_mono ();
        if (left <= 0)
            break;
        if (!self->pipe) {
            zclock_sleep ((int) left); //  Outside the worker: nothing can wake us
            break;
        }
        zmq_pollitem_t item = {zsock_resolve (self->pipe), 0, ZMQ_POLLIN, 0};
        zmq_poll (&item, 1, (long) left);
    }
    return self->cancelled;
}
