// The per-field callback for libcsv, in C: it runs once per field (66 million times for one
// Azure 2019 day), where a Swift closure behind a @convention(c) thunk costs several times more.
// It copies each field into one growing buffer, NUL-terminated, and records where each ends.
#ifndef PLACER_CSV_FIELDS_H
#define PLACER_CSV_FIELDS_H

#include <stddef.h>

typedef struct {
    unsigned char *storage;   // fields back to back, each followed by a NUL
    size_t capacity;
    size_t used;
    long *ends;               // ends[i] = offset of field i's terminating NUL
    size_t ends_capacity;
    size_t field_count;
    long first_field_line;    // physical line on which the current row's first field started
    long current_line;        // physical line being fed (1-based)
    int failed;               // set by the owner to ignore further fields
    int out_of_memory;        // set when growing failed; the owner reports it
    void *owner;              // the Swift parser, for the row callback
} placer_field_buffer;

/// Allocates the buffers; returns 0 on success.
int placer_field_buffer_init(placer_field_buffer *buffer);
/// Frees the buffers.
void placer_field_buffer_free(placer_field_buffer *buffer);
/// libcsv field callback; `context` is a placer_field_buffer.
void placer_csv_field(void *data, size_t length, void *context);

#endif
