#!/usr/bin/env python3
"""Independent verifier of a tiled transparency log, written only from the public specs:

  * RFC 9162 section 2.1 (Merkle Tree Hash: leaf SHA-256(0x00 || entry), node SHA-256(0x01 || l || r))
  * C2SP signed-note (note text, signature lines, key IDs, Ed25519 type 0x01)
  * C2SP tlog-checkpoint (origin, tree size, root hash lines)
  * C2SP tlog-tiles (hash tiles of height 8, entry bundles of uint16 length-prefixed entries)

and the usual verifier key text `name+hexkeyid+base64(0x01 || pubkey)`.

It shares no code with the log it checks. Usage:

  independent_verifier.py BASE_URL [--prefix ledger] [--key VKEY] [--ed25519 auto|cryptography|openssl]

It fetches <BASE_URL>/<prefix>/key (unless --key pins one), the checkpoint and every entry bundle
and hash tile the checkpoint's size requires, verifies the Ed25519 signature, recomputes the root
from the entries, checks that the level-0 tiles hold the entries' leaf hashes and every upper tile
the hashes of the tiles below, recomputes the root a second time from the hash tiles alone, and
compares both with the signed root.

Exit status: 0 verified (prints `tree_size=N` and `root=BASE64`), 1 the log fails verification
(each reason on stderr, prefixed `FAIL:`), 2 usage or transport error.
"""

import argparse
import base64
import binascii
import gzip
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT  # 256 hashes per full tile
HASH_SIZE = 32
ED25519_TYPE = 0x01
EM_DASH = "\u2014"
MAX_FAILURES_SHOWN = 20


class VerificationError(Exception):
    """The log does not verify: wrong signature, tile, entry or root."""


class TransportError(Exception):
    """The log could not be fetched (not a verdict on its contents)."""


# ---------------------------------------------------------------- RFC 9162 section 2.1 hashing


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def perfect_root(hashes):
    """MTH of a power-of-two-sized run of subtree hashes, pairwise level by level."""
    n = len(hashes)
    assert n > 0 and n & (n - 1) == 0, n
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def fold_subtrees(subtrees):
    """MTH from the roots of the perfect subtrees that decompose the tree, largest (leftmost)
    first. RFC 9162: MTH(D[n]) = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])) with k the largest power of
    two below n; D[0:k] is the first perfect subtree, so the tree folds from the right."""
    if not subtrees:
        return hashlib.sha256(b"").digest()  # MTH({}) = SHA-256 of the empty string
    acc = subtrees[-1]
    for h in reversed(subtrees[:-1]):
        acc = node_hash(h, acc)
    return acc


def mth(leaf_hashes):
    """RFC 9162 Merkle Tree Hash of a list of leaf hashes."""
    subtrees, start, n = [], 0, len(leaf_hashes)
    while start < n:
        size = 1 << ((n - start).bit_length() - 1)  # largest power of two <= what is left
        subtrees.append(perfect_root(leaf_hashes[start : start + size]))
        start += size
    return fold_subtrees(subtrees)


def mth_reference(leaf_hashes):
    """The recursive definition of RFC 9162 section 2.1.1, literally, as a cross-check of mth()."""
    n = len(leaf_hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaf_hashes[0]
    k = 1 << ((n - 1).bit_length() - 1)  # largest power of two smaller than n
    return node_hash(mth_reference(leaf_hashes[:k]), mth_reference(leaf_hashes[k:]))


# ---------------------------------------------------------------- strict base64 (RFC 4648 section 4)


def b64decode_strict(text: str, what: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text) or len(text) % 4 != 0:
        raise VerificationError(f"{what} is not standard padded base64: {text!r}")
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as err:
        raise VerificationError(f"{what} is not valid base64: {err}") from err
    if base64.b64encode(raw).decode() != text:
        raise VerificationError(f"{what} is not canonical base64: {text!r}")
    return raw


# ---------------------------------------------------------------- signed-note and verifier keys


def key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\x0a" + bytes([sig_type]) + public_key).digest()[:4]


def valid_key_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(ch.isspace() for ch in name)


class VerifierKey:
    def __init__(self, text: str):
        parts = text.strip("\n").split("+", 2)  # the base64 key may itself contain "+"
        if len(parts) != 3:
            raise VerificationError(f"verifier key is not name+keyid+key: {text!r}")
        name, hex_id, key_b64 = parts
        if not valid_key_name(name):
            raise VerificationError(f"verifier key name {name!r} is empty or has spaces or '+'")
        if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
            raise VerificationError(f"verifier key id {hex_id!r} is not 8 lower-case hex digits")
        raw = b64decode_strict(key_b64, "verifier key")
        if len(raw) != 33 or raw[0] != ED25519_TYPE:
            raise VerificationError(
                f"verifier key is not an Ed25519 key (type 0x01 and 32 bytes); got {len(raw)} bytes"
                + (f", type 0x{raw[0]:02x}" if raw else "")
            )
        self.name = name
        self.public_key = raw[1:]
        self.id = bytes.fromhex(hex_id)
        expected = key_id(name, ED25519_TYPE, self.public_key)
        if expected != self.id:
            raise VerificationError(
                f"verifier key id {hex_id} is not SHA-256(name || 0x0A || 0x01 || key)[:4] = {expected.hex()}"
            )


def ed25519_verify(public_key: bytes, signature: bytes, message: bytes, backend: str) -> bool:
    if backend in ("auto", "cryptography"):
        try:
            from cryptography.exceptions import InvalidSignature
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        except ImportError:
            if backend == "cryptography":
                raise TransportError("the cryptography package is not installed") from None
        else:
            try:
                Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
                return True
            except InvalidSignature:
                return False
    # openssl: SubjectPublicKeyInfo DER of an Ed25519 key (RFC 8410) is a fixed 12-byte prefix + key.
    spki = bytes.fromhex("302a300506032b6570032100") + public_key
    with tempfile.TemporaryDirectory() as d:
        paths = {n: os.path.join(d, n) for n in ("key.der", "msg", "sig")}
        for n, data in (("key.der", spki), ("msg", message), ("sig", signature)):
            with open(paths[n], "wb") as f:
                f.write(data)
        try:
            r = subprocess.run(
                ["openssl", "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", paths["key.der"],
                 "-rawin", "-in", paths["msg"], "-sigfile", paths["sig"]],
                capture_output=True,
                timeout=30,
            )
        except FileNotFoundError:
            raise TransportError("neither the cryptography package nor openssl is available") from None
    out = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
    if "Signature Verified Successfully" in out:
        return True
    if "Signature Verification Failure" in out:
        return False
    raise TransportError(f"openssl could not check the signature: {out.strip()}")


def open_signed_note(note_bytes: bytes, key: VerifierKey, backend: str) -> str:
    """Returns the note text if a signature by `key` verifies (C2SP signed-note)."""
    try:
        note = note_bytes.decode("utf-8")
    except UnicodeDecodeError as err:
        raise VerificationError(f"checkpoint is not valid UTF-8: {err}") from err
    bad = [c for c in note if ord(c) < 0x20 and c != "\n"]
    if bad:
        raise VerificationError(f"checkpoint contains control character 0x{ord(bad[0]):02x}")
    split = note.rfind("\n\n")
    if split < 0:
        raise VerificationError("checkpoint has no blank line before its signatures")
    text, sig_block = note[: split + 1], note[split + 2 :]
    if not sig_block.endswith("\n"):
        raise VerificationError("checkpoint's last signature line does not end in a newline")
    lines = sig_block[:-1].split("\n")
    if not lines or lines == [""]:
        raise VerificationError("checkpoint has no signature lines")
    verified = 0
    for line in lines:
        m = re.fullmatch(EM_DASH + r" (\S+) (\S+)", line)
        if not m:
            raise VerificationError(f"malformed signature line: {line!r}")
        name, sig_b64 = m.groups()
        sig = b64decode_strict(sig_b64, f"signature by {name}")
        if len(sig) < 5:
            raise VerificationError(f"signature by {name} is too short ({len(sig)} bytes)")
        if name != key.name or sig[:4] != key.id:
            continue  # unknown key: MUST be ignored (witness cosignatures, other keys)
        if len(sig) != 4 + 64:
            raise VerificationError(f"Ed25519 signature by {name} has {len(sig) - 4} bytes, not 64")
        if not ed25519_verify(key.public_key, sig[4:], text.encode("utf-8"), backend):
            raise VerificationError(
                f"the Ed25519 signature by {name} (key id {key.id.hex()}) does not verify over the checkpoint text"
            )
        verified += 1
    if verified == 0:
        raise VerificationError(f"no signature by the log key {key.name}+{key.id.hex()} on the checkpoint")
    return text


class Checkpoint:
    def __init__(self, text: str):
        lines = text[:-1].split("\n")  # the note text ends in exactly one newline
        if len(lines) < 3 or any(line == "" for line in lines):
            raise VerificationError("checkpoint text is not at least three non-empty lines")
        self.origin, size, root = lines[0], lines[1], lines[2]
        self.extensions = lines[3:]
        if not re.fullmatch(r"0|[1-9][0-9]*", size):
            raise VerificationError(f"checkpoint tree size {size!r} is not a decimal without leading zeroes")
        self.size = int(size)
        self.root = b64decode_strict(root, "checkpoint root hash")
        if len(self.root) != HASH_SIZE:
            raise VerificationError(f"checkpoint root hash has {len(self.root)} bytes, not 32")


# ---------------------------------------------------------------- tlog-tiles paths and fetching


def encode_index(n: int) -> str:
    """tlog-tiles <N>: zero-padded 3-digit path elements, all but the last prefixed with x."""
    groups = []
    while True:
        groups.append(f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def tile_path(level, index: int, width: int) -> str:
    path = f"tile/{level}/{encode_index(index)}"
    if width < TILE_WIDTH:
        path += f".p/{width}"
    return path


def tile_layout(hashes_at_level: int):
    """(index, width) of every tile holding `hashes_at_level` hashes: full ones, then the partial."""
    full, partial = divmod(hashes_at_level, TILE_WIDTH)
    out = [(i, TILE_WIDTH) for i in range(full)]
    if partial:
        out.append((full, partial))
    return out


class Client:
    def __init__(self, prefix_url: str):
        self.prefix = prefix_url.rstrip("/")
        self.problems = []  # MUST-level HTTP deviations (content type), reported as failures

    def get(self, path: str, want_type: str = None, allow_404: bool = False):
        req = urllib.request.Request(
            f"{self.prefix}/{path}",
            headers={"Accept-Encoding": "gzip, identity", "User-Agent": "independent-tlog-verifier"},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                body = r.read()
                ctype = r.headers.get("Content-Type", "")
                encoding = r.headers.get("Content-Encoding", "identity")
        except urllib.error.HTTPError as err:
            if err.code == 404 and allow_404:
                return None
            raise TransportError(f"GET {self.prefix}/{path}: HTTP {err.code}") from err
        except (urllib.error.URLError, OSError) as err:
            raise TransportError(f"GET {self.prefix}/{path}: {err}") from err
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding not in ("identity", ""):
            raise TransportError(f"GET {path}: unexpected Content-Encoding {encoding}")
        if want_type is not None and ctype.replace(" ", "").lower() != want_type.replace(" ", "").lower():
            self.problems.append(f"{path} is served as Content-Type {ctype!r}, tlog-tiles requires {want_type!r}")
        return body

    def tile(self, level, index: int, width: int):
        """A tile or entry bundle; a partial one may have been replaced by its full tile (tlog-tiles
        lets the log delete partial tiles once the full one exists), whose prefix it is."""
        path = tile_path(level, index, width)
        data = self.get(path, "application/octet-stream", allow_404=width < TILE_WIDTH)
        if data is None:
            data = self.get(tile_path(level, index, TILE_WIDTH), "application/octet-stream", allow_404=True)
            if data is None:
                raise TransportError(f"GET {path}: HTTP 404 (and no full tile either)")
            return path, data, True
        return path, data, False


def parse_bundle(path: str, data: bytes, width: int, from_full: bool):
    entries, pos = [], 0
    while pos < len(data) and (not from_full or len(entries) < width):
        if pos + 2 > len(data):
            raise VerificationError(f"{path}: truncated length prefix at byte {pos}")
        n = int.from_bytes(data[pos : pos + 2], "big")
        if pos + 2 + n > len(data):
            raise VerificationError(f"{path}: entry {len(entries)} claims {n} bytes but the bundle ends first")
        entries.append(data[pos + 2 : pos + 2 + n])
        pos += 2 + n
    if len(entries) != width or (not from_full and pos != len(data)):
        raise VerificationError(
            f"{path}: holds {len(entries)} entries{' and trailing bytes' if pos != len(data) else ''}, expected {width}"
        )
    return entries


# ---------------------------------------------------------------- the audit


def verify(base_url: str, prefix: str, pinned_key: str, backend: str, log=print):
    client = Client(f"{base_url.rstrip('/')}/{prefix.strip('/')}")
    failures = []

    key_text = pinned_key if pinned_key else client.get("key").decode("utf-8").strip()
    key = VerifierKey(key_text)
    log(f"key: {key.name} id {key.id.hex()} ({'pinned' if pinned_key else 'fetched from ' + client.prefix + '/key'})")

    note = client.get("checkpoint", "text/plain; charset=utf-8")
    cp = Checkpoint(open_signed_note(note, key, backend))
    log(f"checkpoint: origin {cp.origin}, size {cp.size}, Ed25519 signature by {key.name} verified")
    if cp.origin != key.name:
        log(f"warning: the key name {key.name!r} does not match the origin {cp.origin!r} (tlog-checkpoint SHOULD)")
    if cp.extensions:
        log(f"note: {len(cp.extensions)} extension line(s) in the checkpoint")

    s = cp.size
    with ThreadPoolExecutor(max_workers=8) as pool:
        # Entry bundles -> leaf hashes.
        bundle_layout = tile_layout(s)
        bundles = list(pool.map(lambda t: client.tile("entries", *t), bundle_layout))
        leaves = []
        bundle_paths = [path for path, _, _ in bundles]
        for (index, width), (path, data, from_full) in zip(bundle_layout, bundles):
            for e in parse_bundle(path, data, width, from_full):
                leaves.append(leaf_hash(e))
        assert len(leaves) == s

        # Hash tiles of every level the size requires.
        levels = []  # levels[L] = list of hashes at tree height 8L
        level = 0
        while (s >> (TILE_HEIGHT * level)) > 0:
            count = s >> (TILE_HEIGHT * level)
            layout = tile_layout(count)
            fetched = list(pool.map(lambda t, lv=level: client.tile(lv, *t), layout))
            hashes = []
            for (index, width), (path, data, from_full) in zip(layout, fetched):
                if from_full:
                    data = data[: width * HASH_SIZE] if len(data) == TILE_WIDTH * HASH_SIZE else data
                if len(data) != width * HASH_SIZE:
                    failures.append(f"{path} has {len(data)} bytes, expected {width} hashes = {width * HASH_SIZE}")
                    data = (data + bytes(width * HASH_SIZE))[: width * HASH_SIZE]
                hashes.extend(data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE))
            levels.append((layout, hashes, [path for path, _, _ in fetched]))
            level += 1

    # Level 0 must hold the leaf hashes of the entries.
    if levels:
        tile0, paths0 = levels[0][1], levels[0][2]
        for i, (lh, th) in enumerate(zip(leaves, tile0)):
            if lh != th:
                failures.append(
                    f"entry {i} in {bundle_paths[i // TILE_WIDTH]} hashes to {lh.hex()}, "
                    f"but hash {i % TILE_WIDTH} of {paths0[i // TILE_WIDTH]} is {th.hex()}"
                )
    # Level L >= 1: hash k is the Merkle root of full tile k at level L-1.
    for lv in range(1, len(levels)):
        below = levels[lv - 1][1]
        for k, h in enumerate(levels[lv][1]):
            expected = perfect_root(below[k * TILE_WIDTH : (k + 1) * TILE_WIDTH])
            if h != expected:
                failures.append(
                    f"hash {k % TILE_WIDTH} of {levels[lv][2][k // TILE_WIDTH]} is {h.hex()}, "
                    f"but full {levels[lv - 1][2][k]} hashes to {expected.hex()}"
                )

    # Root 1: RFC 9162 MTH over the leaf hashes of the entries.
    root_entries = mth(leaves)
    if s <= 4096 and mth_reference(leaves) != root_entries:
        raise AssertionError("internal: iterative and recursive MTH disagree")
    # Root 2: from the hash tiles alone. The rightmost (partial-tile) hashes of each level, from the
    # top down, cover the tree left to right in runs of 256**L leaves; split each run into its
    # perfect subtrees and fold.
    subtrees = []
    for lv in reversed(range(len(levels))):
        layout, hashes, _ = levels[lv]
        width = (s >> (TILE_HEIGHT * lv)) % TILE_WIDTH
        run = hashes[len(hashes) - width :] if width else []
        start = 0
        while start < len(run):
            size = 1 << ((len(run) - start).bit_length() - 1)
            subtrees.append(perfect_root(run[start : start + size]))
            start += size
    root_tiles = fold_subtrees(subtrees)

    if root_entries != cp.root:
        failures.append(
            f"root recomputed from the {s} entries is {base64.b64encode(root_entries).decode()}, "
            f"the signed checkpoint says {base64.b64encode(cp.root).decode()}"
        )
    if root_tiles != cp.root:
        failures.append(
            f"root recomputed from the hash tiles is {base64.b64encode(root_tiles).decode()}, "
            f"the signed checkpoint says {base64.b64encode(cp.root).decode()}"
        )
    failures = client.problems + failures
    tiles_fetched = sum(len(layout) for layout, _, _ in levels)
    log(f"fetched {len(bundle_layout)} entry bundle(s) and {tiles_fetched} hash tile(s) on {len(levels)} level(s)")
    return cp, root_entries, root_tiles, failures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base_url", help="server URL, e.g. http://127.0.0.1:8080")
    ap.add_argument("--prefix", default="ledger", help="path of the log below the server URL (default: ledger)")
    ap.add_argument("--key", help="pin this verifier key instead of fetching <prefix>/key")
    ap.add_argument("--ed25519", choices=("auto", "cryptography", "openssl"), default="auto")
    args = ap.parse_args(argv)
    try:
        cp, root_entries, root_tiles, failures = verify(args.base_url, args.prefix, args.key, args.ed25519)
    except VerificationError as err:
        print(f"FAIL: {err}", file=sys.stderr)
        return 1
    except TransportError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 2
    if failures:
        for f in failures[:MAX_FAILURES_SHOWN]:
            print(f"FAIL: {f}", file=sys.stderr)
        if len(failures) > MAX_FAILURES_SHOWN:
            print(f"FAIL: … and {len(failures) - MAX_FAILURES_SHOWN} more", file=sys.stderr)
        print(f"FAIL: the log does not verify ({len(failures)} problem(s))", file=sys.stderr)
        return 1
    print("root from entries and root from hash tiles both equal the signed root")
    print(f"tree_size={cp.size}")
    print(f"root={base64.b64encode(root_entries).decode()}")
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
