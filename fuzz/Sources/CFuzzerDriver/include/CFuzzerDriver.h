#pragma once
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (LLVM 12 and later): runs the fuzzing loop with `callback` as the target,
/// reading libFuzzer's flags from argc/argv. SwiftPM names an executable's entry point itself, so
/// the entry point calls this instead of linking libFuzzer's own `main`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
