# Event source mappings: the SQS event shape, one poller per mapping and the manager that keeps
# them. Included from src/events/CMakeLists.txt; paths are relative to this file.

add_library(kumo_events_esm STATIC
  ${CMAKE_CURRENT_LIST_DIR}/esm_manager.cc
  ${CMAKE_CURRENT_LIST_DIR}/esm_poller.cc
  ${CMAKE_CURRENT_LIST_DIR}/sqs_event.cc)
target_link_libraries(kumo_events_esm
  PUBLIC kumo_store kumo_net kumo_common
  PRIVATE Boost::json PkgConfig::SPDLOG)

kumo_unit_test(events_sqs_event_test ${CMAKE_CURRENT_LIST_DIR}/sqs_event_test.cc
  LIBS kumo_events_esm Boost::json)
kumo_unit_test(events_esm_test
  ${CMAKE_CURRENT_LIST_DIR}/esm_poller_test.cc ${CMAKE_CURRENT_LIST_DIR}/esm_manager_test.cc
  LIBS kumo_events_esm Boost::json)
