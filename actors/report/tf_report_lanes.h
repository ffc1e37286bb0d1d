//  tf_report_lanes.h - the lanes picture of report.html: what happened to each node
//
//  One lane per node across the run's time axis (the height picture's, so the
//  two line up): shaded while node control kept it paused, stopped or cut off
//  by a partition (from the node.control.done events of report.json), a tick
//  where it was restarted, and, when the nodes did not all follow one chain,
//  each stretch of the lane coloured by the branch its tip was on. Branches
//  come from the recording: the feed's blocks (id -> parent) and every
//  feed.tip sample; a branch is a final tip no other final tip descends from,
//  and a sample is on the branch whose final tip descends from its tip (grey:
//  a tip no final tip descends from, a fork that died).

#ifndef TF_REPORT_LANES_H_INCLUDED
#define TF_REPORT_LANES_H_INCLUDED

#include <jansson.h>
#include <stdio.h>

//  Write the lanes picture (a heading and an SVG) for report, reading the
//  recording at recording_path; nothing when the run had no nodes.
void tf_report_lanes_write (FILE *out, const json_t *report, const char *recording_path);

#endif
