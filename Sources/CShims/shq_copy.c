#include "shq_copy.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <emmintrin.h>

void shq_copy_streaming(void *destination, const void *source, size_t count) {
  unsigned char *out = destination;
  const unsigned char *in = source;
  // Up to the destination's first 16-byte boundary with memcpy: streaming stores need aligned addresses.
  size_t lead = (16 - ((uintptr_t)out & 15)) & 15;
  if (lead > count) lead = count;
  memcpy(out, in, lead);
  out += lead;
  in += lead;
  count -= lead;
  // SSE2 is part of x86-64, so no CPU check is needed.
  for (; count >= 64; count -= 64, in += 64, out += 64) {
    __m128i a = _mm_loadu_si128((const __m128i *)in), b = _mm_loadu_si128((const __m128i *)(in + 16));
    __m128i c = _mm_loadu_si128((const __m128i *)(in + 32)), d = _mm_loadu_si128((const __m128i *)(in + 48));
    _mm_stream_si128((__m128i *)out, a);
    _mm_stream_si128((__m128i *)(out + 16), b);
    _mm_stream_si128((__m128i *)(out + 32), c);
    _mm_stream_si128((__m128i *)(out + 48), d);
  }
  memcpy(out, in, count);
  // Streaming stores are weakly ordered: make them visible before the caller publishes the bytes.
  _mm_sfence();
}

#else

void shq_copy_streaming(void *destination, const void *source, size_t count) { memcpy(destination, source, count); }

#endif
