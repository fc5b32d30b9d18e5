# SPDX-License-Identifier: GPL-3.0-or-later
# Use ccache when present. The sloppiness settings let ccache cache translation units that use the
# precompiled torch header (GCC .gch), which otherwise always miss. CCACHE_BASEDIR makes paths
# relative to the build directory, so the `ci` and `ci-core` builds (and clones at other paths)
# share cache entries.
find_program(DPSAPF_CCACHE ccache)
if(DPSAPF_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_CXX_COMPILER_LAUNCHER
        ${CMAKE_COMMAND} -E env
        "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
        "CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}"
        "CCACHE_NOHASHDIR=1"
        ${DPSAPF_CCACHE})
    message(STATUS "dpsapf: compiling through ccache (${DPSAPF_CCACHE})")
endif()
