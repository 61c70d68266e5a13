# Gateway auth and limits (JWT, API keys, rate limits, CORS): pure functions and small classes
# with no server code, included from src/gateway/CMakeLists.txt.
add_library(kumo_gateway_auth STATIC
  ${CMAKE_CURRENT_LIST_DIR}/api_keys.cc
  ${CMAKE_CURRENT_LIST_DIR}/cors.cc
  ${CMAKE_CURRENT_LIST_DIR}/jwt.cc
  ${CMAKE_CURRENT_LIST_DIR}/rate_limiter.cc)
target_link_libraries(kumo_gateway_auth
  PUBLIC kumo_common
  PRIVATE OpenSSL::Crypto Boost::json)
kumo_unit_test(gateway_auth_test
  ${CMAKE_CURRENT_LIST_DIR}/api_keys_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/cors_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/jwt_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/rate_limiter_test.cc
  LIBS kumo_gateway_auth OpenSSL::Crypto)
