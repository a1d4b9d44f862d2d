# Sourced by setup.sh and setup_cross.sh. missing_packages LIST: the packages of LIST (one a
# line; blank lines and # comments ignored) that dpkg does not have installed, space-separated.
missing_packages() {
  local p missing=""
  for p in $(grep -v '^\s*#' "$1" | grep -v '^\s*$'); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  echo "$missing"
}
