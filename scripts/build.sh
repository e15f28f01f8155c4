#!/usr/bin/env bash
. "$(dirname "$0")/env.sh"
ensure_node_modules
build
