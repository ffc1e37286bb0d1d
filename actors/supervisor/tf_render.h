//  tf_render.h - `tf render`: a scenario's Kubernetes manifests, written
//  without a cluster (see tf_render.c)

#ifndef TF_RENDER_H_INCLUDED
#define TF_RENDER_H_INCLUDED

//  Run `tf render` with argv[0] = "render"; returns the exit code.
int tf_render_main (int argc, char **argv);

#endif
