//  tf_report_svg.h - what the pictures of report.html share: one time axis
//  (the run, from started_ms to ended_ms, across the same pixels in every
//  picture) and text escaping
#ifndef TF_REPORT_SVG_H_INCLUDED
#define TF_REPORT_SVG_H_INCLUDED

#include <stdint.h>
#include <stdio.h>

#define TF_SVG_WIDTH  960 //  Every picture's width, pixels
#define TF_SVG_LEFT   48  //  Plot area: from here ...
#define TF_SVG_RIGHT  820 //  ... to here; node names go to the right of it
#define TF_SVG_MARGIN 48  //  Above and below a plot

//  Pixel of a time on the run's axis [start, end]
double tf_report_svg_x (uint64_t at_ms, uint64_t start, uint64_t end);

//  Text with & < > " escaped, for HTML and SVG alike (NULL: nothing)
void tf_report_svg_escape (FILE *out, const char *text);

#endif
