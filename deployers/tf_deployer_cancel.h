//  tf_deployer_cancel.h - how a backend's blocking op learns it should end
//
//  The state behind env->cancel (tf_deployer.h): the deployer's worker thread
//  binds it to its pipe; tf_deployer_cancelled and tf_deployer_wait, called by
//  the backend's ops on that thread, read the pipe for CANCEL (end the current
//  command) and $TERM (end everything). The actor sends nothing else while a
//  command runs.

#ifndef TF_DEPLOYER_CANCEL_H_INCLUDED
#define TF_DEPLOYER_CANCEL_H_INCLUDED

#include <czmq.h>

#define TF_DEPLOYER_CANCEL_COMMAND "CANCEL" //  End the running command
#define TF_DEPLOYER_CANCEL_TERM    "$TERM"  //  End the worker (zactor_destroy)

typedef struct _tf_deployer_cancel_t tf_deployer_cancel_t;

//  Create the state, made before the backend so create can keep it. Caller
//  owns it; destroy it after the worker has ended.
tf_deployer_cancel_t *tf_deployer_cancel_new (void);
void tf_deployer_cancel_destroy (tf_deployer_cancel_t **self_p);

//  Read pipe (the worker's, borrowed) from now on; NULL when the worker ends.
void tf_deployer_cancel_bind (tf_deployer_cancel_t *self, zsock_t *pipe);

//  A new command begins: forget an earlier CANCEL.
void tf_deployer_cancel_reset (tf_deployer_cancel_t *self);

//  $TERM arrived (read by an op, or by the worker's loop through terminate).
bool tf_deployer_cancel_terminated (tf_deployer_cancel_t *self);
void tf_deployer_cancel_terminate (tf_deployer_cancel_t *self);

#endif
