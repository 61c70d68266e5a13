#pragma once
// The characters SQS accepts in message bodies and string attribute values: valid UTF-8 of
// #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF (XML 1.0's set, since bodies
// travel inside XML in the query protocol).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kumo::api::sqs {

// Decodes the code point at `*pos` and advances past it; nullopt (and `*pos` past one byte) for
// a byte that does not start a valid, shortest-form UTF-8 sequence.
std::optional<uint32_t> DecodeUtf8(std::string_view text, size_t* pos);

bool IsAllowedCodePoint(uint32_t cp);

// Nullopt when every character is allowed; else how SQS names the first bad one ("#x1", or
// "invalid UTF-8").
std::optional<std::string> FindInvalidCharacter(std::string_view text);

}  // namespace kumo::api::sqs
