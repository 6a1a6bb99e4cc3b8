// Command reference writes test/ledger/fixtures.json from the Go reference implementation of
// transparency-log hashing, proofs, tiles and signed notes (golang.org/x/mod/sumdb/tlog and
// .../note, as packaged by Debian). The TypeScript tests compare src/ledger against that file.
//
// Run (offline, Debian packages golang-go and golang-golang-x-mod-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run ./test/ledger/reference > test/ledger/fixtures.json
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const N = 1100 // leaves in the fixture tree: 4 full level-0 tiles, a partial one, a partial level-1 tile

// entry must match fixtureEntry in src/ledger/fixtures.test-util.ts.
func entry(i int64) []byte {
	return []byte(fmt.Sprintf("bulwark fixture entry %d%s", i, strings.Repeat(".", int(i%13))))
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

type memHashes []tlog.Hash

func (m memHashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x >= int64(len(m)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = m[x]
	}
	return out, nil
}

type seeded struct{ b []byte }

func (s *seeded) Read(p []byte) (int, error) {
	n := copy(p, s.b)
	s.b = s.b[n:]
	return n, nil
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func hashes(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = b64(h[:])
	}
	return out
}

func c2spPath(t tlog.Tile) string {
	// Go's sumdb paths carry the tile height ("tile/8/..."); C2SP tlog-tiles fixes it at 8 and omits it.
	p := strings.Replace(t.Path(), "tile/8/", "tile/", 1)
	return strings.Replace(p, "tile/data/", "tile/entries/", 1)
}

func main() {
	var stored memHashes
	for i := int64(0); i < N; i++ {
		hs, err := tlog.StoredHashes(i, entry(i), stored)
		must(err)
		stored = append(stored, hs...)
	}
	out := map[string]any{"generator": "golang.org/x/mod/sumdb (Debian golang-golang-x-mod-dev)", "leafCount": N}

	var leaves []string
	for i := int64(0); i < 8; i++ {
		h := tlog.RecordHash(entry(i))
		leaves = append(leaves, b64(h[:]))
	}
	out["leafHashes"] = leaves

	roots := map[string]string{}
	for n := int64(1); n <= N; n++ {
		h, err := tlog.TreeHash(n, stored)
		must(err)
		roots[fmt.Sprint(n)] = b64(h[:])
	}
	out["roots"] = roots

	sizes := []int64{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 100, 255, 256, 257, 511, 512, 513, 767, 1000, 1024, 1025, 1099, 1100}
	type incl struct {
		Index int64    `json:"index"`
		Size  int64    `json:"size"`
		Proof []string `json:"proof"`
	}
	var inclusion []incl
	seen := map[[2]int64]bool{}
	for _, n := range sizes {
		for _, i := range []int64{0, 1, n / 3, n / 2, n - 2, n - 1, 255, 256, 511, 1023} {
			if i < 0 || i >= n || seen[[2]int64{i, n}] {
				continue
			}
			seen[[2]int64{i, n}] = true
			p, err := tlog.ProveRecord(n, i, stored)
			must(err)
			inclusion = append(inclusion, incl{i, n, hashes(p)})
		}
	}
	out["inclusion"] = inclusion

	type cons struct {
		Size1 int64    `json:"size1"`
		Size2 int64    `json:"size2"`
		Proof []string `json:"proof"`
	}
	var consistency []cons
	seen = map[[2]int64]bool{}
	for _, n := range sizes {
		for _, m := range []int64{1, 2, 3, 4, 7, 8, n / 3, n / 2, n - 1, n, 256, 257, 1000} {
			if m < 1 || m > n || seen[[2]int64{m, n}] {
				continue
			}
			seen[[2]int64{m, n}] = true
			p, err := tlog.ProveTree(n, m, stored)
			must(err)
			consistency = append(consistency, cons{m, n, hashes(p)})
		}
	}
	out["consistency"] = consistency

	// Verdicts of Go's own verifiers on valid and tampered proofs, for the TypeScript verifiers to agree with.
	// A verdict names the base proof (inclusion: index, size; consistency: size1, size2), the
	// variant applied to it (see variants), the sizes claimed and the tree sizes whose roots were
	// given, so that the fixture stays small and the test rebuilds the same inputs.
	type verdict struct {
		Kind  string   `json:"kind"`
		Base  [2]int64 `json:"base"`
		What  string   `json:"what"`
		A     int64    `json:"a"`
		B     int64    `json:"b"`
		RootA int64    `json:"rootA,omitempty"`
		RootB int64    `json:"rootB"`
		OK    bool     `json:"ok"`
	}
	rootOf := func(n int64) tlog.Hash {
		h, err := tlog.TreeHash(n, stored)
		must(err)
		return h
	}
	// Must match variants() in src/ledger/merkle.test.ts.
	variants := func(p []tlog.Hash) map[string][]tlog.Hash {
		v := map[string][]tlog.Hash{"valid": p}
		if len(p) > 0 {
			v["truncated"] = p[:len(p)-1]
			f := append([]tlog.Hash{}, p...)
			f[len(f)-1][7] ^= 0x10
			v["last bit flip"] = f
			g := append([]tlog.Hash{}, p...)
			g[0][0] ^= 1
			v["first bit flip"] = g
			v["padded"] = append(append([]tlog.Hash{}, p...), p[0])
		}
		if len(p) > 1 {
			v["swapped"] = append([]tlog.Hash{p[1], p[0]}, p[2:]...)
		}
		return v
	}
	var verdicts []verdict
	for _, c := range inclusion {
		if c.Size > 100 && c.Size != 256 && c.Size != 1100 {
			continue
		}
		var p []tlog.Hash
		for _, s := range c.Proof {
			h, _ := base64.StdEncoding.DecodeString(s)
			var x tlog.Hash
			copy(x[:], h)
			p = append(p, x)
		}
		leaf := tlog.RecordHash(entry(c.Index))
		for what, vp := range variants(p) {
			for _, size := range []int64{c.Size, c.Size + 1, c.Size - 1} {
				if size <= c.Index || size > N {
					continue
				}
				for _, rn := range []int64{c.Size, size} {
					r := rootOf(rn)
					ok := tlog.CheckRecord(vp, size, r, c.Index, leaf) == nil
					verdicts = append(verdicts, verdict{"inclusion", [2]int64{c.Index, c.Size}, what, c.Index, size, 0, rn, ok})
				}
			}
		}
	}
	for _, c := range consistency {
		if c.Size2 > 100 && c.Size2 != 256 && c.Size2 != 1100 {
			continue
		}
		var p []tlog.Hash
		for _, s := range c.Proof {
			h, _ := base64.StdEncoding.DecodeString(s)
			var x tlog.Hash
			copy(x[:], h)
			p = append(p, x)
		}
		for what, vp := range variants(p) {
			for _, sz := range [][2]int64{{c.Size1, c.Size2}, {c.Size1 + 1, c.Size2}, {c.Size1, c.Size2 - 1}, {c.Size1 - 1, c.Size2}} {
				if sz[0] < 1 || sz[0] > sz[1] || sz[1] > N {
					continue
				}
				r1, r2 := rootOf(c.Size1), rootOf(c.Size2)
				ok := tlog.CheckTree(vp, sz[1], r2, sz[0], r1) == nil
				verdicts = append(verdicts, verdict{"consistency", [2]int64{c.Size1, c.Size2}, what, sz[0], sz[1], c.Size1, c.Size2, ok})
				ok = tlog.CheckTree(vp, sz[1], r1, sz[0], r2) == nil
				verdicts = append(verdicts, verdict{"consistency", [2]int64{c.Size1, c.Size2}, what + ", roots swapped", sz[0], sz[1], c.Size2, c.Size1, ok})
			}
		}
	}
	sort.Slice(verdicts, func(i, j int) bool {
		a, b := verdicts[i], verdicts[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Base != b.Base {
			return a.Base[0] < b.Base[0] || (a.Base[0] == b.Base[0] && a.Base[1] < b.Base[1])
		}
		if a.A != b.A {
			return a.A < b.A
		}
		if a.B != b.B {
			return a.B < b.B
		}
		if a.What != b.What {
			return a.What < b.What
		}
		return a.RootB < b.RootB || (a.RootB == b.RootB && a.RootA < b.RootA)
	})
	// Stored as rows of numbers to keep the file small; "columns" names them.
	whats := []string{}
	whatIdx := map[string]int{}
	rows := [][]any{}
	for _, v := range verdicts {
		if _, ok := whatIdx[v.What]; !ok {
			whatIdx[v.What] = len(whats)
			whats = append(whats, v.What)
		}
		ok := 0
		if v.OK {
			ok = 1
		}
		rows = append(rows, []any{v.Kind[:1], v.Base[0], v.Base[1], whatIdx[v.What], v.A, v.B, v.RootA, v.RootB, ok})
	}
	out["verdicts"] = map[string]any{
		"columns": []string{"kind", "base0", "base1", "what", "a", "b", "rootA", "rootB", "ok"},
		"whats":   whats,
		"rows":    rows,
	}

	type shi struct {
		Level int   `json:"level"`
		N     int64 `json:"n"`
		Index int64 `json:"index"`
	}
	var shis []shi
	for _, level := range []int{0, 1, 2, 3, 8, 9, 16, 30} {
		for _, n := range []int64{0, 1, 2, 3, 5, 100, 1000, 123456} {
			shis = append(shis, shi{level, n, tlog.StoredHashIndex(level, n)})
		}
	}
	out["storedHashIndex"] = shis
	counts := map[string]int64{}
	for _, n := range []int64{0, 1, 2, 3, 4, 5, 8, 255, 256, 1000, 1100, 1 << 20, 10_000_000} {
		counts[fmt.Sprint(n)] = tlog.StoredHashCount(n)
	}
	out["storedHashCount"] = counts

	type tileFix struct {
		Path   string `json:"path"`
		Level  int    `json:"level"`
		N      int64  `json:"n"`
		Width  int    `json:"width"`
		SHA256 string `json:"sha256"`
		Data   string `json:"data,omitempty"`
	}
	tileList := func(oldN, newN int64) []tileFix {
		var ts []tileFix
		for _, t := range tlog.NewTiles(8, oldN, newN) {
			data, err := tlog.ReadTileData(t, stored)
			must(err)
			sum := sha256.Sum256(data)
			f := tileFix{c2spPath(t), t.L, t.N, t.W, b64(sum[:]), ""}
			if t.W <= 4 {
				f.Data = b64(data)
			}
			ts = append(ts, f)
		}
		return ts
	}
	out["tiles"] = map[string]any{"0-1100": tileList(0, N), "500-1100": tileList(500, N), "256-257": tileList(256, 257), "0-256": tileList(0, 256)}

	type pathFix struct {
		Level int    `json:"level"`
		N     int64  `json:"n"`
		Width int    `json:"width"`
		Path  string `json:"path"`
	}
	var paths []pathFix
	for _, n := range []int64{0, 1, 999, 1000, 1001, 1234067, 123456789, 1000000000} {
		for _, l := range []int{-1, 0, 1, 5} {
			for _, w := range []int{256, 1, 255} {
				t := tlog.Tile{H: 8, L: l, N: n, W: w}
				paths = append(paths, pathFix{l, n, w, c2spPath(t)})
			}
		}
	}
	out["paths"] = paths

	// Stored hashes located in tiles: the tile holding stored hash i and the hash read back from it.
	type hft struct {
		StoredIndex int64  `json:"storedIndex"`
		Path        string `json:"path"`
		Hash        string `json:"hash"`
	}
	var fromTile []hft
	for _, idx := range []int64{0, 1, 2, 3, 510, 511, 512, 600, 1000, 2000, 2180} {
		if idx >= int64(len(stored)) {
			continue
		}
		t := tlog.TileForIndex(8, idx)
		data, err := tlog.ReadTileData(t, stored)
		must(err)
		h, err := tlog.HashFromTile(t, data, idx)
		must(err)
		fromTile = append(fromTile, hft{idx, c2spPath(t), b64(h[:])})
	}
	out["hashFromTile"] = fromTile

	// Entry bundles per C2SP tlog-tiles (big-endian uint16 length prefix); Go's sumdb has no such
	// format, so this is built here from the spec text for the same entries.
	bundle := func(start, end int64) []byte {
		var buf bytes.Buffer
		for i := start; i < end; i++ {
			e := entry(i)
			var l [2]byte
			binary.BigEndian.PutUint16(l[:], uint16(len(e)))
			buf.Write(l[:])
			buf.Write(e)
		}
		return buf.Bytes()
	}
	b0 := bundle(0, 256)
	s0 := sha256.Sum256(b0)
	b4 := bundle(1024, 1100)
	s4 := sha256.Sum256(b4)
	out["entryBundles"] = []map[string]any{
		{"path": "tile/entries/000", "start": 0, "end": 256, "sha256": b64(s0[:])},
		{"path": "tile/entries/004.p/76", "start": 1024, "end": 1100, "sha256": b64(s4[:]), "data": b64(b4)},
	}

	// Signed notes.
	seed1 := sha256.Sum256([]byte("bulwark fixture key 1"))
	seed2 := sha256.Sum256([]byte("bulwark fixture key 2"))
	skey1, vkey1, err := note.GenerateKey(&seeded{seed1[:]}, "bulwark.example/ledger")
	must(err)
	skey2, vkey2, err := note.GenerateKey(&seeded{seed2[:]}, "witness.example/w1")
	must(err)
	s1, err := note.NewSigner(skey1)
	must(err)
	s2, err := note.NewSigner(skey2)
	must(err)
	root, _ := tlog.TreeHash(N, stored)
	checkpoint := fmt.Sprintf("bulwark.example/ledger\n%d\n%s\n", N, b64(root[:]))
	withExt := checkpoint + "extension line one\n"
	signed1, err := note.Sign(&note.Note{Text: checkpoint}, s1)
	must(err)
	signedExt, err := note.Sign(&note.Note{Text: withExt}, s1)
	must(err)
	signed12, err := note.Sign(&note.Note{Text: checkpoint}, s1, s2)
	must(err)

	v1, err := note.NewVerifier(vkey1)
	must(err)
	v2, err := note.NewVerifier(vkey2)
	must(err)
	type openCase struct {
		Name  string `json:"name"`
		Note  string `json:"note"`
		OK    bool   `json:"ok"`
		Error string `json:"error,omitempty"`
		Sigs  int    `json:"verifiedSigs"`
	}
	var cases []openCase
	try := func(name, msg string, vs ...note.Verifier) {
		n, err := note.Open([]byte(msg), note.VerifierList(vs...))
		c := openCase{Name: name, Note: msg, OK: err == nil}
		if err != nil {
			c.Error = err.Error()
		}
		if n != nil {
			c.Sigs = len(n.Sigs)
		}
		cases = append(cases, c)
	}
	try("valid", string(signed1), v1)
	try("valid with extension", string(signedExt), v1)
	try("two signers, both known", string(signed12), v1, v2)
	try("two signers, one known", string(signed12), v1)
	try("unknown key", string(signed1), v2)
	try("tampered size", strings.Replace(string(signed1), fmt.Sprintf("\n%d\n", N), fmt.Sprintf("\n%d\n", N+1), 1), v1)
	sigStart := strings.Index(string(signed1), "\n\n— ") + 2
	tamperedSig := []byte(string(signed1))
	line := string(tamperedSig[sigStart:])
	parts := strings.SplitN(strings.TrimSuffix(line, "\n"), " ", 3)
	raw, _ := base64.StdEncoding.DecodeString(parts[2])
	raw[10] ^= 1
	try("flipped signature bit", string(signed1[:sigStart])+"— "+parts[1]+" "+b64(raw)+"\n", v1)
	try("no signature", checkpoint+"\n", v1)
	try("missing final newline", strings.TrimSuffix(string(signed1), "\n"), v1)

	// A cosignature per C2SP tlog-cosignature (type 0x04), built from the spec text with crypto/ed25519.
	wpriv := ed25519.NewKeyFromSeed(seed2[:])
	wpub := wpriv.Public().(ed25519.PublicKey)
	kh := sha256.Sum256(append([]byte("witness.example/w1\n\x04"), wpub...))
	const ts = 1700000000
	msg := fmt.Sprintf("cosignature/v1\ntime %d\n%s", ts, checkpoint)
	sig := ed25519.Sign(wpriv, []byte(msg))
	var tsb [8]byte
	binary.BigEndian.PutUint64(tsb[:], ts)
	cosig := append(append(append([]byte{}, kh[:4]...), tsb[:]...), sig...)
	cosigVkey := "witness.example/w1+" + fmt.Sprintf("%08x", binary.BigEndian.Uint32(kh[:4])) + "+" + b64(append([]byte{0x04}, wpub...))

	out["notes"] = map[string]any{
		"skey1": skey1, "vkey1": vkey1, "skey2": skey2, "vkey2": vkey2,
		"checkpoint": checkpoint, "signed1": string(signed1), "signedExt": string(signedExt), "signed12": string(signed12),
		"open": cases,
		"cosignature": map[string]any{
			"vkey": cosigVkey, "timestamp": ts, "line": "— witness.example/w1 " + b64(cosig) + "\n",
		},
	}

	// One top-level member per line: compact enough to commit, still diffable.
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.WriteString("{\n")
	for i, k := range keys {
		v, err := json.Marshal(out[k])
		must(err)
		kj, _ := json.Marshal(k)
		buf.Write(kj)
		buf.WriteString(": ")
		buf.Write(v)
		if i < len(keys)-1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
	}
	buf.WriteString("}\n")
	_, err = os.Stdout.Write(buf.Bytes())
	must(err)
}
