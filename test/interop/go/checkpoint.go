package main

// Opening C2SP signed checkpoints with golang.org/x/mod/sumdb/note and parsing
// them with tlog.ParseTree.

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// checkpoint is an opened, signature-checked checkpoint.
type checkpoint struct {
	origin string
	tree   tlog.Tree
	signed []byte
}

// sumdbTreeLine is the first line of a go.sum database tree note; the rest of
// that format (decimal size, base64 root, optional extra lines) is the C2SP
// tlog-checkpoint body, whose first line is the log's origin instead.
const sumdbTreeLine = "go.sum database tree"

// openCheckpoint verifies signed with the log's key (note.Open) and parses it.
func openCheckpoint(signed []byte, verifier note.Verifier) (checkpoint, error) {
	n, err := note.Open(signed, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("note.Open: %w", err)
	}
	if len(n.Sigs) == 0 || n.Sigs[0].Name != verifier.Name() {
		return checkpoint{}, fmt.Errorf("no signature by %q", verifier.Name())
	}
	origin, rest, ok := strings.Cut(n.Text, "\n")
	if !ok || origin != verifier.Name() {
		return checkpoint{}, fmt.Errorf("checkpoint origin %q is not the key name %q", origin, verifier.Name())
	}
	tree, err := tlog.ParseTree([]byte(sumdbTreeLine + "\n" + rest))
	if err != nil {
		return checkpoint{}, fmt.Errorf("tlog.ParseTree: %w (checkpoint text %q)", err, n.Text)
	}
	if tree.N == 0 {
		// RFC 6962 roots the empty tree at SHA-256(""); Go's tlog uses all zeros.
		if tree.Hash != tlog.Hash(sha256.Sum256(nil)) {
			return checkpoint{}, fmt.Errorf("empty tree root %v is not SHA-256(\"\")", tree.Hash)
		}
	}
	return checkpoint{origin: origin, tree: tree, signed: signed}, nil
}

// tamperedNote flips one bit of the checkpoint's tree size digit: note.Open must
// then reject the signature.
func tamperedNote(signed []byte) []byte {
	b := append([]byte(nil), signed...)
	i := strings.IndexByte(string(b), '\n') + 1
	b[i] ^= 0x01 // '0'..'9' stay digits: '0'<->'1', '2'<->'3', …
	return b
}

func flipBit(h tlog.Hash) tlog.Hash {
	h[0] ^= 0x01
	return h
}
