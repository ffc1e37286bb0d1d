//  tf_report_resources.c - report.html's pictures of each node's CPU and
//  memory (see tf_report_resources.h)

#include <czmq.h>
#include "tf_report_resources.h"
#include "tf_report_svg.h"

#define S_MIB    1048576.0
#define S_TOP    24                                //  Plot area: from here ...
#define S_BOTTOM (TF_REPORT_RESOURCES_HEIGHT - 28) //  ... to here

static const char *s_palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
#define S_COLOURS (sizeof s_palette / sizeof s_palette[0])

//  A sample's value: CPU seconds, or resident memory in MiB
static double
s_value (const json_t *sample, bool memory)
{
    return memory ? (double) json_integer_value (json_object_get (sample, "rss")) / S_MIB
                  : json_number_value (json_object_get (sample, "cpu_seconds"));
}

//  One picture: a line per node of the samples' values over the run
static void
s_write_picture (FILE *out, const json_t *resources, bool memory, uint64_t start, uint64_t end)
{
    double top = 0;
    const char *name;
    json_t *node;
    json_object_foreach ((json_t *) resources, name, node)
    {
        size_t index;
        json_t *sample;
        json_array_foreach (json_object_get (node, "samples"), index, sample)
        {
            double value = s_value (sample, memory);
            top = value > top ? value : top;
        }
    }
    top = top > 0 ? top * 1.1 : 1;
    fprintf (out,
             "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
             "role=\"img\" aria-label=\"%s of each node over time\">\n",
             memory ? "rss" : "cpu", TF_SVG_WIDTH, TF_REPORT_RESOURCES_HEIGHT,
             memory ? "resident memory" : "CPU seconds");
    fprintf (out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", TF_SVG_LEFT,
             S_BOTTOM, TF_SVG_RIGHT, S_BOTTOM);
    fprintf (out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", TF_SVG_LEFT,
             S_BOTTOM, TF_SVG_LEFT, S_TOP);
    fprintf (out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%.2f %s</text>\n", TF_SVG_LEFT + 4,
             S_TOP - 8, top, memory ? "MiB" : "CPU s");
    fprintf (out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.1f s</text>\n",
             TF_SVG_RIGHT, S_BOTTOM + 16, (double) (end > start ? end - start : 0) / 1000.0);
    size_t colour = 0;
    json_object_foreach ((json_t *) resources, name, node)
    {
        const char *stroke = s_palette[colour % S_COLOURS];
        fprintf (out, "<polyline class=\"node\" fill=\"none\" stroke=\"%s\" points=\"", stroke);
        size_t index;
        json_t *sample;
        json_array_foreach (json_object_get (node, "samples"), index, sample)
        {
            uint64_t at = (uint64_t) json_integer_value (json_object_get (sample, "at_ms"));
            double y = S_BOTTOM - s_value (sample, memory) / top * (S_BOTTOM - S_TOP);
            fprintf (out, "%.1f,%.1f ", tf_report_svg_x (at, start, end), y);
        }
        fprintf (out, "\"/>\n<text x=\"%d\" y=\"%zu\" font-size=\"11\" fill=\"%s\">",
                 TF_SVG_RIGHT + 8, (size_t) S_TOP + 14 * colour, stroke);
        tf_report_svg_escape (out, name);
        fprintf (out, "</text>\n");
        colour++;
    }
    fprintf (out, "</svg>\n");
}

void
tf_report_resources_write (FILE *out, const json_t *report)
{
    assert (out && report);
    const json_t *resources = json_object_get (report, "resources");
    if (!json_is_object (resources) || json_object_size (resources) == 0)
        return;
    uint64_t start = (uint64_t) json_integer_value (json_object_get (report, "started_ms"));
    uint64_t end = (uint64_t) json_integer_value (json_object_get (report, "ended_ms"));
    fprintf (out, "<h2>Node resources</h2>\n<p>Sampled from /proc of each node's process about "
                  "every second from deploy to cleanup.</p>\n<h3>CPU seconds</h3>\n");
    s_write_picture (out, resources, false, start, end);
    fprintf (out, "<h3>Resident memory</h3>\n");
    s_write_picture (out, resources, true, start, end);
    fprintf (out, "<table id=\"resources\"><tr><th>node</th><th>CPU s</th><th>peak RSS "
                  "MiB</th><th>exits not asked for</th><th>samples</th></tr>\n");
    const char *name;
    json_t *node;
    json_object_foreach ((json_t *) resources, name, node)
    {
        fprintf (out, "<tr><td>");
        tf_report_svg_escape (out, name);
        fprintf (out,
                 "</td><td>%.2f</td><td>%.1f</td><td>%" JSON_INTEGER_FORMAT
                 "</td><td>%zu</td></tr>\n",
                 json_number_value (json_object_get (node, "cpu_seconds")),
                 (double) json_integer_value (json_object_get (node, "max_rss")) / S_MIB,
                 json_integer_value (json_object_get (node, "exits")),
                 json_array_size (json_object_get (node, "samples")));
    }
    fprintf (out, "</table>\n");
}
