#!/usr/bin/env bash
# The test suite's system packages: Debian's PostgreSQL server (storage tests) and chromium with its
# driver (browser tests). Installs what is missing when it can (root + apt), else says what to install.
set -euo pipefail
missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
(( ${#missing[@]} == 0 )) && exit 0
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get > /dev/null; then
    echo "The tests need these Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
fi
echo "Installing ${missing[*]} with apt-get ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
