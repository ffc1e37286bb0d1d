#  tf_library.cmake - libtf, the library an actor or an embedding test links
#  outside this tree, and what `cmake --install` and `cpack -G DEB` put where.
#
#  libtf is made of the objects of five rooms: proto (codec, plan, builder),
#  actors/runtime (the actor loop), actors/supervisor (the run API, tf_run.h),
#  and what the run API needs from actors/record and actors/report. Built
#  twice from the same objects: libtf.so (tf::actor), whose version script
#  (tf.map) exports only the functions of the installed headers and whose link interface is ZeroMQ, CZMQ and
#  msgpack (libyaml and jansson are private), and libtf.a. The programs of
#  this tree keep linking their rooms' static libraries.
set(TF_LIBRARY_ROOMS tf_proto tf_runtime tf_supervisor tf_record tf_report)
set(TF_LIBRARY_OBJECTS)
foreach(room ${TF_LIBRARY_ROOMS})
  list(APPEND TF_LIBRARY_OBJECTS $<TARGET_OBJECTS:${room}>)
endforeach()

set(TF_LIBRARY_SOVERSION 0)
add_library(tf_shared SHARED ${TF_LIBRARY_OBJECTS})
set_target_properties(tf_shared PROPERTIES
  OUTPUT_NAME tf
  VERSION ${PROJECT_VERSION}
  SOVERSION ${TF_LIBRARY_SOVERSION}
  LINKER_LANGUAGE C
  LINK_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/tf.map
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib)
target_link_options(tf_shared PRIVATE -Wl,--version-script=${CMAKE_CURRENT_LIST_DIR}/tf.map)
if(TF_SANITIZER STREQUAL "none" AND NOT TF_FUZZ)  #  Sanitizer runtimes come with the program
  target_link_options(tf_shared PRIVATE -Wl,--no-undefined)
endif()
target_link_libraries(tf_shared
  PUBLIC PkgConfig::CZMQ PkgConfig::ZMQ PkgConfig::MSGPACK
  PRIVATE PkgConfig::YAML PkgConfig::JANSSON m)

add_library(tf_static STATIC ${TF_LIBRARY_OBJECTS})
set_target_properties(tf_static PROPERTIES
  OUTPUT_NAME tf
  LINKER_LANGUAGE C
  ARCHIVE_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib)

set(TF_LIBRARY_SONAME libtf.so.${TF_LIBRARY_SOVERSION})
set(TF_LIBRARY_SONAME_FILE ${TF_LIBRARY_SONAME})

#  ---------------------------------------------------------------------------
#  Where things go: tf in bin, every other program in libexec/tf (tf finds them
#  there, tf_supervisor_bin_dir), headers in include/tf, docs and example
#  scenarios in share/doc/tf and share/tf
install(TARGETS tf_shared tf_static
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})

#  pkg-config and CMake package: every path relative to the file itself
file(RELATIVE_PATH TF_PC_TO_PREFIX /tf-prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /tf-prefix)
set(TF_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
set(TF_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
set(TF_PC_LIBEXECDIR "\${prefix}/${TF_INSTALL_LIBEXECDIR}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/tf.pc.in ${CMAKE_BINARY_DIR}/tf.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/tf.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

file(RELATIVE_PATH TF_CMAKE_TO_PREFIX /tf-prefix/${CMAKE_INSTALL_LIBDIR}/cmake/tf /tf-prefix)
configure_file(${CMAKE_CURRENT_LIST_DIR}/tfConfig.cmake.in ${CMAKE_BINARY_DIR}/tfConfig.cmake
               @ONLY)
include(CMakePackageConfigHelpers)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/tfConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/tfConfig.cmake ${CMAKE_BINARY_DIR}/tfConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tf)

install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
  FILES_MATCHING PATTERN "*.md")
install(FILES ${CMAKE_SOURCE_DIR}/proto/PROTOCOL.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tf/scenarios
  FILES_MATCHING PATTERN "*.yaml")
install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tf/examples)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/clients/python/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tf/python
  PATTERN "__pycache__" EXCLUDE)

#  ---------------------------------------------------------------------------
#  cpack -G DEB (from the build directory): a Debian package of the same tree
set(CPACK_PACKAGE_NAME tf)
set(CPACK_PACKAGE_VENDOR "tf")
set(CPACK_PACKAGE_CONTACT "tf maintainers <tf@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Multi-node scenario testing framework for blockchain nodes")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libczmq-dev, libzmq3-dev, libmsgpack-dev, libyaml-dev, libjansson-dev, libcurl4, libsodium23, libmicrohttpd12")
set(CPACK_GENERATOR DEB)
include(CPack)
