//  tf_report_html.h - the human report: one self-contained HTML page with an
//  SVG picture of every node's height over time and the chaos events on it

#ifndef TF_REPORT_HTML_H_INCLUDED
#define TF_REPORT_HTML_H_INCLUDED

#include <jansson.h>

//  Write report.html for a report (as in report.json), drawing heights from
//  the feed.tip samples of the recording at recording_path. Returns 0 or -1.
int tf_report_html_write (const json_t *report, const char *recording_path, const char *path);

#endif
