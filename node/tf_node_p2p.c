//  tf_node_p2p.c - peer-to-peer transport: TCP, length-prefixed JSON frames, hello, blocking
//
//  Frame: u32 big-endian length || JSON object with a "type" (node/README.md §5). Each
//  side sends "hello" first; other frames go to the node only after the peer's hello. All
//  state is guarded by the node's mutex, which poll() releases while it sleeps.
#define _GNU_SOURCE //  accept4
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "tf_node_log.h"
#include "tf_node_p2p.h"

typedef enum { CONN_DIALING, CONN_HELLO, CONN_READY } conn_state_t;

struct _tf_node_p2p_conn_t {
    int fd;                              //  Socket
    conn_state_t state;                  //  Dialing, waiting for hello, ready
    int dial_index;                      //  Initial peer index, or -1 when inbound
    int dead;                            //  Close at the end of this poll
    char peer_id[TF_NODE_PEER_ID_MAX];   //  Known after hello
    int peer_port;                       //  Listen port its hello announced, 0 unknown
    char peer_addr[80];                  //  Its listen address as a multiaddr, after hello
    tf_node_hash_t provider;             //  Leader key its hello announced ...
    int has_provider;                    //  ... when it did
    uint8_t *in;                         //  Received bytes not yet framed
    size_t in_size, in_room;             //  Used, allocated
    uint8_t *out;                        //  Bytes to send
    size_t out_size, out_room, out_sent; //  Used, allocated, already sent
    struct _tf_node_p2p_conn_t *next;    //  List
};

//  One initial peer and its dialing state
typedef struct {
    tf_node_peer_addr_t addr; //  Where to dial
    tf_node_p2p_conn_t *conn; //  Live outbound connection, or NULL
    int64_t next_dial_ms;     //  When to dial again
    int is_self;              //  The address turned out to be us
} dial_t;

struct _tf_node_p2p_t {
    int listener;                                 //  Listening socket
    int port;                                     //  Bound port
    int wake[2];                                  //  Self-pipe to interrupt poll
    pthread_mutex_t *mutex;                       //  Node lock (not owned)
    tf_node_p2p_conn_t *conns;                    //  All connections
    dial_t *dials;                                //  Initial peers
    size_t ndials;                                //  Their count
    char peer_id[TF_NODE_PEER_ID_MAX];            //  Ours
    char key_hex[2 * TF_NODE_HASH_SIZE + 1];      //  Our public key, hex
    char provider_hex[2 * TF_NODE_HASH_SIZE + 1]; //  Our leader key, hex ("" none)
    char tip[2 * TF_NODE_HASH_SIZE + 1];          //  Announced tip
    uint64_t height;                              //  Announced height
    json_t *blocked;                              //  Object: PeerId -> true
    tf_node_p2p_frame_fn *on_frame;               //  Frame callback
    tf_node_p2p_hello_fn *on_hello;               //  Hello callback
    void *arg;                                    //  Their argument
};

static int64_t
s_now_ms (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (int64_t) now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void
s_nonblocking (int fd)
{
    fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
    int one = 1;
    setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int
s_resolve (const char *host, int port, struct sockaddr_in *addr)
{
    memset (addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons ((uint16_t) port);
    if (strcmp (host, "localhost") == 0)
        host = "127.0.0.1";
    if (inet_pton (AF_INET, host, &addr->sin_addr) == 1)
        return 0;
    //  A /dns4/ name (a Kubernetes Service): looked up at every dial, so a
    //  peer whose address changed is found again
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo *found = NULL;
    if (getaddrinfo (host, NULL, &hints, &found) != 0 || !found)
        return -1;
    addr->sin_addr = ((struct sockaddr_in *) found->ai_addr)->sin_addr;
    freeaddrinfo (found);
    return 0;
}

static tf_node_p2p_conn_t *
s_conn_new (tf_node_p2p_t *self, int fd, int dial_index, conn_state_t state)
{
    tf_node_p2p_conn_t *conn = calloc (1, sizeof *conn);
    assert (conn);
    conn->fd = fd;
    conn->dial_index = dial_index;
    conn->state = state;
    conn->next = self->conns;
    self->conns = conn;
    return conn;
}

static void s_queue (tf_node_p2p_conn_t *conn, const json_t *frame);
static void s_send_hello (tf_node_p2p_t *self, tf_node_p2p_conn_t *conn);

tf_node_p2p_t *
tf_node_p2p_new (const tf_node_config_t *config, pthread_mutex_t *mutex,
                 tf_node_p2p_frame_fn *on_frame, tf_node_p2p_hello_fn *on_hello, void *arg)
{
    tf_node_p2p_t *self = calloc (1, sizeof *self);
    assert (self);
    self->listener = -1;
    self->wake[0] = self->wake[1] = -1;
    self->mutex = mutex;
    self->on_frame = on_frame;
    self->on_hello = on_hello;
    self->arg = arg;
    self->blocked = json_object ();
    tf_node_peer_id (&config->node_key.pk, self->peer_id);
    tf_node_hash_hex (&config->node_key.pk, self->key_hex);
    if (config->has_leader)
        tf_node_hash_hex (&config->leader.pk, self->provider_hex);
    self->dials = calloc (config->npeers + 1, sizeof *self->dials);
    assert (self->dials);
    for (size_t index = 0; index < config->npeers; index++)
        self->dials[self->ndials++].addr = config->peers[index];

    struct sockaddr_in addr;
    if (s_resolve (config->p2p_host, config->p2p_port, &addr)) {
        tf_node_error ("p2p: bad listen host=%s", config->p2p_host);
        goto fail;
    }
    if (pipe (self->wake)) {
        tf_node_error ("p2p: pipe failed: %s", strerror (errno));
        goto fail;
    }
    fcntl (self->wake[0], F_SETFL, O_NONBLOCK);
    fcntl (self->wake[1], F_SETFL, O_NONBLOCK);
    self->listener = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt (self->listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (self->listener < 0 || bind (self->listener, (struct sockaddr *) &addr, sizeof addr)
        || listen (self->listener, 64)) {
        tf_node_error ("p2p: cannot listen on %s:%d: %s", config->p2p_host, config->p2p_port,
                       strerror (errno));
        goto fail;
    }
    socklen_t length = sizeof addr;
    getsockname (self->listener, (struct sockaddr *) &addr, &length);
    self->port = ntohs (addr.sin_port);
    s_nonblocking (self->listener);
    snprintf (self->tip, sizeof self->tip, "%064d", 0);
    return self;
fail:
    tf_node_p2p_destroy (&self);
    return NULL;
}

static void
s_conn_free (tf_node_p2p_conn_t *conn)
{
    if (conn->fd >= 0)
        close (conn->fd);
    free (conn->in);
    free (conn->out);
    free (conn);
}

void
tf_node_p2p_destroy (tf_node_p2p_t **self_p)
{
    assert (self_p);
    tf_node_p2p_t *self = *self_p;
    if (!self)
        return;
    for (tf_node_p2p_conn_t *conn = self->conns, *next; conn; conn = next) {
        next = conn->next;
        s_conn_free (conn);
    }
    if (self->listener >= 0)
        close (self->listener);
    if (self->wake[0] >= 0)
        close (self->wake[0]);
    if (self->wake[1] >= 0)
        close (self->wake[1]);
    json_decref (self->blocked);
    free (self->dials);
    free (self);
    *self_p = NULL;
}

static int
s_is_blocked (const tf_node_p2p_t *self, const char *peer_id)
{
    return *peer_id && json_object_get (self->blocked, peer_id) != NULL;
}

static void
s_dial_due (tf_node_p2p_t *self, int64_t now)
{
    for (size_t index = 0; index < self->ndials; index++) {
        dial_t *dial = &self->dials[index];
        if (dial->conn || dial->is_self || now < dial->next_dial_ms
            || s_is_blocked (self, dial->addr.peer_id))
            continue;
        dial->next_dial_ms = now + TF_NODE_P2P_REDIAL_MS;
        struct sockaddr_in addr;
        if (s_resolve (dial->addr.host, dial->addr.port, &addr))
            continue;
        int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        s_nonblocking (fd);
        int rc = connect (fd, (struct sockaddr *) &addr, sizeof addr);
        if (rc && errno != EINPROGRESS) {
            close (fd);
            continue;
        }
        dial->conn = s_conn_new (self, fd, (int) index, rc ? CONN_DIALING : CONN_HELLO);
        if (!rc)
            s_send_hello (self, dial->conn);
    }
}

static void
s_accept (tf_node_p2p_t *self)
{
    while (1) {
        int fd = accept4 (self->listener, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            break;
        size_t count = tf_node_p2p_connections (self) + tf_node_p2p_pending (self);
        if (count >= TF_NODE_P2P_MAX_CONNS) {
            close (fd);
            continue;
        }
        s_nonblocking (fd);
        s_send_hello (self, s_conn_new (self, fd, -1, CONN_HELLO));
    }
}

static void
s_handle_hello (tf_node_p2p_t *self, tf_node_p2p_conn_t *conn, json_t *frame)
{
    tf_node_hash_t key;
    if (tf_node_json_get_hash (json_object_get (frame, "key"), &key)) {
        conn->dead = 1;
        return;
    }
    tf_node_peer_id (&key, conn->peer_id);
    dial_t *dial = conn->dial_index >= 0 ? &self->dials[conn->dial_index] : NULL;
    if (strcmp (conn->peer_id, self->peer_id) == 0) {
        if (dial)
            dial->is_self = 1; //  Listed ourselves: never dial it again
        conn->dead = 1;
        return;
    }
    if (dial && *dial->addr.peer_id && strcmp (dial->addr.peer_id, conn->peer_id) != 0) {
        tf_node_warn ("p2p: peer id mismatch addr=%s:%d expected=%s got=%s", dial->addr.host,
                      dial->addr.port, dial->addr.peer_id, conn->peer_id);
        conn->dead = 1;
        return;
    }
    if (s_is_blocked (self, conn->peer_id)) {
        conn->dead = 1;
        return;
    }
    json_t *port = json_object_get (frame, "port");
    conn->peer_port = json_is_integer (port) ? (int) json_integer_value (port) : 0;
    conn->has_provider =
        tf_node_json_get_hash (json_object_get (frame, "provider"), &conn->provider) == 0;
    struct sockaddr_storage remote;
    socklen_t remote_size = sizeof remote;
    char host[INET6_ADDRSTRLEN] = "";
    if (getpeername (conn->fd, (struct sockaddr *) &remote, &remote_size) == 0) {
        if (remote.ss_family == AF_INET)
            inet_ntop (AF_INET, &((struct sockaddr_in *) &remote)->sin_addr, host, sizeof host);
        else if (remote.ss_family == AF_INET6)
            inet_ntop (AF_INET6, &((struct sockaddr_in6 *) &remote)->sin6_addr, host, sizeof host);
    }
    snprintf (conn->peer_addr, sizeof conn->peer_addr, "/%s/%s/tcp/%d",
              strchr (host, ':') ? "ip6" : "ip4", host[0] ? host : "0.0.0.0", conn->peer_port);
    conn->state = CONN_READY;
    tf_node_debug ("p2p: peer connected peer=%s direction=%s", conn->peer_id, dial ? "out" : "in");
    if (self->on_hello)
        self->on_hello (self->arg, conn, frame);
}

//  Cut complete frames out of the input buffer and dispatch them.
static void
s_handle_input (tf_node_p2p_t *self, tf_node_p2p_conn_t *conn)
{
    size_t offset = 0;
    while (!conn->dead && conn->in_size - offset >= 4) {
        const uint8_t *head = conn->in + offset;
        uint32_t length =
            (uint32_t) head[0] << 24 | (uint32_t) head[1] << 16 | (uint32_t) head[2] << 8 | head[3];
        if (length > TF_NODE_P2P_MAX_FRAME) {
            conn->dead = 1;
            break;
        }
        if (conn->in_size - offset < 4 + (size_t) length)
            break;
        json_t *frame = json_loadb ((const char *) head + 4, length, 0, NULL);
        offset += 4 + length;
        const char *type = json_string_value (json_object_get (frame, "type"));
        if (!frame || !type)
            conn->dead = 1;
        else if (strcmp (type, "hello") == 0 && conn->state == CONN_HELLO)
            s_handle_hello (self, conn, frame);
        else if (conn->state == CONN_READY)
            self->on_frame (self->arg, conn, frame);
        json_decref (frame);
    }
    memmove (conn->in, conn->in + offset, conn->in_size - offset);
    conn->in_size -= offset;
}

static void
s_read (tf_node_p2p_t *self, tf_node_p2p_conn_t *conn)
{
    while (!conn->dead) {
        if (conn->in_room - conn->in_size < 65536) {
            conn->in_room = conn->in_room ? conn->in_room * 2 : 131072;
            conn->in = realloc (conn->in, conn->in_room);
            assert (conn->in);
        }
        ssize_t got = recv (conn->fd, conn->in + conn->in_size, conn->in_room - conn->in_size, 0);
        if (got > 0) {
            conn->in_size += (size_t) got;
            s_handle_input (self, conn);
            continue;
        }
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            break;
        conn->dead = 1; //  EOF or error
    }
}

static void
s_write (tf_node_p2p_conn_t *conn)
{
    while (!conn->dead && conn->out_sent < conn->out_size) {
        ssize_t sent = send (conn->fd, conn->out + conn->out_sent, conn->out_size - conn->out_sent,
                             MSG_NOSIGNAL);
        if (sent > 0)
            conn->out_sent += (size_t) sent;
        else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            break;
        else
            conn->dead = 1;
    }
    if (conn->out_sent == conn->out_size)
        conn->out_sent = conn->out_size = 0;
}

static void
s_reap (tf_node_p2p_t *self)
{
    for (tf_node_p2p_conn_t **link = &self->conns; *link;) {
        tf_node_p2p_conn_t *conn = *link;
        if (!conn->dead) {
            link = &conn->next;
            continue;
        }
        if (conn->state == CONN_READY)
            tf_node_debug ("p2p: peer disconnected peer=%s", conn->peer_id);
        if (conn->dial_index >= 0)
            self->dials[conn->dial_index].conn = NULL;
        *link = conn->next;
        s_conn_free (conn);
    }
}

void
tf_node_p2p_poll (tf_node_p2p_t *self, int timeout_ms)
{
    assert (self);
    s_dial_due (self, s_now_ms ());
    size_t count = 2;
    for (tf_node_p2p_conn_t *conn = self->conns; conn; conn = conn->next)
        count++;
    struct pollfd *fds = calloc (count, sizeof *fds);
    tf_node_p2p_conn_t **owners = calloc (count, sizeof *owners);
    assert (fds && owners);
    fds[0] = (struct pollfd){self->wake[0], POLLIN, 0};
    fds[1] = (struct pollfd){self->listener, POLLIN, 0};
    size_t used = 2;
    for (tf_node_p2p_conn_t *conn = self->conns; conn; conn = conn->next) {
        short events = conn->state == CONN_DIALING ? POLLOUT : POLLIN;
        if (conn->out_size > conn->out_sent)
            events |= POLLOUT;
        owners[used] = conn;
        fds[used++] = (struct pollfd){conn->fd, events, 0};
    }
    pthread_mutex_unlock (self->mutex);
    int ready = poll (fds, used, timeout_ms);
    pthread_mutex_lock (self->mutex);
    if (ready > 0) {
        if (fds[0].revents) {
            char drain[256];
            while (read (self->wake[0], drain, sizeof drain) > 0)
                ;
        }
        if (fds[1].revents & POLLIN)
            s_accept (self);
        for (size_t index = 2; index < used; index++) {
            tf_node_p2p_conn_t *conn = owners[index];
            short revents = fds[index].revents;
            if (!revents || conn->dead)
                continue;
            if (conn->state == CONN_DIALING) {
                int error = 0;
                socklen_t length = sizeof error;
                getsockopt (conn->fd, SOL_SOCKET, SO_ERROR, &error, &length);
                if (error || (revents & (POLLERR | POLLHUP))) {
                    conn->dead = 1;
                    continue;
                }
                conn->state = CONN_HELLO;
                s_send_hello (self, conn);
            }
            if (revents & (POLLIN | POLLHUP | POLLERR))
                s_read (self, conn);
            if (revents & POLLOUT)
                s_write (conn);
        }
    }
    free (fds);
    free (owners);
    //  Frames queued by callbacks go out now rather than after the next wait
    for (tf_node_p2p_conn_t *conn = self->conns; conn; conn = conn->next)
        if (conn->state != CONN_DIALING)
            s_write (conn);
    s_reap (self);
}

void
tf_node_p2p_wake (tf_node_p2p_t *self)
{
    assert (self);
    char byte = 1;
    ssize_t rc = write (self->wake[1], &byte, 1);
    (void) rc; //  A full pipe already means "wake up"
}

static void
s_queue (tf_node_p2p_conn_t *conn, const json_t *frame)
{
    if (conn->dead)
        return;
    char *text = json_dumps (frame, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert (text);
    size_t length = strlen (text);
    if (conn->out_size + length + 4 > TF_NODE_P2P_MAX_OUTBUF) {
        conn->dead = 1; //  Hopelessly behind
        free (text);
        return;
    }
    if (conn->out_size + length + 4 > conn->out_room) {
        size_t room = conn->out_room ? conn->out_room : 65536;
        while (room < conn->out_size + length + 4)
            room *= 2;
        conn->out = realloc (conn->out, room);
        assert (conn->out);
        conn->out_room = room;
    }
    uint8_t *cursor = conn->out + conn->out_size;
    cursor[0] = (uint8_t) (length >> 24);
    cursor[1] = (uint8_t) (length >> 16);
    cursor[2] = (uint8_t) (length >> 8);
    cursor[3] = (uint8_t) length;
    memcpy (cursor + 4, text, length);
    conn->out_size += length + 4;
    free (text);
}

static void
s_send_hello (tf_node_p2p_t *self, tf_node_p2p_conn_t *conn)
{
    json_t *hello = json_pack ("{s:s, s:i, s:s, s:i, s:s, s:I}", "type", "hello", "version",
                               TF_NODE_P2P_VERSION, "key", self->key_hex, "port", self->port, "tip",
                               self->tip, "height", (json_int_t) self->height);
    if (self->provider_hex[0])
        json_object_set_new (hello, "provider", json_string (self->provider_hex));
    s_queue (conn, hello);
    json_decref (hello);
}

void
tf_node_p2p_broadcast (tf_node_p2p_t *self, const json_t *frame, tf_node_p2p_conn_t *skip)
{
    assert (self);
    for (tf_node_p2p_conn_t *conn = self->conns; conn; conn = conn->next)
        if (conn != skip && conn->state == CONN_READY)
            s_queue (conn, frame);
    tf_node_p2p_wake (self);
}

void
tf_node_p2p_send (tf_node_p2p_t *self, tf_node_p2p_conn_t *conn, const json_t *frame)
{
    s_queue (conn, frame);
    tf_node_p2p_wake (self);
}

void
tf_node_p2p_set_tip (tf_node_p2p_t *self, const char *tip_hex, uint64_t height)
{
    snprintf (self->tip, sizeof self->tip, "%s", tip_hex);
    self->height = height;
}

int
tf_node_p2p_block (tf_node_p2p_t *self, const char *peer_id)
{
    tf_node_hash_t pk;
    if (tf_node_peer_id_decode (peer_id, &pk))
        return -1;
    if (!json_object_get (self->blocked, peer_id)
        && json_object_size (self->blocked) >= TF_NODE_P2P_MAX_BLOCKED)
        return -2;
    json_object_set_new (self->blocked, peer_id, json_true ());
    for (tf_node_p2p_conn_t *conn = self->conns; conn; conn = conn->next)
        if (strcmp (conn->peer_id, peer_id) == 0)
            conn->dead = 1;
    tf_node_info ("p2p: peer blocked peer=%s", peer_id);
    tf_node_p2p_wake (self);
    return 0;
}

int
tf_node_p2p_unblock (tf_node_p2p_t *self, const char *peer_id)
{
    tf_node_hash_t pk;
    if (tf_node_peer_id_decode (peer_id, &pk))
        return -1;
    json_object_del (self->blocked, peer_id);
    tf_node_info ("p2p: peer unblocked peer=%s", peer_id);
    tf_node_p2p_wake (self);
    return 0;
}

json_t *
tf_node_p2p_blocked (const tf_node_p2p_t *self)
{
    json_t *list = json_array ();
    const char *peer_id;
    json_t *value;
    json_object_foreach (self->blocked, peer_id, value)
        json_array_append_new (list, json_string (peer_id));
    return list;
}

size_t
tf_node_p2p_peers (const tf_node_p2p_t *self)
{
    size_t count = 0;
    for (tf_node_p2p_conn_t *conn = self->conns; conn; conn = conn->next) {
        if (conn->state != CONN_READY || conn->dead)
            continue;
        int seen = 0;
        for (tf_node_p2p_conn_t *other = self->conns; other != conn && !seen; other = other->next)
            seen = other->state == CONN_READY && !other->dead
                   && strcmp (other->peer_id, conn->peer_id) == 0;
        count += !seen;
    }
    return count;
}

void
tf_node_p2p_foreach (const tf_node_p2p_t *self, tf_node_p2p_visit_fn *visit, void *arg)
{
    for (tf_node_p2p_conn_t *conn = self->conns; conn; conn = conn->next)
        if (conn->state == CONN_READY && !conn->dead)
            visit (arg, conn->peer_id, conn->peer_addr, conn->has_provider ? &conn->provider : NULL,
                   conn->dial_index < 0);
}

size_t
tf_node_p2p_connections (const tf_node_p2p_t *self)
{
    size_t count = 0;
    for (tf_node_p2p_conn_t *conn = self->conns; conn; conn = conn->next)
        count += conn->state == CONN_READY && !conn->dead;
    return count;
}

size_t
tf_node_p2p_pending (const tf_node_p2p_t *self)
{
    size_t count = 0;
    for (tf_node_p2p_conn_t *conn = self->conns; conn; conn = conn->next)
        count += conn->state != CONN_READY && !conn->dead;
    return count;
}

const char *
tf_node_p2p_peer_id (const tf_node_p2p_t *self)
{
    return self->peer_id;
}

int
tf_node_p2p_port (const tf_node_p2p_t *self)
{
    return self->port;
}

const char *
tf_node_p2p_conn_peer_id (const tf_node_p2p_conn_t *conn)
{
    return conn->peer_id;
}
