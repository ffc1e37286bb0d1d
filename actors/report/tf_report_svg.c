//  tf_report_svg.c - what the pictures of report.html share (see tf_report_svg.h)
#include "tf_report_svg.h"

double
tf_report_svg_x (uint64_t at_ms, uint64_t start, uint64_t end)
{
    double span = end > start ? (double) (end - start) : 1.0;
    double offset = at_ms > start ? (double) (at_ms - start) : 0.0;
    if (offset > span)
        offset = span;
    return TF_SVG_LEFT + offset / span * (TF_SVG_RIGHT - TF_SVG_LEFT);
}

void
tf_report_svg_escape (FILE *out, const char *text)
{
    for (const char *cursor = text ? text : ""; *cursor; cursor++)
        switch (*cursor) {
            case '&':
                fputs ("&amp;", out);
                break;
            case '<':
                fputs ("&lt;", out);
                break;
            case '>':
                fputs ("&gt;", out);
                break;
            case '"':
                fputs ("&quot;", out);
                break;
            default:
                fputc (*cursor, out);
        }
}
