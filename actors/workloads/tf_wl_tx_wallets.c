//  tf_wl_tx_wallets.c - the transaction workload's users and their notes

#include <czmq.h>
#include <sodium.h>
#include "tf_rng.h"
#include "tf_wl_tx_wallets.h"

#define S_TRANSFER_OUTPUTS 2 //  Payment and change

//  A note a user may spend
typedef struct {
    uint8_t id[TF_KEYS_HASH_SIZE];
    uint64_t value;
    unsigned strikes;      //  Times a node rejected a tx spending it
    uint64_t ready_height; //  Spent once the feed reaches this height
} s_note_t;

//  One user: wallet key and spendable notes
typedef struct {
    tf_key_t key;
    s_note_t *notes; //  Spendable notes (owned array)
    size_t count;
    size_t capacity;
    size_t in_flight; //  Its txs pending: each gives it change (or a note) back
} s_user_t;

typedef enum { S_BUILT, S_ACCEPTED, S_EXPIRED } s_state_t;

//  One output of a pending tx
typedef struct {
    uint64_t value; //  Its value ...
    size_t owner;   //  ... and the user it pays
} s_output_t;

//  A tx of ours that no block has carried yet
typedef struct {
    s_state_t state;
    size_t sender;            //  User index
    s_note_t input;           //  The note it spends
    bool fanout;              //  Splits its input into many notes of the sender
    uint64_t accepted_height; //  Chain height when a node accepted it
    size_t output_count;
    s_output_t outputs[]; //  output_count outputs, in tx order
} s_pending_t;

struct _tf_wl_tx_wallets_t {
    s_user_t *users; //  Owned array
    size_t user_count;
    size_t turn;                  //  Next sender to try
    tf_rng_t rng;                 //  Recipients
    zhashx_t *pending;            //  hash hex -> s_pending_t (owned)
    uint64_t height;              //  Highest block height seen
    size_t pool_target;           //  Notes a refill fan-out aims a user's pool at
    size_t pool_low;              //  A user below this many notes refills (0: never)
    size_t fanouts_pending;       //  Fan-out txs not yet included, refused or expired
    uint64_t fanouts;             //  Fan-out txs built
    uint64_t fanout_notes;        //  Notes they create
    uint64_t fanout_ready_height; //  Height at which the last included fan-out is spendable
};

//  zhashx destructor of a pending tx
static void
s_pending_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

//  Add a note to a user's pool
static void
s_push_note (s_user_t *user, const s_note_t *note)
{
    if (user->count == user->capacity) {
        user->capacity = user->capacity ? 2 * user->capacity : 8;
        user->notes = (s_note_t *) realloc (user->notes, user->capacity * sizeof (s_note_t));
        assert (user->notes);
    }
    user->notes[user->count++] = *note;
}

//  Index of the user's oldest note ready at height, or user->count if none
static size_t
s_ready_note (const s_user_t *user, uint64_t height)
{
    size_t oldest = user->count;
    for (size_t index = 0; index < user->count; index++)
        if (user->notes[index].ready_height <= height
            && (oldest == user->count
                || user->notes[index].ready_height < user->notes[oldest].ready_height))
            oldest = index;
    return oldest;
}

//  Take a note out of a user's pool by id; false when it is not there
static bool
s_remove_note (s_user_t *user, const uint8_t id[TF_KEYS_HASH_SIZE])
{
    for (size_t index = 0; index < user->count; index++)
        if (memcmp (user->notes[index].id, id, TF_KEYS_HASH_SIZE) == 0) {
            user->notes[index] = user->notes[--user->count];
            return true;
        }
    return false;
}

tf_wl_tx_wallets_t *
tf_wl_tx_wallets_new (const tf_wl_tx_wallet_t *users, size_t count, uint64_t seed,
                      const char *stream)
{
    assert (users || count == 0);
    tf_wl_tx_wallets_t *self = (tf_wl_tx_wallets_t *) zmalloc (sizeof (tf_wl_tx_wallets_t));
    self->users = (s_user_t *) zmalloc ((count ? count : 1) * sizeof (s_user_t));
    self->user_count = count;
    for (size_t index = 0; index < count; index++) {
        self->users[index].key = users[index].key;
        s_note_t note = {.value = users[index].amount};
        memcpy (note.id, users[index].note_id, TF_KEYS_HASH_SIZE);
        if (note.value > 0)
            s_push_note (&self->users[index], &note);
    }
    tf_rng_seed (&self->rng, seed, stream ? stream : "transactions");
    self->pending = zhashx_new ();
    zhashx_set_destructor (self->pending, s_pending_free);
    return self;
}

void
tf_wl_tx_wallets_destroy (tf_wl_tx_wallets_t **self_p)
{
    assert (self_p);
    tf_wl_tx_wallets_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->user_count; index++)
        free (self->users[index].notes);
    free (self->users);
    zhashx_destroy (&self->pending);
    free (self);
    *self_p = NULL;
}

//  Index of the user's highest-value note ready at height, or user->count if none
static size_t
s_largest_note (const s_user_t *user, uint64_t height)
{
    size_t largest = user->count;
    for (size_t index = 0; index < user->count; index++)
        if (user->notes[index].ready_height <= height
            && (largest == user->count || user->notes[index].value > user->notes[largest].value))
            largest = index;
    return largest;
}

//  Sign the pending tx (its input and outputs filled in), file it under its hash and
//  take its input out of the sender's pool. Returns 0, or -1 (nothing changed).
static int
s_file_pending (tf_wl_tx_wallets_t *self, s_pending_t *pending, size_t note, tf_tx_t *tx)
{
    s_user_t *user = &self->users[pending->sender];
    tf_tx_input_t input = {.owner = &user->key};
    memcpy (input.note_id, pending->input.id, TF_KEYS_HASH_SIZE);
    tf_tx_output_t outputs[TF_TX_MAX_OUTPUTS];
    assert (pending->output_count <= TF_TX_MAX_OUTPUTS);
    for (size_t index = 0; index < pending->output_count; index++) {
        outputs[index].value = pending->outputs[index].value;
        memcpy (outputs[index].public_key,
                self->users[pending->outputs[index].owner].key.public_key, TF_KEYS_PUBLIC_SIZE);
    }
    if (tf_tx_build (&input, 1, outputs, pending->output_count, tx))
        return -1;
    user->notes[note] = user->notes[--user->count];
    user->in_flight++;
    if (pending->fanout) {
        self->fanouts++;
        self->fanouts_pending++;
        self->fanout_notes += pending->output_count;
    }
    //  The same tx again: its note came back when it expired, and the same
    //  recipient was drawn. Only an expired record can hold a note in use.
    s_pending_t *previous = (s_pending_t *) zhashx_lookup (self->pending, tx->hash_hex);
    assert (!previous || previous->state == S_EXPIRED);
    if (previous)
        zhashx_delete (self->pending, tx->hash_hex);
    int rc = zhashx_insert (self->pending, tx->hash_hex, pending);
    assert (rc == 0);
    (void) rc;
    return 0;
}

//  A pending fan-out of the user's note into `count` notes of its own
static s_pending_t *
s_new_fanout (size_t sender, const s_note_t *input, size_t count)
{
    s_pending_t *pending =
        (s_pending_t *) zmalloc (sizeof (s_pending_t) + count * sizeof (s_output_t));
    pending->sender = sender;
    pending->input = *input;
    pending->fanout = true;
    pending->output_count = count;
    for (size_t index = 0; index < count; index++) {
        //  Even shares; the first outputs take the remainder
        pending->outputs[index].value =
            input->value / count + (index < input->value % count ? 1 : 0);
        pending->outputs[index].owner = sender;
    }
    return pending;
}

//  How many notes a fan-out of this note makes to bring a pool of `held` to target
static size_t
s_fanout_size (uint64_t value, size_t held, size_t target)
{
    size_t wanted = target > held ? target - held + 1 : 1; //  +1: the note spent
    if (wanted > TF_TX_MAX_OUTPUTS)
        wanted = TF_TX_MAX_OUTPUTS;
    return value < wanted ? (size_t) value : wanted;
}

int
tf_wl_tx_wallets_next (tf_wl_tx_wallets_t *self, tf_tx_t *tx, size_t *sender_p)
{
    assert (self && tx && sender_p);
    size_t sender = self->user_count;
    size_t note = 0;
    for (size_t step = 0; step < self->user_count && sender == self->user_count; step++) {
        size_t candidate = (self->turn + step) % self->user_count;
        note = s_ready_note (&self->users[candidate], self->height);
        if (note < self->users[candidate].count)
            sender = candidate;
    }
    if (sender == self->user_count)
        return -1;
    self->turn = (sender + 1) % self->user_count;
    s_user_t *user = &self->users[sender];
    //  A pool running low refills: its largest note fans out instead
    if (self->pool_low > 0 && user->count + user->in_flight < self->pool_low) {
        size_t largest = s_largest_note (user, self->height);
        size_t count = s_fanout_size (user->notes[largest].value, user->count + user->in_flight,
                                      self->pool_target);
        if (count >= TF_WL_TX_MIN_FANOUT) {
            s_pending_t *pending = s_new_fanout (sender, &user->notes[largest], count);
            if (s_file_pending (self, pending, largest, tx) == 0) {
                *sender_p = sender;
                return 0;
            }
            free (pending);
        }
    }
    s_pending_t *pending =
        (s_pending_t *) zmalloc (sizeof (s_pending_t) + S_TRANSFER_OUTPUTS * sizeof (s_output_t));
    pending->sender = sender;
    pending->input = user->notes[note];
    //  Recipient: any other user, or the sender itself when it is alone
    size_t recipient = sender;
    if (self->user_count > 1) {
        recipient = (size_t) tf_rng_range (&self->rng, 0, (int64_t) self->user_count - 2);
        if (recipient >= sender)
            recipient++;
    }
    uint64_t value = pending->input.value;
    pending->outputs[0] = (s_output_t){.value = value >= 2 ? value / 2 : value, .owner = recipient};
    pending->output_count = 1;
    if (value >= 2) {
        pending->outputs[1] = (s_output_t){.value = value - value / 2, .owner = sender};
        pending->output_count = 2;
    }
    if (s_file_pending (self, pending, note, tx)) {
        free (pending);
        return -1;
    }
    *sender_p = sender;
    return 0;
}

int
tf_wl_tx_wallets_fanout (tf_wl_tx_wallets_t *self, size_t user_index, size_t notes, tf_tx_t *tx)
{
    assert (self && tx && user_index < self->user_count);
    s_user_t *user = &self->users[user_index];
    size_t largest = s_largest_note (user, self->height);
    if (largest == user->count)
        return -1;
    size_t count = s_fanout_size (user->notes[largest].value, user->count + user->in_flight, notes);
    if (count < TF_WL_TX_MIN_FANOUT)
        return -1;
    s_pending_t *pending = s_new_fanout (user_index, &user->notes[largest], count);
    if (s_file_pending (self, pending, largest, tx)) {
        free (pending);
        return -1;
    }
    return 0;
}

void
tf_wl_tx_wallets_set_pool (tf_wl_tx_wallets_t *self, size_t target, size_t low)
{
    assert (self);
    self->pool_target = target;
    self->pool_low = low;
}

size_t
tf_wl_tx_wallets_users (tf_wl_tx_wallets_t *self)
{
    assert (self);
    return self->user_count;
}

size_t
tf_wl_tx_wallets_fanouts_pending (tf_wl_tx_wallets_t *self)
{
    assert (self);
    return self->fanouts_pending;
}

uint64_t
tf_wl_tx_wallets_fanouts (tf_wl_tx_wallets_t *self, uint64_t *notes_p)
{
    assert (self);
    if (notes_p)
        *notes_p = self->fanout_notes;
    return self->fanouts;
}

bool
tf_wl_tx_wallets_fanouts_ripe (tf_wl_tx_wallets_t *self)
{
    assert (self);
    return self->fanouts_pending == 0 && self->height >= self->fanout_ready_height;
}

void
tf_wl_tx_wallets_accepted (tf_wl_tx_wallets_t *self, const char *hash, uint64_t height)
{
    assert (self && hash);
    s_pending_t *pending = (s_pending_t *) zhashx_lookup (self->pending, hash);
    if (pending && pending->state == S_BUILT) {
        pending->state = S_ACCEPTED;
        pending->accepted_height = height;
    }
}

//  The pending tx is no longer in flight: included, refused or expired
static void
s_settle (tf_wl_tx_wallets_t *self, s_pending_t *pending)
{
    s_user_t *user = &self->users[pending->sender];
    if (user->in_flight > 0)
        user->in_flight--;
    if (pending->fanout && self->fanouts_pending > 0)
        self->fanouts_pending--;
}

//  Give a pending tx's input back to its sender (with a strike if rejected)
static void
s_release_input (tf_wl_tx_wallets_t *self, s_pending_t *pending, bool strike)
{
    s_note_t note = pending->input;
    if (strike)
        note.strikes++;
    if (note.strikes < TF_WL_TX_MAX_STRIKES)
        s_push_note (&self->users[pending->sender], &note);
}

void
tf_wl_tx_wallets_refused (tf_wl_tx_wallets_t *self, const char *hash, bool rejected)
{
    assert (self && hash);
    s_pending_t *pending = (s_pending_t *) zhashx_lookup (self->pending, hash);
    if (!pending || pending->state == S_EXPIRED)
        return;
    s_settle (self, pending);
    s_release_input (self, pending, rejected);
    zhashx_delete (self->pending, hash);
}

size_t
tf_wl_tx_wallets_included (tf_wl_tx_wallets_t *self, const tf_strs_t *hashes, uint64_t height)
{
    assert (self && hashes);
    if (height > self->height)
        self->height = height;
    size_t ours = 0;
    for (size_t index = 0; index < hashes->count; index++) {
        const char *hash = hashes->items[index];
        s_pending_t *pending = (s_pending_t *) zhashx_lookup (self->pending, hash);
        uint8_t tx_hash[TF_KEYS_HASH_SIZE];
        if (!pending
            || sodium_hex2bin (tx_hash, sizeof tx_hash, hash, strlen (hash), NULL, NULL, NULL) != 0)
            continue;
        ours++;
        //  An expired tx's input went back to the pool: it is spent after all
        if (pending->state == S_EXPIRED)
            s_remove_note (&self->users[pending->sender], pending->input.id);
        else
            s_settle (self, pending);
        for (size_t output = 0; output < pending->output_count; output++) {
            s_user_t *owner = &self->users[pending->outputs[output].owner];
            s_note_t note = {.value = pending->outputs[output].value,
                             .ready_height = height + TF_WL_TX_CONFIRMATIONS};
            tf_api_tx_note_id (tx_hash, output, note.value, owner->key.public_key, note.id);
            s_push_note (owner, &note);
        }
        if (pending->fanout && height + TF_WL_TX_CONFIRMATIONS > self->fanout_ready_height)
            self->fanout_ready_height = height + TF_WL_TX_CONFIRMATIONS;
        zhashx_delete (self->pending, hash);
    }
    return ours;
}

size_t
tf_wl_tx_wallets_expire (tf_wl_tx_wallets_t *self, uint64_t height, uint64_t stale_blocks)
{
    assert (self);
    size_t expired = 0;
    for (s_pending_t *pending = (s_pending_t *) zhashx_first (self->pending); pending;
         pending = (s_pending_t *) zhashx_next (self->pending))
        if (pending->state == S_ACCEPTED && pending->accepted_height + stale_blocks <= height) {
            s_settle (self, pending);
            pending->state = S_EXPIRED;
            s_release_input (self, pending, true);
            expired++;
        }
    return expired;
}

size_t
tf_wl_tx_wallets_spendable (tf_wl_tx_wallets_t *self)
{
    assert (self);
    size_t count = 0;
    for (size_t index = 0; index < self->user_count; index++)
        count += self->users[index].count;
    return count;
}

size_t
tf_wl_tx_wallets_pending (tf_wl_tx_wallets_t *self)
{
    assert (self);
    size_t count = 0;
    for (s_pending_t *pending = (s_pending_t *) zhashx_first (self->pending); pending;
         pending = (s_pending_t *) zhashx_next (self->pending))
        count += pending->state != S_EXPIRED;
    return count;
}

uint64_t
tf_wl_tx_wallets_funds (tf_wl_tx_wallets_t *self)
{
    assert (self);
    uint64_t funds = 0;
    for (size_t index = 0; index < self->user_count; index++)
        for (size_t note = 0; note < self->users[index].count; note++)
            funds += self->users[index].notes[note].value;
    for (s_pending_t *pending = (s_pending_t *) zhashx_first (self->pending); pending;
         pending = (s_pending_t *) zhashx_next (self->pending))
        if (pending->state != S_EXPIRED)
            funds += pending->input.value;
    return funds;
}
