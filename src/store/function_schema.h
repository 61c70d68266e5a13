#pragma once
// Creating and migrating the registry's SQLite schema. The `meta` table holds schema_version so
// a later kumo can tell which migrations a file needs. Called once from Open, on its thread.

#include "common/result.h"
#include "store/sqlite_db.h"

namespace kumo::store {

// Sets the connection's durability pragmas (WAL, synchronous=FULL) and brings the schema to
// `target_version`. kInternal if the file is from a newer kumo or is not a kumo database.
Status PrepareFunctionSchema(SqliteDb& db, int target_version);

}  // namespace kumo::store
