//  tf_compose_image.h - the image the compose runner's nodes run from
//
//  No registry is reachable, so the node image is made here from the node
//  binary, tf-cfgsync, and the shared libraries they load (as ldd lists
//  them): a root with the binaries in /usr/local/bin, the libraries at their paths, /etc/tf for
//  the node's config and /data for its storage, imported with `docker
//  import`. Its tag is tf-node:<tf version>-<content hash of the binary and
//  their libraries>, so a changed binary makes a new image and an unchanged one
//  reuses the image already there. LOGOS_BLOCKCHAIN_TESTNET_IMAGE (alias
//  NOMOS_TESTNET_IMAGE) names a user's own image instead, which must exist:
//  nothing is pulled.

#ifndef TF_COMPOSE_IMAGE_H_INCLUDED
#define TF_COMPOSE_IMAGE_H_INCLUDED

#include <stdbool.h>

#define TF_COMPOSE_IMAGE_ENV       "LOGOS_BLOCKCHAIN_TESTNET_IMAGE"
#define TF_COMPOSE_IMAGE_ALIAS     "NOMOS_TESTNET_IMAGE"
#define TF_COMPOSE_IMAGE_REPO      "tf-node" //  Repository of the images we build
#define TF_COMPOSE_IMAGE_BIN_DIR   "/usr/local/bin"
#define TF_COMPOSE_IMAGE_CONFIG    "/etc/tf"  //  Where a node's config is mounted
#define TF_COMPOSE_IMAGE_DATA      "/data"    //  A node's storage
#define TF_COMPOSE_IMAGE_HASH_SIZE 12         //  Hex digits of the content hash in the tag
#define TF_COMPOSE_IMAGE_LABEL     "tf.image" //  Label on the images we build

//  The image for binaries (NULL-terminated, absolute paths, their file names
//  distinct): the user's (which must exist), or ours, built in
//  work_dir (scratch files are removed) unless its tag exists. On success
//  *tag_p is the image (caller owns) and *built says whether it was made now.
//  0, or -1 with *error_p (caller frees).
int tf_compose_image_ensure (char *const binaries[], const char *work_dir, void *cancel,
                             char **tag_p, bool *built, char **error_p);

//  Our own image of binaries, in repository repo (tagged repo:<tf
//  version>-<content hash>), whatever the user's image is: the same build
//  as tf_compose_image_ensure's (the Prometheus image is made so). 0, or -1
//  with *error_p (caller frees).
int tf_compose_image_build (const char *repo, char *const binaries[], const char *work_dir,
                            void *cancel, char **tag_p, bool *built, char **error_p);

//  The tag of our image for binaries (as tf_compose_image_ensure names it),
//  without asking the engine. 0 and *tag_p (caller owns), or -1 with *error_p.
int tf_compose_image_tag (char *const binaries[], char **tag_p, char **error_p);

//  The user's image from the environment, or NULL. Borrowed from environ.
const char *tf_compose_image_user (void);

#endif
