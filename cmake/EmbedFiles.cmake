# embed_files(TARGET NAMESPACE FILES...) compiles the given text files into TARGET as
# `std::string_view NAMESPACE::file_named(name)`-style data: a generated source holds each
# file as a raw string literal with its base name, so SQL and templates ship inside the
# binary and are read from the source tree only at build time.
function(embed_files target namespace)
  string(REPLACE "::" "_" stem "${namespace}")
  set(generated "${CMAKE_CURRENT_BINARY_DIR}/${stem}_embedded.cpp")
  add_custom_command(
    OUTPUT "${generated}"
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${generated} -DNAMESPACE=${namespace}
            "-DINPUTS=${ARGN}" -P "${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake"
    DEPENDS ${ARGN} "${PROJECT_SOURCE_DIR}/cmake/EmbedFilesScript.cmake"
    COMMENT "Embedding ${namespace} files"
    VERBATIM)
  target_sources(${target} PRIVATE "${generated}")
endfunction()
