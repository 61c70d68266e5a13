#include "store/zip_directory_scan.h"

#include <cstdint>
#include <string>

namespace kumo::store {
namespace {

constexpr uint32_t kEndOfDirectorySignature = 0x06054b50;
constexpr uint32_t kDirectoryRecordSignature = 0x02014b50;
constexpr size_t kEndOfDirectorySize = 22;
constexpr size_t kDirectoryRecordSize = 46;
constexpr size_t kMaxCommentSize = 0xffff;

uint32_t ReadLe(std::string_view bytes, size_t offset, int width) {
  uint32_t value = 0;
  for (int i = width - 1; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[offset + i]);
  }
  return value;
}

// Offset of the end-of-central-directory record, searched backwards past any trailing comment.
std::string_view::size_type FindEndOfDirectory(std::string_view zip) {
  if (zip.size() < kEndOfDirectorySize) return std::string_view::npos;
  size_t last = zip.size() - kEndOfDirectorySize;
  size_t first = last > kMaxCommentSize ? last - kMaxCommentSize : 0;
  for (size_t at = last + 1; at-- > first;) {
    if (ReadLe(zip, at, 4) == kEndOfDirectorySignature) return at;
  }
  return std::string_view::npos;
}

}  // namespace

Status CheckCentralDirectoryNames(std::string_view zip) {
  size_t end = FindEndOfDirectory(zip);
  if (end == std::string_view::npos) return Ok();
  size_t records = ReadLe(zip, end + 10, 2);
  size_t offset = ReadLe(zip, end + 16, 4);  // 0xffffffff (zip64) is past the end: no walk.
  for (size_t i = 0; i < records; ++i) {
    if (offset > end || end - offset < kDirectoryRecordSize) return Ok();
    if (ReadLe(zip, offset, 4) != kDirectoryRecordSignature) return Ok();
    size_t name_size = ReadLe(zip, offset + 28, 2);
    size_t extra_size = ReadLe(zip, offset + 30, 2);
    size_t comment_size = ReadLe(zip, offset + 32, 2);
    size_t name_at = offset + kDirectoryRecordSize;
    if (end - name_at < name_size) return Ok();
    std::string_view name = zip.substr(name_at, name_size);
    if (name.find('\0') != std::string_view::npos) {
      std::string shown(name);
      for (char& c : shown) {
        if (c == '\0') c = '?';
      }
      return MakeError(ErrorCode::kInvalidArgument,
                       "zip entry \"" + shown + "\" has a NUL in its name (shown as ?)");
    }
    offset = name_at + name_size + extra_size + comment_size;
  }
  return Ok();
}

}  // namespace kumo::store
