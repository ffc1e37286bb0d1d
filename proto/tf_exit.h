//  tf_exit.h - the exit codes of every tf program, defined once
//
//  tf (the verdict of a run) and the coordinator use all four; an actor exits
//  TF_EXIT_OK when its run ended normally, TF_EXIT_USAGE on a bad command line
//  and TF_EXIT_ERROR when it could not do its part (the coordinator lost, a
//  fatal error), so a dead actor's code already says which.

#ifndef TF_EXIT_H_INCLUDED
#define TF_EXIT_H_INCLUDED

#define TF_EXIT_OK     0 //  Every expectation passed; an actor finished its run
#define TF_EXIT_FAILED 1 //  An expectation failed
#define TF_EXIT_USAGE  2 //  Bad scenario or command line
#define TF_EXIT_ERROR  3 //  Infrastructure failure: deploy, readiness, a crashed actor

#endif
