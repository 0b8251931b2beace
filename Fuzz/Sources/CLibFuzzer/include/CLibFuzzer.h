#ifndef C_LIBFUZZER_H
#define C_LIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point for programs with their own main (compiler-rt FuzzerInterface.h).
   SwiftPM gives every executable its own main, so the targets call this instead of linking
   libFuzzer's main. */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

#endif
