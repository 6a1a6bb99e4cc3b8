"""Reference oracle for PyPI version order.

Reads lines "A<TAB>B" on stdin, prints -1, 0 or 1 per line.
PEP 440 versions: pypa `packaging` (the installed release, 26.x on the development machine).
Other strings: pip's old LegacyVersion from pip._vendor.packaging 21.3 (packaging < 22), which
sorts every legacy version before every PEP 440 version (_legacy_cmpkey uses epoch -1).
"""
import sys

from packaging.version import InvalidVersion, Version
from pip._vendor.packaging.version import LegacyVersion


def key(s):
    try:
        return (1, Version(s))
    except InvalidVersion:
        return (0, LegacyVersion(s))


def cmp(a, b):
    ka, kb = key(a), key(b)
    if ka[0] != kb[0]:
        return -1 if ka[0] < kb[0] else 1
    return -1 if ka[1] < kb[1] else (1 if ka[1] > kb[1] else 0)


for line in sys.stdin.read().split("\n"):
    if not line:
        continue
    a, b = line.split("\t")
    print(cmp(a, b))
