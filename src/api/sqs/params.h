#pragma once
// Typed reads of an action's input (the JSON protocol's shape; query protocol values arrive as
// strings, so numbers are accepted written either way). Each failure is SQS's error for it.

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/sqs/sqs_error.h"

namespace kumo::api::sqs {

SqsResult<std::optional<std::string>> OptionalString(const boost::json::object& in,
                                                     const char* name);
// Present and non-empty, else MissingParameter.
SqsResult<std::string> RequiredString(const boost::json::object& in, const char* name);
// An integer within [min, max], else InvalidParameterValue naming the parameter.
SqsResult<std::optional<int64_t>> OptionalInt(const boost::json::object& in, const char* name,
                                              int64_t min, int64_t max);
// A list of strings (absent: empty).
SqsResult<std::vector<std::string>> StringList(const boost::json::object& in, const char* name);
// A map of strings to strings (absent: empty).
SqsResult<std::map<std::string, std::string>> StringMap(const boost::json::object& in,
                                                        const char* name);
// A list of objects (batch entries; absent: empty).
SqsResult<std::vector<const boost::json::object*>> ObjectList(const boost::json::object& in,
                                                              const char* name);

// Parses a whole decimal integer ("-5", "30"); nullopt for anything else.
std::optional<int64_t> ParseInt(std::string_view text);

}  // namespace kumo::api::sqs
