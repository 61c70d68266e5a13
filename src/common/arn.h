#pragma once
// Amazon Resource Names as kumo reads them: "arn:<partition>:<service>:<region>:<account>:
// <resource>", where the resource may itself hold colons (function:NAME:QUALIFIER). Pure.

#include <optional>
#include <string>
#include <string_view>

namespace kumo {

struct Arn {
  std::string partition;
  std::string service;
  std::string region;
  std::string account_id;
  std::string resource;  // everything after the account, colons included
};

// nullopt unless `text` has the six parts with a non-empty service and resource.
std::optional<Arn> ParseArn(std::string_view text);

}  // namespace kumo
