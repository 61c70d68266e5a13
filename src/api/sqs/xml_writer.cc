#include "api/sqs/xml_writer.h"

#include "api/sqs/message_text.h"

namespace kumo::api::sqs {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    std::optional<uint32_t> cp = DecodeUtf8(text, &pos);
    if (!cp || !IsAllowedCodePoint(*cp)) {
      out += "\xEF\xBF\xBD";
      continue;
    }
    switch (*cp) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#xD;";
        break;
      default:
        out.append(text.substr(start, pos - start));
    }
  }
  return out;
}

void XmlWriter::Declaration() { out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }

void XmlWriter::Open(std::string_view name, std::string_view xmlns) {
  out_ += '<';
  out_ += name;
  if (!xmlns.empty()) {
    out_ += " xmlns=\"";
    out_ += xmlns;
    out_ += '"';
  }
  out_ += '>';
}

void XmlWriter::Close(std::string_view name) {
  out_ += "</";
  out_ += name;
  out_ += '>';
}

void XmlWriter::Element(std::string_view name, std::string_view text) {
  if (text.empty()) {
    out_ += '<';
    out_ += name;
    out_ += "/>";
    return;
  }
  Open(name);
  out_ += XmlEscape(text);
  Close(name);
}

}  // namespace kumo::api::sqs
