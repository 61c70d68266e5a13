#pragma once
// The query protocol's requests: form (or URL query) parameters such as
//   Action=SendMessageBatch&SendMessageBatchRequestEntry.1.Id=a&
//   SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=n&
//   SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=v
// turned into the JSON protocol's input shape ({"Entries": [{"Id": "a", "MessageAttributes":
// {"n": {"StringValue": "v"}}}]}), so that one implementation of each action serves both.

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/sqs/sqs_error.h"

namespace kumo::api::sqs {

using FormParams = std::vector<std::pair<std::string, std::string>>;

// Decodes application/x-www-form-urlencoded text ('+' is a space, %XX a byte).
FormParams ParseForm(std::string_view text);

// The value of `name`, or "" (the last one wins when repeated).
std::string FormValue(const FormParams& params, std::string_view name);

// The JSON protocol's input for these parameters. Flattened lists ("AttributeName.1") and maps
// ("Attribute.1.Name" / "Attribute.1.Value") become arrays and objects under the JSON member
// names; numbered items are taken in index order. Scalars stay strings (the actions accept
// numbers written as strings). Fails for a key that is both a value and a prefix of others, or a
// map entry without its name.
SqsResult<boost::json::object> FormToJson(const FormParams& params);

}  // namespace kumo::api::sqs
