#pragma once
// KUMO_CHECK is for states that cannot happen unless kumo itself is wrong; it never guards user
// input. It aborts loudly with the location so the bug is found, not hidden.

#include <cstdio>
#include <cstdlib>

#define KUMO_CHECK(cond)                                                             \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "KUMO_CHECK failed: %s at %s:%d\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)
