#include "store/gateway_store.h"

#include "store/sqlite_db.h"

namespace kumo::store {

GatewayStore::GatewayStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
GatewayStore::~GatewayStore() = default;

Result<std::unique_ptr<GatewayStore>> GatewayStore::Open(const std::string& path) {
  KUMO_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  KUMO_RETURN_IF_ERROR(db->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"
      "CREATE TABLE IF NOT EXISTS gateway_routes (route_key TEXT PRIMARY KEY, function_name "
      "TEXT NOT NULL, auth TEXT NOT NULL, rate_rps_milli INTEGER NOT NULL, rate_burst_milli INTEGER NOT NULL);"
      "CREATE INDEX IF NOT EXISTS gateway_routes_fn ON gateway_routes(function_name);"
      "CREATE TABLE IF NOT EXISTS gateway_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS gateway_api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
      "hash_hex TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created TEXT NOT NULL);"));
  return std::unique_ptr<GatewayStore>(new GatewayStore(std::move(db)));
}

Status GatewayStore::SetRoutes(const std::string& function_name,
                               const std::vector<RouteConfig>& routes) {
  KUMO_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::Begin(*db_));
  {
    KUMO_ASSIGN_OR_RETURN(StatementLease owner,
                          db_->Cached("SELECT function_name FROM gateway_routes WHERE route_key=?"));
    for (const RouteConfig& r : routes) {
      owner->BindText(1, r.route_key);
      KUMO_ASSIGN_OR_RETURN(bool row, owner->Step());
      std::string other = row ? owner->ColumnText(0) : "";
      owner->Reset();
      if (row && other != function_name) {
        return MakeError(ErrorCode::kConflict,
                         "Route " + r.route_key + " already belongs to function " + other);
      }
    }
  }
  {
    KUMO_ASSIGN_OR_RETURN(StatementLease del,
                          db_->Cached("DELETE FROM gateway_routes WHERE function_name=?"));
    del->BindText(1, function_name);
    KUMO_RETURN_IF_ERROR(del->Run());
  }
  {
    KUMO_ASSIGN_OR_RETURN(
        StatementLease ins,
        db_->Cached("INSERT INTO gateway_routes (route_key, function_name, auth, rate_rps_milli, "
                    "rate_burst_milli) VALUES (?, ?, ?, ?, ?)"));
    for (const RouteConfig& r : routes) {
      ins->BindText(1, r.route_key);
      ins->BindText(2, function_name);
      ins->BindText(3, r.auth);
      // Rates are kept in thousandths: whole numbers round-trip exactly.
      ins->BindInt(4, static_cast<int64_t>(r.rate_rps * 1000));
      ins->BindInt(5, static_cast<int64_t>(r.rate_burst * 1000));
      auto ran = ins->Run();
      if (!ran.ok()) {
        return MakeError(ErrorCode::kConflict, "Route " + r.route_key + " is listed twice");
      }
    }
  }
  KUMO_RETURN_IF_ERROR(tx.Commit());
  ++generation_;
  return Ok();
}

Result<std::vector<RouteConfig>> GatewayStore::Routes(const std::string& function_name) {
  const char* sql = function_name.empty()
                        ? "SELECT route_key, function_name, auth, rate_rps_milli, rate_burst_milli FROM "
                          "gateway_routes ORDER BY route_key"
                        : "SELECT route_key, function_name, auth, rate_rps_milli, rate_burst_milli FROM "
                          "gateway_routes WHERE function_name=? ORDER BY route_key";
  KUMO_ASSIGN_OR_RETURN(StatementLease q, db_->Cached(sql));
  if (!function_name.empty()) q->BindText(1, function_name);
  std::vector<RouteConfig> out;
  while (true) {
    KUMO_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    RouteConfig r;
    r.route_key = q->ColumnText(0);
    r.function_name = q->ColumnText(1);
    r.auth = q->ColumnText(2);
    r.rate_rps = static_cast<double>(q->ColumnInt(3)) / 1000;
    r.rate_burst = static_cast<double>(q->ColumnInt(4)) / 1000;
    out.push_back(std::move(r));
  }
  return out;
}

Status GatewayStore::DeleteRoutesOf(const std::string& function_name) {
  KUMO_ASSIGN_OR_RETURN(StatementLease del,
                        db_->Cached("DELETE FROM gateway_routes WHERE function_name=?"));
  del->BindText(1, function_name);
  KUMO_RETURN_IF_ERROR(del->Run());
  ++generation_;
  return Ok();
}

Status GatewayStore::PutSetting(const std::string& key, const std::string& json) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease q,
      db_->Cached("INSERT INTO gateway_settings (key, value) VALUES (?, ?) "
                  "ON CONFLICT(key) DO UPDATE SET value=excluded.value"));
  q->BindText(1, key);
  q->BindText(2, json);
  KUMO_RETURN_IF_ERROR(q->Run());
  ++generation_;
  return Ok();
}

Result<std::optional<std::string>> GatewayStore::GetSetting(const std::string& key) {
  KUMO_ASSIGN_OR_RETURN(StatementLease q,
                        db_->Cached("SELECT value FROM gateway_settings WHERE key=?"));
  q->BindText(1, key);
  KUMO_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(q->ColumnText(0));
}

Result<std::vector<std::pair<std::string, std::string>>> GatewayStore::ListSettings(
    const std::string& prefix) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease q,
      db_->Cached("SELECT key, value FROM gateway_settings WHERE substr(key, 1, ?) = ? "
                  "ORDER BY key"));
  q->BindInt(1, static_cast<int64_t>(prefix.size()));
  q->BindText(2, prefix);
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    KUMO_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out.emplace_back(q->ColumnText(0), q->ColumnText(1));
  }
  return out;
}

Status GatewayStore::DeleteSetting(const std::string& key) {
  KUMO_ASSIGN_OR_RETURN(StatementLease q, db_->Cached("DELETE FROM gateway_settings WHERE key=?"));
  q->BindText(1, key);
  KUMO_RETURN_IF_ERROR(q->Run());
  if (db_->Changes() == 0) return MakeError(ErrorCode::kNotFound, "no setting " + key);
  ++generation_;
  return Ok();
}

Status GatewayStore::AddApiKey(const ApiKeyRecord& key) {
  KUMO_ASSIGN_OR_RETURN(
      StatementLease q,
      db_->Cached("INSERT INTO gateway_api_keys (id, name, hash_hex, prefix, created) VALUES "
                  "(?, ?, ?, ?, ?)"));
  q->BindText(1, key.id);
  q->BindText(2, key.name);
  q->BindText(3, key.hash_hex);
  q->BindText(4, key.prefix);
  q->BindText(5, key.created);
  KUMO_RETURN_IF_ERROR(q->Run());
  ++generation_;
  return Ok();
}

Result<std::vector<ApiKeyRecord>> GatewayStore::ListApiKeys() {
  KUMO_ASSIGN_OR_RETURN(StatementLease q,
                        db_->Cached("SELECT id, name, hash_hex, prefix, created FROM "
                                    "gateway_api_keys ORDER BY created, id"));
  std::vector<ApiKeyRecord> out;
  while (true) {
    KUMO_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out.push_back(ApiKeyRecord{q->ColumnText(0), q->ColumnText(1), q->ColumnText(2),
                               q->ColumnText(3), q->ColumnText(4)});
  }
  return out;
}

Status GatewayStore::DeleteApiKey(const std::string& id) {
  KUMO_ASSIGN_OR_RETURN(StatementLease q, db_->Cached("DELETE FROM gateway_api_keys WHERE id=?"));
  q->BindText(1, id);
  KUMO_RETURN_IF_ERROR(q->Run());
  if (db_->Changes() == 0) return MakeError(ErrorCode::kNotFound, "API key " + id + " not found");
  ++generation_;
  return Ok();
}

}  // namespace kumo::store
