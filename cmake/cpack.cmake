# SPDX-License-Identifier: GPL-3.0-or-later
# Debian package: dependencies computed from the shared libraries (dpkg-shlibdeps).
set(CPACK_PACKAGE_NAME "dpsapf-studio")
set(CPACK_PACKAGE_VENDOR "DP-SAPF Studio developers")
set(CPACK_PACKAGE_CONTACT "DP-SAPF Studio developers <dpsapf@example.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_GENERATOR "DEB")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dataset-fashion-mnist, libopenblas0-pthread")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Differentially private synthetic image datasets (DP-SAPF)\n\
 DP-SAPF Studio fine-tunes a public diffusion model with DP-SGD, selecting the\n\
 attention matrices that receive LoRA adapters with a private saliency probe,\n\
 and exports a synthetic image dataset with a privacy report. Includes the\n\
 desktop application dpsapf-studio and the command-line tool dpsapf.")
include(CPack)
