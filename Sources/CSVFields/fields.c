#include "csv_fields.h"

#include <stdlib.h>
#include <string.h>

int placer_field_buffer_init(placer_field_buffer *b) {
    memset(b, 0, sizeof *b);
    b->capacity = 1 << 16;
    b->ends_capacity = 2048;
    b->storage = malloc(b->capacity);
    b->ends = malloc(b->ends_capacity * sizeof *b->ends);
    b->current_line = 1;
    return (b->storage && b->ends) ? 0 : -1;
}

void placer_field_buffer_free(placer_field_buffer *b) {
    free(b->storage);
    free(b->ends);
    b->storage = NULL;
    b->ends = NULL;
}

static int grow(placer_field_buffer *b, size_t length) {
    if (b->used + length + 1 > b->capacity) {
        size_t capacity = b->capacity * 2;
        while (b->used + length + 1 > capacity) capacity *= 2;
        unsigned char *storage = realloc(b->storage, capacity);
        if (!storage) return -1;
        b->storage = storage;
        b->capacity = capacity;
    }
    if (b->field_count == b->ends_capacity) {
        long *ends = realloc(b->ends, b->ends_capacity * 2 * sizeof *ends);
        if (!ends) return -1;
        b->ends = ends;
        b->ends_capacity *= 2;
    }
    return 0;
}

void placer_csv_field(void *data, size_t length, void *context) {
    placer_field_buffer *b = context;
    if (b->failed) return;
    if (b->field_count == 0) {
        // A quoted field may span lines: the row starts on the line of its first byte.
        long newlines = 0;
        const unsigned char *bytes = data;
        if (bytes && memchr(bytes, '\n', length))
            for (size_t i = 0; i < length; i++) newlines += bytes[i] == '\n';
        b->first_field_line = b->current_line - newlines;
    }
    if (b->used + length + 1 > b->capacity || b->field_count == b->ends_capacity) {
        if (grow(b, length) != 0) { b->failed = 1; b->out_of_memory = 1; return; }
    }
    unsigned char *destination = b->storage + b->used;
    const unsigned char *source = data;
    // Most trace fields are one to four digits: a call to memcpy would cost more than the copy.
    switch (length) {
    case 4: destination[3] = source[3]; /* fall through */
    case 3: destination[2] = source[2]; /* fall through */
    case 2: destination[1] = source[1]; /* fall through */
    case 1: destination[0] = source[0]; /* fall through */
    case 0: break;
    default: memcpy(destination, source, length);
    }
    destination[length] = 0;
    b->ends[b->field_count++] = (long)(b->used + length);
    b->used += length + 1;
}
