# Writes OUTPUT: a C++ source defining NAMESPACE::embedded_files(), the list of
# (file name, contents) pairs of INPUTS, in the order given.
set(body "// Generated from the files listed below; do not edit.\n#include \"base/embedded_file.hpp\"\n\nnamespace ${NAMESPACE} {\n\nstd::span<const communique::EmbeddedFile> embedded_files() {\n  static const communique::EmbeddedFile files[] = {\n")
foreach(input IN LISTS INPUTS)
  file(READ "${input}" content)
  get_filename_component(name "${input}" NAME)
  string(FIND "${content}" ")embed\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${input} contains the raw-string delimiter )embed\"")
  endif()
  string(APPEND body "      {\"${name}\", R\"embed(${content})embed\"},\n")
endforeach()
string(APPEND body "  };\n  return files;\n}\n\n}  // namespace ${NAMESPACE}\n")
file(WRITE "${OUTPUT}" "${body}")
