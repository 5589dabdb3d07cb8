#!/usr/bin/env bash
# The Debian packages the tests use besides Node.js: openssl (real TLS certificates for the
# authorizer and the mesh), nginx (the Service Connect ingress's generated configuration, run for
# real) and Graphviz's dot (the diagram's SVG; its missing-Graphviz path is tested either way).
# `npm test` runs this first: it installs what is missing with apt-get when it may (as root), and
# otherwise says what to install and stops.
set -euo pipefail

missing=""
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
command -v dot >/dev/null 2>&1 || missing="$missing graphviz"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
else
  echo "The tests need the Debian packages:$missing. Install them with: sudo apt-get install -y$missing" >&2
  exit 1
fi
