# GoogleTest: the system's (Debian libgtest-dev), or compiled with the project's own flags
# from a source tree when the system's cannot be linked: with a libtorch of the pre-C++11
# ABI (cmake/torch.cmake), or on a machine that has no libgtest (WL_GTEST_SOURCE_DIR names a
# googletest checkout, e.g. a copy of Debian's /usr/src/googletest).
set(WL_GTEST_SOURCE_DIR "$ENV{WL_GTEST_SOURCE_DIR}" CACHE PATH "googletest sources to build instead of the system's")
if(NOT WL_GTEST_SOURCE_DIR AND WL_TORCH_ABI_FLAG STREQUAL "-D_GLIBCXX_USE_CXX11_ABI=0"
   AND EXISTS /usr/src/googletest/CMakeLists.txt)
  set(WL_GTEST_SOURCE_DIR /usr/src/googletest)
endif()
if(WL_GTEST_SOURCE_DIR)
  set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  add_subdirectory(${WL_GTEST_SOURCE_DIR} ${PROJECT_BINARY_DIR}/googletest EXCLUDE_FROM_ALL)
  if(NOT TARGET GTest::gtest)  # googletest >= 1.11 defines these itself
    add_library(GTest::gtest ALIAS gtest)
    add_library(GTest::gtest_main ALIAS gtest_main)
  endif()
  message(STATUS "wavelearn: GoogleTest built from ${WL_GTEST_SOURCE_DIR}")
else()
  find_package(GTest REQUIRED)
endif()
