package main

// Reading a C2SP tlog-tiles log over HTTP through Go's sumdb tile model.
//
// golang.org/x/mod/sumdb/tlog names tiles "tile/<H>/<L>/<N>[.p/<W>]" and data
// tiles "tile/<H>/data/<N>[.p/<W>]"; C2SP tlog-tiles fixes H = 8 and drops it from
// the path, and calls data tiles "entries". Only that prefix is rewritten here:
// the index encoding (x001/x234/067) and the ".p/<W>" suffix are Go's own.

import (
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

const tileHeight = 8

// c2spPath maps a Go tile path to the C2SP tlog-tiles path of the same tile.
func c2spPath(t tlog.Tile) (string, error) {
	p := t.Path()
	prefix := fmt.Sprintf("tile/%d/", tileHeight)
	if t.H != tileHeight || !strings.HasPrefix(p, prefix) {
		return "", fmt.Errorf("tile %s: height %d is not the C2SP height %d", p, t.H, tileHeight)
	}
	rest := p[len(prefix):]
	if strings.HasPrefix(rest, "data/") {
		return "tile/entries/" + strings.TrimPrefix(rest, "data/"), nil
	}
	return "tile/" + rest, nil
}

// httpLog fetches a log's checkpoint, hash tiles and entry bundles.
type httpLog struct {
	base    string
	client  *http.Client
	cache   map[string][]byte
	fetches int
}

func newHTTPLog(base string) *httpLog {
	return &httpLog{
		base:   strings.TrimRight(base, "/"),
		client: &http.Client{Timeout: 30 * time.Second},
		cache:  map[string][]byte{},
	}
}

func (l *httpLog) get(path string) ([]byte, error) {
	if b, ok := l.cache[path]; ok {
		return b, nil
	}
	resp, err := l.client.Get(l.base + "/" + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET /%s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /%s: HTTP %d: %.200s", path, resp.StatusCode, body)
	}
	l.fetches++
	if path != "checkpoint" {
		l.cache[path] = body // tiles and bundles are immutable
	}
	return body, nil
}

// Height implements tlog.TileReader.
func (l *httpLog) Height() int { return tileHeight }

// ReadTiles implements tlog.TileReader: each Go tile is fetched from its C2SP path.
func (l *httpLog) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		p, err := c2spPath(t)
		if err != nil {
			return nil, err
		}
		b, err := l.get(p)
		if err != nil {
			return nil, err
		}
		if len(b) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("GET /%s: %d bytes, want %d (%d hashes)", p, len(b), t.W*tlog.HashSize, t.W)
		}
		out[i] = b
	}
	return out, nil
}

// SaveTiles implements tlog.TileReader; nothing is persisted.
func (l *httpLog) SaveTiles([]tlog.Tile, [][]byte) {}

// bundleWidth is the width of level-0 tile / entry bundle n in a tree of size size.
func bundleWidth(n, size int64) int {
	w := size - n*(1<<tileHeight)
	if w > 1<<tileHeight {
		w = 1 << tileHeight
	}
	return int(w)
}

// entryBundle fetches entry bundle n as it is in a tree of the given size and
// decodes it. Sumdb's data tiles hold newline-separated records; C2SP bundles
// hold big-endian uint16 length-prefixed entries, so this decoding is ours.
func (l *httpLog) entryBundle(n, size int64) ([][]byte, error) {
	w := bundleWidth(n, size)
	if w <= 0 {
		return nil, fmt.Errorf("entry bundle %d does not exist in a tree of size %d", n, size)
	}
	p, err := c2spPath(tlog.Tile{H: tileHeight, L: -1, N: n, W: w})
	if err != nil {
		return nil, err
	}
	b, err := l.get(p)
	if err != nil {
		return nil, err
	}
	var entries [][]byte
	for o := 0; o < len(b); {
		if o+2 > len(b) {
			return nil, fmt.Errorf("/%s: truncated length prefix at byte %d", p, o)
		}
		n := int(binary.BigEndian.Uint16(b[o:]))
		if o+2+n > len(b) {
			return nil, fmt.Errorf("/%s: entry %d truncated (%d bytes at %d)", p, len(entries), n, o+2)
		}
		entries = append(entries, b[o+2:o+2+n])
		o += 2 + n
	}
	if len(entries) != w {
		return nil, fmt.Errorf("/%s: %d entries, want %d", p, len(entries), w)
	}
	return entries, nil
}

// entry returns entry i (its bytes) as served in a tree of the given size.
func (l *httpLog) entry(i, size int64) ([]byte, error) {
	entries, err := l.entryBundle(i>>tileHeight, size)
	if err != nil {
		return nil, err
	}
	return entries[i&(1<<tileHeight-1)], nil
}

// corruptingReader passes tiles through, flipping one bit of the level-0 tile
// holding a given record: a tampered tile must be caught by tlog.TileHashReader.
type corruptingReader struct {
	tlog.TileReader
	record int64
}

func (c corruptingReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data, err := c.TileReader.ReadTiles(tiles)
	if err != nil {
		return nil, err
	}
	for i, t := range tiles {
		if t.L == 0 && t.N == c.record>>tileHeight {
			b := append([]byte(nil), data[i]...)
			b[(c.record&(1<<tileHeight-1))*tlog.HashSize] ^= 0x01
			data[i] = b
		}
	}
	return data, nil
}
