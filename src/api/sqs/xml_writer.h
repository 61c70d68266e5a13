#pragma once
// A small XML writer for the query protocol's replies: escapes text so that any string (message
// bodies with \r, error messages echoing bad input) arrives unchanged or, where XML cannot carry
// it, as U+FFFD.

#include <string>
#include <string_view>

namespace kumo::api::sqs {

inline constexpr const char* kSqsXmlNamespace = "http://queue.amazonaws.com/doc/2012-11-05/";

// Escapes & < > " ' and \r (as &#xD;, which XML parsers would otherwise turn into \n); replaces
// invalid UTF-8 and characters XML 1.0 cannot hold with U+FFFD.
std::string XmlEscape(std::string_view text);

class XmlWriter {
 public:
  void Declaration();
  void Open(std::string_view name, std::string_view xmlns = {});
  void Close(std::string_view name);
  void Element(std::string_view name, std::string_view text);
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace kumo::api::sqs
