# Helpers shared by every module's CMakeLists.txt.

# wl_module(NAME [TORCH] DEPS a b ...) builds src/NAME/*.cpp into the static library wl_NAME.
function(wl_module name)
  cmake_parse_arguments(ARG "TORCH" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(wl_${name} STATIC ${srcs})
  target_include_directories(wl_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(wl_${name} PUBLIC ${ARG_DEPS})
  if(ARG_TORCH)
    target_link_libraries(wl_${name} PUBLIC wl_torch)
    wl_torch_pch(wl_${name})
  endif()
endfunction()

# Units including torch cost ~20 s each; one precompiled header is shared by all of them.
function(wl_torch_pch target)
  if(NOT TARGET wl_torch_pch_host)
    add_library(wl_torch_pch_host STATIC ${PROJECT_SOURCE_DIR}/cmake/torch_pch.cpp)
    target_link_libraries(wl_torch_pch_host PUBLIC wl_torch)
    target_precompile_headers(wl_torch_pch_host PRIVATE <torch/torch.h>)
  endif()
  target_precompile_headers(${target} REUSE_FROM wl_torch_pch_host)
endfunction()

# wl_test(NAME SOURCES... DEPS ...) adds a GoogleTest binary registered with ctest.
function(wl_test name)
  cmake_parse_arguments(ARG "TORCH" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_executable(${name} ${srcs})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  # Paths come from a generated header, not -D flags, so the torch PCH stays reusable.
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests ${PROJECT_BINARY_DIR}/generated)
  if(ARG_TORCH)
    target_link_libraries(${name} PRIVATE wl_torch)
    wl_torch_pch(${name})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 120 PROPERTIES TIMEOUT 900)
endfunction()

configure_file(${PROJECT_SOURCE_DIR}/tests/test_paths.hpp.in ${PROJECT_BINARY_DIR}/generated/test_paths.hpp @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/cmake/version.hpp.in ${PROJECT_BINARY_DIR}/generated/wavelearn_version.hpp @ONLY)
