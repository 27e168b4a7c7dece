#!/usr/bin/env bash
# ansible-test needs the collection at .../ansible_collections/selfmail/smtp and
# lists files with git: run it on a copy of the tracked (and new, unignored)
# files, so the working tree's caches and venv never leak into a result.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest=$work/ansible_collections/selfmail/smtp
mkdir -p "$dest"
cd "$root"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -C "$dest" -xf -
cd "$dest"
git init -q && git add -A && git -c user.email=ci@localhost -c user.name=ci commit -qm tree
export ANSIBLE_COLLECTIONS_PATH=$work
# ansible-test bootstraps pip in its venvs with a script from a host outside
# reach; give it the stand-in under the name it looks for.
pip_version=$("$root/.venv/bin/python" -c 'import re, ansible_test, pathlib
src = (pathlib.Path(ansible_test.__file__).parent / "_internal/python_requirements.py").read_text()
print(re.search(r"pip=.([0-9.]+).", src).group(1))')
cache=~/.ansible/test/cache/get_pip_${pip_version//./_}.py
[ -s "$cache" ] || { mkdir -p "$(dirname "$cache")"; cp "$root/tests/get_pip_offline.py" "$cache"; }
"$root/.venv/bin/ansible-test" "$@"
