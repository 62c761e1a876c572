// Command tlog-verify checks a C2SP tlog-tiles log (such as matterlog's) using
// only golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog: the log's
// signed checkpoint, its hash tiles, inclusion proofs of chosen entries,
// consistency with earlier checkpoints, and that tampering is rejected.
//
//	tlog-verify -url http://127.0.0.1:8080 -vkey 'origin+hash+key' \
//	    [-old earlier-checkpoint]... [-index N]... [-size N] [-full=false]
//
// It prints one line per check and exits 1 if any fails, 2 on bad usage.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type listFlag []string

func (l *listFlag) String() string     { return fmt.Sprint(*l) }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	url := flag.String("url", "", "base URL of the log (serving /checkpoint and /tile/…)")
	vkey := flag.String("vkey", "", "the log's verifier key (signed-note vkey)")
	size := flag.Int64("size", -1, "fail unless the checkpoint has this tree size")
	full := flag.Bool("full", true, "also recompute the whole tree from every entry bundle and compare every hash tile")
	var olds, indices listFlag
	flag.Var(&olds, "old", "file holding an earlier signed checkpoint to prove consistency from (repeatable)")
	flag.Var(&indices, "index", "an entry index to prove inclusion of (repeatable; tile boundaries are always added)")
	flag.Parse()
	if *url == "" || *vkey == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if !run(*url, *vkey, *size, *full, olds, indices) {
		os.Exit(1)
	}
}

func run(url, vkey string, size int64, full bool, oldFiles, indexArgs []string) bool {
	nv, err := note.NewVerifier(vkey)
	if err != nil {
		fmt.Printf("FAIL note.NewVerifier: %v\n", err)
		return false
	}
	v := &verifier{log: newHTTPLog(url)}
	signed, err := v.log.get("checkpoint")
	if err == nil {
		v.latest, err = openCheckpoint(signed, nv)
	}
	v.check(err, "GET /checkpoint: note.Open with the vkey, tlog.ParseTree%s", describe(v.latest, err))
	if err != nil {
		return summary(v)
	}
	t := v.latest.tree
	if size >= 0 && t.N != size {
		v.check(fmt.Errorf("tree size %d, want %d", t.N, size), "checkpoint size")
	}
	_, err = openCheckpoint(tamperedNote(signed), nv)
	v.mustReject(err, "note.Open of the checkpoint with a flipped bit in its size line")

	var olds []checkpoint
	for _, f := range oldFiles {
		b, err := os.ReadFile(f)
		var o checkpoint
		if err == nil {
			o, err = openCheckpoint(b, nv)
		}
		v.check(err, "earlier checkpoint %s: note.Open, tlog.ParseTree%s", f, describe(o, err))
		if err == nil {
			olds = append(olds, o)
		}
	}
	if t.N == 0 {
		v.check(nil, "the tree is empty: root SHA-256(\"\"), no tiles")
		return summary(v)
	}

	v.thr = tlog.TileHashReader(t, v.log)
	v.check(v.treeHash(t, v.thr), "tlog.TileHashReader + tlog.TreeHash(%d) over the hash tiles = the signed root", t.N)

	for _, i := range recordIndices(t.N, olds, indexArgs) {
		p, leaf, err := v.record(i)
		v.check(err, "entry %d: tlog.RecordHash(entry) is its tile leaf; tlog.ProveRecord/CheckRecord in tree %d (%d hashes)", i, t.N, len(p))
		if err == nil && i == t.N-1 {
			v.tamper(i, p, leaf)
		}
	}
	for _, o := range olds {
		v.consistency(o)
	}
	if full {
		v.full(olds)
	}
	return summary(v)
}

// describe says what an opened checkpoint holds (nothing if it failed to open).
func describe(c checkpoint, err error) string {
	if err != nil {
		return ""
	}
	return fmt.Sprintf(": origin %q, size %d, root %v", c.origin, c.tree.N, c.tree.Hash)
}

// recordIndices: the requested indices plus first, last and tile boundaries.
func recordIndices(n int64, olds []checkpoint, args []string) []int64 {
	set := map[int64]bool{}
	for _, c := range []int64{0, 255, 256, 511, 512, 65535, 65536, n - 1} {
		set[c] = true
	}
	for _, o := range olds {
		set[o.tree.N-1], set[o.tree.N] = true, true
	}
	for _, a := range args {
		i, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			fmt.Printf("FAIL -index %q: not an integer\n", a)
			os.Exit(2)
		}
		set[i] = true
	}
	var out []int64
	for i := range set {
		if i >= 0 && i < n {
			out = append(out, i)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out
}

func summary(v *verifier) bool {
	fmt.Printf("%d HTTP fetches\n", v.log.fetches)
	if v.failed > 0 {
		fmt.Printf("FAILED: %d of %d checks\n", v.failed, v.failed+v.passed)
		return false
	}
	fmt.Printf("PASS: %d checks\n", v.passed)
	return true
}
