# Asynchronous invocations: events kept in each function's internal queue, retries, destinations.
# Included from src/events/CMakeLists.txt; paths are relative to this file.

add_library(kumo_events_async STATIC
  ${CMAKE_CURRENT_LIST_DIR}/async_event.cc
  ${CMAKE_CURRENT_LIST_DIR}/async_invoker.cc
  ${CMAKE_CURRENT_LIST_DIR}/destination_record.cc)
target_link_libraries(kumo_events_async
  PUBLIC kumo_dispatch kumo_store kumo_net kumo_common
  PRIVATE Boost::json PkgConfig::SPDLOG)

kumo_unit_test(events_async_test ${CMAKE_CURRENT_LIST_DIR}/async_invoker_test.cc
  LIBS kumo_events_async Boost::json)
