"""Stand-in for the get-pip bootstrap script that ansible-test downloads from
a host this machine cannot reach: it installs pip from the interpreter's own
ensurepip, then lets that pip fetch the requested version from PyPI."""
import subprocess
import sys

# In a child process: ensurepip blanks the pip configuration of the process it
# runs in, and the second step needs it (index, certificates).
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
# get-pip understands these two; pip itself does not.
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install", *args])
