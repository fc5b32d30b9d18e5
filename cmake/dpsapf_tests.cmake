# SPDX-License-Identifier: GPL-3.0-or-later
# dpsapf_add_test(<name> SOURCES ... LIBS ... LABELS ... [ENVIRONMENT ...])
# One Qt Test executable per area, registered with CTest. Tests that need a CUDA device return
# exit code 77, which CTest reports as skipped.
function(dpsapf_add_test name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS;ENVIRONMENT" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS})
    target_compile_definitions(${name} PRIVATE DPSAPF_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
    dpsapf_set_warnings(${name})
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES
        LABELS "${ARG_LABELS}"
        SKIP_RETURN_CODE 77
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OPENBLAS_NUM_THREADS=1;${ARG_ENVIRONMENT}")
endfunction()
