#include "telemetry/log_files.h"

#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>

#include "telemetry/log_store.h"

namespace kumo::telemetry {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSuffix = ".log";

std::string Line(const LogEvent& e) {
  return std::to_string(e.seq) + " " + std::to_string(e.timestamp_ms) + " " +
         (e.request_id.empty() ? "-" : e.request_id) + " " + e.message + "\n";
}

// Parses one line; false for a damaged one (a torn last line after a crash).
bool ParseLine(const std::string& line, LogEvent* e) {
  size_t a = line.find(' ');
  size_t b = a == std::string::npos ? a : line.find(' ', a + 1);
  size_t c = b == std::string::npos ? b : line.find(' ', b + 1);
  if (c == std::string::npos) return false;
  try {
    e->seq = std::stoull(line.substr(0, a));
    e->timestamp_ms = std::stoll(line.substr(a + 1, b - a - 1));
  } catch (...) {
    return false;
  }
  e->request_id = line.substr(b + 1, c - b - 1);
  if (e->request_id == "-") e->request_id.clear();
  e->message = line.substr(c + 1);
  return true;
}

}  // namespace

Result<std::unique_ptr<LogFiles>> LogFiles::Open(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kInternal, "cannot create " + dir + ": " + ec.message());
  return std::unique_ptr<LogFiles>(new LogFiles(dir));
}

LogFiles::~LogFiles() {
  for (auto& [name, file] : files_) {
    if (file.f) std::fclose(file.f);
  }
}

std::string LogFiles::PathFor(const std::string& function) const {
  return (fs::path(dir_) / (function + kSuffix)).string();
}

std::map<std::string, std::vector<LogEvent>> LogFiles::Load(size_t max_per_function) const {
  std::map<std::string, std::vector<LogEvent>> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::string file = entry.path().filename().string();
    if (file.size() <= 4 || file.substr(file.size() - 4) != kSuffix) continue;
    std::ifstream in(entry.path());
    std::deque<LogEvent> events;
    std::string line;
    while (std::getline(in, line)) {
      LogEvent e;
      // Sequence numbers only grow; anything else is a damaged line.
      if (!ParseLine(line, &e) || (!events.empty() && e.seq <= events.back().seq)) continue;
      events.push_back(std::move(e));
      if (events.size() > max_per_function) events.pop_front();
    }
    out[file.substr(0, file.size() - 4)] = {events.begin(), events.end()};
  }
  return out;
}

LogFiles::File& LogFiles::FileFor(const std::string& function) {
  File& file = files_[function];
  if (file.f == nullptr) {
    file.f = std::fopen(PathFor(function).c_str(), "ae");
    std::error_code ec;
    file.bytes = file.f ? fs::file_size(PathFor(function), ec) : 0;
  }
  return file;
}

void LogFiles::Write(const std::string& function, const LogEvent& event) {
  File& file = FileFor(function);
  if (file.f == nullptr) return;  // cannot write (disk full, permissions): memory still has it
  std::string line = Line(event);
  file.bytes += std::fwrite(line.data(), 1, line.size(), file.f);
  if (event.timestamp_ms - last_flush_ms_ >= kFlushEveryMs) {
    Flush();
    last_flush_ms_ = event.timestamp_ms;
  }
}

bool LogFiles::NeedsRewrite(const std::string& function) const {
  auto it = files_.find(function);
  return it != files_.end() && it->second.bytes > kMaxFileBytes;
}

void LogFiles::Rewrite(const std::string& function, const std::vector<LogEvent>& events) {
  Remove(function);
  std::string tmp = PathFor(function) + ".tmp";
  if (FILE* f = std::fopen(tmp.c_str(), "we")) {
    for (const LogEvent& e : events) {
      std::string line = Line(e);
      std::fwrite(line.data(), 1, line.size(), f);
    }
    std::fclose(f);
    std::error_code ec;
    fs::rename(tmp, PathFor(function), ec);
  }
}

void LogFiles::Remove(const std::string& function) {
  auto it = files_.find(function);
  if (it != files_.end()) {
    if (it->second.f) std::fclose(it->second.f);
    files_.erase(it);
  }
  std::error_code ec;
  fs::remove(PathFor(function), ec);
}

void LogFiles::Flush() {
  for (auto& [name, file] : files_) {
    if (file.f) std::fflush(file.f);
  }
}

}  // namespace kumo::telemetry
