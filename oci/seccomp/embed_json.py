#!/usr/bin/env python3
"""Writes a C++ source defining a std::string_view with a file's text, so
that crix carries its default seccomp profile without reading it at run time.

usage: embed_json.py INPUT OUTPUT SYMBOL
"""
import json
import sys

src, dst, symbol = sys.argv[1], sys.argv[2], sys.argv[3]
with open(src, encoding="utf-8") as f:
    text = f.read()
json.loads(text)  # a broken profile fails the build, not the first container
delimiter = "crixjson"
if ")" + delimiter + '"' in text:
    sys.exit(f"{src} contains the raw-string delimiter {delimiter}")
with open(dst, "w", encoding="utf-8") as f:
    f.write(f"// Generated from {src} by embed_json.py; do not edit.\n")
    f.write("#include <string_view>\n\n")
    f.write("namespace crix::oci::embedded {\n")
    f.write(f"extern const std::string_view {symbol};\n")
    f.write(f'const std::string_view {symbol} = R"{delimiter}({text}){delimiter}";\n')
    f.write("}  // namespace crix::oci::embedded\n")
