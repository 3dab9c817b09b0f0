# libtorch: Debian's libtorch-dev by default, or any libtorch >= 1.13 named by TORCH_DIR (a
# cache variable or environment variable): the directory holding TorchConfig.cmake, a
# libtorch zip's root, or a PyTorch installation's CMake prefix
#   cmake -S . -B build -DTORCH_DIR=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
# (CMAKE_PREFIX_PATH set to the same also works). A CUDA build of libtorch gives --device cuda.
set(TORCH_DIR "$ENV{TORCH_DIR}" CACHE PATH "libtorch to build against (default: the system's)")
if(TORCH_DIR)
  find_package(Torch REQUIRED PATHS ${TORCH_DIR} NO_DEFAULT_PATH)
else()
  find_package(Torch REQUIRED)
endif()
message(STATUS "wavelearn: libtorch ${Torch_VERSION} from ${Torch_DIR}")

# One interface target carries libtorch's headers, flags and libraries.
add_library(wl_torch INTERFACE)
target_include_directories(wl_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
target_link_libraries(wl_torch INTERFACE ${TORCH_LIBRARIES})
separate_arguments(wl_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
target_compile_options(wl_torch INTERFACE ${wl_torch_flags})

# Nothing here calls into libtorch_cuda by name, so a linker that drops unreferenced
# libraries (--as-needed, Ubuntu's default) would leave CUDA out and --device cuda would find
# none. Keep it.
if(TARGET torch_cuda)
  target_link_libraries(wl_torch INTERFACE "-Wl,--no-as-needed,$<TARGET_FILE:torch_cuda>,--as-needed")
endif()

# PyTorch wheels before 2.7 were built with the pre-C++11 std::string ABI
# (_GLIBCXX_USE_CXX11_ABI=0, in TORCH_CXX_FLAGS). Every unit must then use the same ABI, the
# torch-free modules too (std::string crosses every module boundary), so the flag is global.
# C++ libraries of the system compiled with the other ABI cannot be linked then: GoogleTest is
# built from its sources instead (tests/CMakeLists: WL_GTEST_FROM_SOURCE).
string(REGEX MATCH "-D_GLIBCXX_USE_CXX11_ABI=[01]" WL_TORCH_ABI_FLAG "${TORCH_CXX_FLAGS}")
if(WL_TORCH_ABI_FLAG)
  add_compile_options(${WL_TORCH_ABI_FLAG})
  message(STATUS "wavelearn: compiling everything with ${WL_TORCH_ABI_FLAG} (libtorch's C++ ABI)")
endif()

# libtorch's headers set the language level they need on their imported target (C++14 in
# 1.13, C++17 in 2.x, C++20 in later 2.x); raise ours to it, never lower. WL_CXX_STANDARD
# forces one (a libtorch whose headers need C++20 without saying so on its target).
set(WL_CXX_STANDARD "" CACHE STRING "C++ standard of the whole project (default: 17, or libtorch's)")
if(WL_CXX_STANDARD)
  set(CMAKE_CXX_STANDARD ${WL_CXX_STANDARD})
elseif(TARGET torch)
  get_target_property(wl_torch_std torch CXX_STANDARD)
  if(wl_torch_std AND wl_torch_std GREATER CMAKE_CXX_STANDARD)
    set(CMAKE_CXX_STANDARD ${wl_torch_std})
    message(STATUS "wavelearn: C++${wl_torch_std} (required by libtorch ${Torch_VERSION})")
  endif()
endif()
