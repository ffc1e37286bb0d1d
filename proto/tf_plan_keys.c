//  tf_plan_keys.c - the key file of wallets funded already (see tf_plan_keys.h)

#include "tf_plan_keys.h"
#include <czmq.h>
#include <ctype.h>

#define S_FIELDS 3 //  Seed, note id, value

//  Parse 64 hex characters at text into bytes; 0 or -1
static int
s_hex32 (const char *text, size_t length, uint8_t bytes[TF_PLAN_KEYS_BYTES])
{
    if (length != 2 * TF_PLAN_KEYS_BYTES)
        return -1;
    for (size_t index = 0; index < TF_PLAN_KEYS_BYTES; index++) {
        char pair[3] = {text[2 * index], text[2 * index + 1], 0};
        if (!isxdigit ((unsigned char) pair[0]) || !isxdigit ((unsigned char) pair[1]))
            return -1;
        bytes[index] = (uint8_t) strtoul (pair, NULL, 16);
    }
    return 0;
}

//  Parse one non-comment line into *entry; on a problem, report it at its
//  column and return -1
static int
s_parse_line (const char *path, const char *key, int number, const char *line, tf_plan_key_t *entry,
              tf_plan_errors_t *errors)
{
    static const char *const names[S_FIELDS] = {"seed", "note id", "value"};
    const char *cursor = line;
    for (int field = 0; field < S_FIELDS; field++) {
        while (*cursor == ' ' || *cursor == '\t')
            cursor++;
        int column = (int) (cursor - line) + 1;
        const char *start = cursor;
        while (*cursor && *cursor != ' ' && *cursor != '\t')
            cursor++;
        size_t length = (size_t) (cursor - start);
        if (length == 0) {
            tf_plan_errors_add (errors, path, number, column, key,
                                "expected three fields (seed, note id, value), the %s is missing",
                                names[field]);
            return -1;
        }
        if (field < 2) {
            uint8_t *bytes = field == 0 ? entry->seed : entry->note_id;
            if (s_hex32 (start, length, bytes)) {
                tf_plan_errors_add (errors, path, number, column, key,
                                    "expected the %s as 64 hex characters, got '%.*s'",
                                    names[field], (int) (length > 70 ? 70 : length), start);
                return -1;
            }
        }
        else {
            char digits[24] = "";
            bool ok = length < sizeof digits;
            for (size_t at = 0; ok && at < length; at++)
                ok = isdigit ((unsigned char) start[at]);
            if (ok) {
                memcpy (digits, start, length);
                errno = 0;
                entry->value = strtoull (digits, NULL, 10);
                ok = errno == 0 && entry->value >= 1;
            }
            if (!ok) {
                tf_plan_errors_add (errors, path, number, column, key,
                                    "expected the value as an integer >= 1, got '%.*s'",
                                    (int) (length > 24 ? 24 : length), start);
                return -1;
            }
        }
    }
    while (*cursor == ' ' || *cursor == '\t')
        cursor++;
    if (*cursor) {
        tf_plan_errors_add (errors, path, number, (int) (cursor - line) + 1, key,
                            "expected three fields (seed, note id, value), got more");
        return -1;
    }
    return 0;
}

int
tf_plan_keys_read (const char *path, const char *key, tf_plan_key_t **keys_p, size_t *count_p,
                   tf_plan_errors_t *errors)
{
    assert (path && key && keys_p && count_p && errors);
    int rc = -1;
    size_t since = tf_plan_errors_count (errors);
    size_t count = 0, capacity = 16;
    tf_plan_key_t *keys = (tf_plan_key_t *) zmalloc ((capacity + 1) * sizeof (tf_plan_key_t));
    char line[TF_PLAN_KEYS_MAX_LINE + 2];
    int number = 0;
    size_t bytes = 0;
    FILE *file = fopen (path, "re");
    if (!file) {
        tf_plan_errors_add (errors, path, 0, 0, key, "cannot open the key file: %s",
                            strerror (errno));
        goto out;
    }
    while (fgets (line, sizeof line, file)) {
        number++;
        size_t length = strlen (line);
        bytes += length;
        if (bytes > TF_PLAN_KEYS_MAX_FILE) {
            tf_plan_errors_add (errors, path, number, 1, key, "too large: at most %u bytes",
                                TF_PLAN_KEYS_MAX_FILE);
            goto out;
        }
        if (length && line[length - 1] != '\n' && !feof (file)) {
            tf_plan_errors_add (errors, path, number, 1, key, "line longer than %d bytes",
                                TF_PLAN_KEYS_MAX_LINE);
            goto out;
        }
        while (length && (line[length - 1] == '\n' || line[length - 1] == '\r'))
            line[--length] = 0;
        const char *first = line;
        while (*first == ' ' || *first == '\t')
            first++;
        if (!*first || *first == '#')
            continue;
        if (count == TF_PLAN_MAX_WALLETS) {
            tf_plan_errors_add (errors, path, number, 1, key, "expected at most %d wallets",
                                TF_PLAN_MAX_WALLETS);
            goto out;
        }
        if (count == capacity) {
            capacity *= 2;
            keys = (tf_plan_key_t *) realloc (keys, (capacity + 1) * sizeof (tf_plan_key_t));
            assert (keys);
        }
        memset (&keys[count], 0, sizeof keys[count]);
        if (s_parse_line (path, key, number, line, &keys[count], errors) == 0)
            count++;
    }
    if (tf_plan_errors_count (errors) == since && count == 0)
        tf_plan_errors_add (errors, path, number, 0, key,
                            "no wallet in the key file (one line per funded note: seed, note "
                            "id, value)");
    if (tf_plan_errors_count (errors) == since) {
        memset (&keys[count], 0, sizeof keys[count]);
        *keys_p = keys;
        *count_p = count;
        keys = NULL;
        rc = 0;
    }
out:
    if (file)
        fclose (file);
    free (keys);
    return rc;
}
