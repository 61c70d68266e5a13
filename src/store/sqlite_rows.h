#pragma once
// Row layouts shared by the files of SqliteFunctionStore: which columns a FunctionConfig is read
// from and written to, and a loop over result rows. Internal to src/store; the store's thread.

#include <string>

#include "common/result.h"
#include "store/function_config.h"
#include "store/sqlite_db.h"

namespace kumo::store {

// The functions table's columns in the order BindFunctionRow binds them (?1..?14) and
// ReadConfigRow reads them (0..13).
extern const char* const kFunctionColumns;
// A version row joined with its function (alias v for versions, f for functions), in the same
// order as kFunctionColumns and then v.version (column 14).
extern const char* const kVersionColumns;
extern const char* const kVersionFrom;

void BindFunctionRow(SqliteStatement& stmt, const FunctionConfig& config);
// Columns 0..13 as kFunctionColumns; version stays "$LATEST".
Result<FunctionConfig> ReadConfigRow(const SqliteStatement& row);

// Steps `stmt` and calls `on_row(stmt)` (returning Status) for each row.
template <typename OnRow>
Status ForEachRow(StatementLease& stmt, OnRow on_row) {
  while (true) {
    KUMO_ASSIGN_OR_RETURN(bool has_row, stmt->Step());
    if (!has_row) return Ok();
    KUMO_RETURN_IF_ERROR(on_row(*stmt));
  }
}

}  // namespace kumo::store
