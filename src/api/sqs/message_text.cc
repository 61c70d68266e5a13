#include "api/sqs/message_text.h"

#include <cstdio>

namespace kumo::api::sqs {

std::optional<uint32_t> DecodeUtf8(std::string_view text, size_t* pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  size_t i = *pos;
  unsigned char lead = byte(i);
  *pos = i + 1;
  if (lead < 0x80) return lead;
  int extra;
  uint32_t cp;
  uint32_t min;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3, cp = lead & 0x07, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (i + extra >= text.size()) return std::nullopt;
  for (int k = 1; k <= extra; ++k) {
    unsigned char c = byte(i + k);
    if ((c & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (c & 0x3F);
  }
  // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  *pos = i + 1 + extra;
  return cp;
}

bool IsAllowedCodePoint(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

std::optional<std::string> FindInvalidCharacter(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    std::optional<uint32_t> cp = DecodeUtf8(text, &pos);
    if (!cp) return "invalid UTF-8";
    if (!IsAllowedCodePoint(*cp)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "#x%X", *cp);
      return std::string(buf);
    }
  }
  return std::nullopt;
}

}  // namespace kumo::api::sqs
