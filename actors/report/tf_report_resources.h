//  tf_report_resources.h - report.html's pictures of each node's CPU and
//  resident memory over the run, from report.json's resources (the
//  deployer's node.resources samples), on the run's time axis
#ifndef TF_REPORT_RESOURCES_H_INCLUDED
#define TF_REPORT_RESOURCES_H_INCLUDED

#include <jansson.h>
#include <stdio.h>

#define TF_REPORT_RESOURCES_HEIGHT 200 //  Each picture's height, pixels

//  Write a heading, the CPU picture (svg id "cpu": CPU seconds so far, one
//  line per node) and the memory picture (svg id "rss": resident MiB), and
//  a table of each node's figures. Nothing when there are no samples.
void tf_report_resources_write (FILE *out, const json_t *report);

#endif
