#pragma once
// Message attributes (MessageAttributes and MessageSystemAttributes): parsing and validating
// them from a request, their size, and the JSON kept with each stored message. That stored JSON
// is the JSON protocol's own shape, which other parts of kumo (queue event sources) read:
//   {"<name>": {"DataType": "String", "StringValue": "..."},
//    "<name>": {"DataType": "Binary", "BinaryValue": "<base64>"}}

#include <boost/json.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/sqs/sqs_error.h"

namespace kumo::api::sqs {

struct MessageAttribute {
  std::string data_type;  // String, Number or Binary, optionally followed by ".<label>"
  std::string value;      // the text, or the decoded bytes of a Binary
  bool IsBinary() const { return data_type.rfind("Binary", 0) == 0; }
};
// Sorted by name, the order the MD5 of attributes needs.
using MessageAttributes = std::map<std::string, MessageAttribute>;

// Reads and validates a MessageAttributes map (JSON protocol shape; the query protocol's form is
// converted to it first). `system` reads MessageSystemAttributes (only AWSTraceHeader).
SqsResult<MessageAttributes> ParseMessageAttributes(const boost::json::value* value, bool system);

// Name, data type and value bytes together: what counts toward MaximumMessageSize.
size_t AttributesSize(const MessageAttributes& attributes);

// To and from the stored JSON (see the top of this file). Parsing is lenient: what it cannot
// read it leaves out.
boost::json::object AttributesToJson(const MessageAttributes& attributes);
std::string SerializeAttributes(const MessageAttributes& attributes);
MessageAttributes ParseStoredAttributes(std::string_view json);

// Which of `attributes` a ReceiveMessage asked for: "All", ".*", "prefix.*" or exact names.
MessageAttributes SelectAttributes(const MessageAttributes& attributes,
                                   const std::vector<std::string>& requested);

}  // namespace kumo::api::sqs
