//  tf_report_lanes.c - the lanes picture of report.html (see tf_report_lanes.h)

#include <czmq.h>
#include "tf_msg.h"
#include "tf_recording.h"
#include "tf_report_lanes.h"
#include "tf_report_svg.h"

#define S_MAX_NODES    64 //  Lanes drawn
#define S_MAX_BRANCHES 8  //  Branches told apart (more share the last colour)
#define S_LANE         18 //  Lane height, pixels
#define S_GAP          6  //  Between lanes
#define S_TOP          12 //  Above the first lane
#define S_AXIS         24 //  Below the last lane, for the time axis

//  Faults a lane can be shaded with, by node-control action
typedef enum { S_PAUSED = 0, S_STOPPED, S_PARTITIONED, S_FAULTS } s_fault_t;

static const char *const s_fault_names[S_FAULTS] = {"paused", "stopped", "cut off (partition)"};
static const char *const s_fault_colours[S_FAULTS] = {"#ff7f0e", "#d62728", "#9467bd"};
static const char *const s_branch_colours[S_MAX_BRANCHES] = {
    "#c6dbef", "#fdd0a2", "#c7e9c0", "#dadaeb", "#fcbba1", "#d9d9d9", "#f2e6a0", "#b8e0e0"};

//  One tip sample of a node
typedef struct {
    uint64_t at_ms;
    char *tip; //  Owned; NULL when the node did not answer
} s_sample_t;

//  A node's lane
typedef struct {
    const char *name;        //  Borrowed from the report
    zlistx_t *samples;       //  s_sample_t, in time order
    uint64_t open[S_FAULTS]; //  Start of the window now open, 0 when none
    const char *final_tip;   //  Its last answered tip (borrowed from samples)
    int branch;              //  Branch of its final tip, -1 none
} s_lane_t;

typedef struct {
    s_lane_t lanes[S_MAX_NODES];
    size_t count;
    zhashx_t *parents;                       //  Block id -> parent id (strings)
    const char *branch_tips[S_MAX_BRANCHES]; //  Final tip of each branch
    zhashx_t *branch_sets[S_MAX_BRANCHES];   //  Its ids, tip down to genesis
    size_t branches;
} s_lanes_t;

static void
s_sample_free (void **item)
{
    s_sample_t *sample = (s_sample_t *) *item;
    if (sample) {
        free (sample->tip);
        free (sample);
        *item = NULL;
    }
}

static s_lane_t *
s_lane (s_lanes_t *self, const char *name)
{
    for (size_t index = 0; name && index < self->count; index++)
        if (streq (self->lanes[index].name, name))
            return &self->lanes[index];
    return NULL;
}

//  The blocks' parents and every node's tip samples, from the recording
static void
s_load (s_lanes_t *self, const char *recording_path)
{
    tf_recording_t *recording = tf_recording_open (recording_path);
    if (!recording)
        return;
    tf_record_t record;
    while (tf_recording_next (recording, &record) == 1) {
        if (record.source != TF_SOURCE_FEED)
            continue;
        if (streq (record.topic, "feed.block")) {
            tf_feed_block_t block;
            if (tf_msg_decode (TF_MSG_feed_block, record.body, record.size, &block) == 0) {
                if (!zhashx_lookup (self->parents, block.id))
                    zhashx_insert (self->parents, block.id, strdup (block.parent));
                tf_msg_body_free (TF_MSG_feed_block, &block);
            }
        }
        else if (streq (record.topic, "feed.tip")) {
            tf_feed_tip_t tip;
            if (tf_msg_decode (TF_MSG_feed_tip, record.body, record.size, &tip) == 0) {
                s_lane_t *lane = s_lane (self, tip.node);
                if (lane) {
                    s_sample_t *sample = (s_sample_t *) zmalloc (sizeof (s_sample_t));
                    sample->at_ms = tip.at_ms;
                    sample->tip = tip.up ? strdup (tip.tip) : NULL;
                    zlistx_add_end (lane->samples, sample);
                    if (sample->tip)
                        lane->final_tip = sample->tip;
                }
                tf_msg_body_free (TF_MSG_feed_tip, &tip);
            }
        }
    }
    tf_recording_destroy (&recording);
}

//  Every id from tip down through the known parents
static zhashx_t *
s_ancestry (s_lanes_t *self, const char *tip)
{
    zhashx_t *set = zhashx_new ();
    for (const char *id = tip; id && !zhashx_lookup (set, id);
         id = (const char *) zhashx_lookup (self->parents, id))
        zhashx_insert (set, id, (void *) 1);
    return set;
}

//  Branches: the final tips that no other final tip descends from
static void
s_find_branches (s_lanes_t *self)
{
    zhashx_t *sets[S_MAX_NODES] = {NULL};
    for (size_t index = 0; index < self->count; index++)
        if (self->lanes[index].final_tip)
            sets[index] = s_ancestry (self, self->lanes[index].final_tip);
    for (size_t index = 0; index < self->count; index++) {
        s_lane_t *lane = &self->lanes[index];
        lane->branch = -1;
        if (!lane->final_tip)
            continue;
        //  Another node's final tip that descends from this one (and is not it) wins
        bool behind = false;
        for (size_t other = 0; other < self->count && !behind; other++)
            behind = sets[other] && !streq (self->lanes[other].final_tip, lane->final_tip)
                     && zhashx_lookup (sets[other], lane->final_tip);
        if (behind)
            continue;
        size_t branch = 0;
        while (branch < self->branches && !streq (self->branch_tips[branch], lane->final_tip))
            branch++;
        if (branch == self->branches && self->branches < S_MAX_BRANCHES) {
            self->branch_tips[branch] = lane->final_tip;
            self->branch_sets[branch] = s_ancestry (self, lane->final_tip);
            self->branches++;
        }
    }
    for (size_t index = 0; index < self->count; index++)
        zhashx_destroy (&sets[index]);
}

//  The branch a tip is on (the first whose final tip descends from it), or -1
static int
s_branch_of (s_lanes_t *self, const char *tip)
{
    for (size_t branch = 0; tip && branch < self->branches; branch++)
        if (zhashx_lookup (self->branch_sets[branch], tip))
            return (int) branch;
    return -1;
}

static void
s_rect (FILE *out, double from, double to, double y, double height, const char *colour,
        const char *class_name, const char *title)
{
    fprintf (out,
             "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
             "fill=\"%s\"><title>",
             class_name, from, y, to > from + 1 ? to - from : 1.0, height, colour);
    tf_report_svg_escape (out, title);
    fprintf (out, "</title></rect>\n");
}

//  The fault windows and restarts of the node.control.done events
static void
s_draw_faults (s_lanes_t *self, FILE *out, const json_t *report, uint64_t start, uint64_t end)
{
    const json_t *events = json_object_get (report, "events");
    for (size_t index = 0; index <= json_array_size (events); index++) {
        const json_t *event = json_array_get (events, index); //  NULL past the end: close all
        const char *kind = json_string_value (json_object_get (event, "kind"));
        if (event && (!kind || !streq (kind, "node.control.done")))
            continue;
        const char *detail = json_string_value (json_object_get (event, "detail"));
        const char *nodes = json_string_value (json_object_get (event, "node"));
        uint64_t at =
            event ? (uint64_t) json_integer_value (json_object_get (event, "at_ms")) : end;
        char action[16] = "";
        if (detail)
            snprintf (action, sizeof action, "%.*s", (int) strcspn (detail, " "), detail);
        for (size_t lane_index = 0; lane_index < self->count; lane_index++) {
            s_lane_t *lane = &self->lanes[lane_index];
            //  Is this lane among the event's nodes ("validator-1,executor-0")?
            bool named = false;
            for (const char *at_name = nodes; at_name && *at_name && !named;) {
                size_t length = strcspn (at_name, ",");
                named = length == strlen (lane->name) && !strncmp (at_name, lane->name, length);
                at_name += length + (at_name[length] == ',');
            }
            double y = S_TOP + (double) lane_index * (S_LANE + S_GAP);
            double x = tf_report_svg_x (at, start, end);
            if (named && streq (action, "restart")) {
                fprintf (out,
                         "<line class=\"lane-restart\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                         "y2=\"%.1f\" stroke=\"#d62728\" stroke-width=\"2\"><title>",
                         x, y, x, y + S_LANE);
                tf_report_svg_escape (out, detail);
                fprintf (out, "</title></line>\n");
            }
            //  What this event opens and closes on the lane
            int opens = -1, closes = -1;
            if (named && streq (action, "pause"))
                opens = S_PAUSED;
            else if (named && streq (action, "resume"))
                closes = S_PAUSED;
            else if (named && streq (action, "stop"))
                opens = S_STOPPED;
            else if (named && streq (action, "start"))
                closes = S_STOPPED;
            else if (named && streq (action, "partition"))
                opens = S_PARTITIONED;
            else if (streq (action, "heal"))
                closes = S_PARTITIONED; //  A heal undoes every cut
            for (int fault = 0; fault < S_FAULTS; fault++) {
                bool close = fault == closes || !event;
                if (close && lane->open[fault]) {
                    char *title = zsys_sprintf ("%s %s from %.1f s to %.1f s", lane->name,
                                                s_fault_names[fault],
                                                (double) (lane->open[fault] - start) / 1000.0,
                                                (double) (at - start) / 1000.0);
                    s_rect (out, tf_report_svg_x (lane->open[fault], start, end), x,
                            y + S_LANE / 4.0, S_LANE / 2.0, s_fault_colours[fault], "lane-fault",
                            title);
                    zstr_free (&title);
                    lane->open[fault] = 0;
                }
            }
            if (opens >= 0 && !lane->open[opens])
                lane->open[opens] = at > start ? at : start + 1;
        }
    }
}

//  Each lane coloured by the branch its samples were on (two branches or more)
static void
s_draw_branches (s_lanes_t *self, FILE *out, uint64_t start, uint64_t end)
{
    for (size_t lane_index = 0; lane_index < self->count; lane_index++) {
        s_lane_t *lane = &self->lanes[lane_index];
        double y = S_TOP + (double) lane_index * (S_LANE + S_GAP);
        s_sample_t *sample = (s_sample_t *) zlistx_first (lane->samples);
        while (sample) {
            s_sample_t *next = (s_sample_t *) zlistx_next (lane->samples);
            uint64_t until = next ? next->at_ms : end;
            if (sample->tip) {
                int branch = s_branch_of (self, sample->tip);
                char *title =
                    zsys_sprintf ("%s: tip %.12s, %s", lane->name, sample->tip,
                                  branch >= 0 ? "on a branch that lasted" : "on a fork that died");
                s_rect (out, tf_report_svg_x (sample->at_ms, start, end),
                        tf_report_svg_x (until, start, end), y, S_LANE,
                        branch >= 0 ? s_branch_colours[branch] : "#eeeeee", "lane-branch", title);
                zstr_free (&title);
            }
            sample = next;
        }
    }
}

void
tf_report_lanes_write (FILE *out, const json_t *report, const char *recording_path)
{
    assert (out && report && recording_path);
    s_lanes_t self;
    memset (&self, 0, sizeof self);
    const json_t *nodes = json_object_get (report, "nodes");
    for (size_t index = 0; index < json_array_size (nodes) && self.count < S_MAX_NODES; index++) {
        const char *name =
            json_string_value (json_object_get (json_array_get (nodes, index), "name"));
        if (!name)
            continue;
        s_lane_t *lane = &self.lanes[self.count++];
        lane->name = name;
        lane->samples = zlistx_new ();
        zlistx_set_destructor (lane->samples, s_sample_free);
    }
    if (self.count == 0)
        return;
    self.parents = zhashx_new ();
    zhashx_set_destructor (self.parents, (zhashx_destructor_fn *) zstr_free);
    s_load (&self, recording_path);
    s_find_branches (&self);

    uint64_t start = (uint64_t) json_integer_value (json_object_get (report, "started_ms"));
    uint64_t end = (uint64_t) json_integer_value (json_object_get (report, "ended_ms"));
    int height = S_TOP + (int) self.count * (S_LANE + S_GAP) + S_AXIS;
    fprintf (out, "<h2>What happened to each node</h2>\n<p>");
    for (int fault = 0; fault < S_FAULTS; fault++)
        fprintf (out, "<span style=\"color:%s\">&#9632;</span> %s &nbsp; ", s_fault_colours[fault],
                 s_fault_names[fault]);
    fprintf (out, "<span style=\"color:#d62728\">|</span> restarted. ");
    if (self.branches > 1) {
        fprintf (out,
                 "The nodes ended on %zu branches, each lane coloured by the branch its tip "
                 "was on:",
                 self.branches);
        for (size_t branch = 0; branch < self.branches; branch++) {
            fprintf (out, " <span class=\"branch\" style=\"background:%s\">branch %c, tip %.12s (",
                     s_branch_colours[branch], (char) ('A' + branch), self.branch_tips[branch]);
            const char *separator = "";
            for (size_t index = 0; index < self.count; index++)
                if (self.lanes[index].final_tip
                    && s_branch_of (&self, self.lanes[index].final_tip) == (int) branch) {
                    fprintf (out, "%s", separator);
                    tf_report_svg_escape (out, self.lanes[index].name);
                    separator = ", ";
                }
            fprintf (out, ")</span>");
        }
        fprintf (out, "; grey: a tip on a fork that died.");
    }
    else
        fprintf (out, "Every node followed one chain.");
    fprintf (out, "</p>\n");
    fprintf (out,
             "<svg id=\"lanes\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
             "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"what happened to each node over "
             "time\">\n",
             TF_SVG_WIDTH, height, TF_SVG_WIDTH, height);
    for (size_t index = 0; index < self.count; index++) {
        double y = S_TOP + (double) index * (S_LANE + S_GAP);
        fprintf (out,
                 "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" "
                 "stroke=\"#ccc\"/>\n<text x=\"%d\" y=\"%.1f\" font-size=\"11\">",
                 TF_SVG_LEFT, y, TF_SVG_RIGHT - TF_SVG_LEFT, S_LANE, TF_SVG_RIGHT + 4,
                 y + S_LANE - 5);
        tf_report_svg_escape (out, self.lanes[index].name);
        fprintf (out, "</text>\n");
    }
    if (self.branches > 1)
        s_draw_branches (&self, out, start, end);
    s_draw_faults (&self, out, report, start, end);
    int axis = height - S_AXIS + 14;
    fprintf (out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">0 s</text>\n", TF_SVG_LEFT, axis);
    fprintf (out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.1f s</text>\n",
             TF_SVG_RIGHT, axis, end > start ? (double) (end - start) / 1000.0 : 0.0);
    fprintf (out, "</svg>\n");

    for (size_t branch = 0; branch < self.branches; branch++)
        zhashx_destroy (&self.branch_sets[branch]);
    zhashx_destroy (&self.parents);
    for (size_t index = 0; index < self.count; index++)
        zlistx_destroy (&self.lanes[index].samples);
}
