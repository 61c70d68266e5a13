#pragma once
// SQS's checksums (MD5 is what SQS defines for them; they guard transport, not secrets).

#include <string>
#include <string_view>

#include "api/sqs/message_attributes.h"

namespace kumo::api::sqs {

// Lower-case hex MD5 of `data` (MD5OfMessageBody).
std::string Md5Hex(std::string_view data);

// MD5OfMessageAttributes / MD5OfMessageSystemAttributes: for each attribute in name order, the
// name, the data type (each as a 4-byte big-endian length and its bytes), one transport byte (1
// for String and Number, 2 for Binary) and the value (length and bytes), all hashed together.
// "" when `attributes` is empty (SQS then sends no checksum).
std::string Md5OfAttributes(const MessageAttributes& attributes);

}  // namespace kumo::api::sqs
