package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Record is one raw input as a source delivered it, before validation.
// Kafka records carry Topic, Partition and Offset; file records carry Line.
type Record struct {
	Key       []byte
	Value     []byte
	Topic     string
	Partition int
	Offset    int64
	// Line is the 1-based line number in a JSONL file; zero for Kafka.
	Line int
}

// String names where the record came from, for logs and errors.
func (r Record) String() string {
	if r.Topic != "" {
		return fmt.Sprintf("%s/%d@%d", r.Topic, r.Partition, r.Offset)
	}
	return fmt.Sprintf("line %d", r.Line)
}

// inflight tracks the positions (offsets or line numbers) fetched from one
// partition or file, in fetch order, so that progress is only persisted up
// to the oldest position not yet committed. Committing position N tells
// Kafka, or the checkpoint, that everything before N is done too.
type inflight struct {
	pos  []int64 // fetched and not yet released, ascending
	done map[int64]bool
	// released is the highest position handed out by release.
	released    int64
	hasReleased bool
}

// fetched records a newly delivered position. A position at or below one
// already pending means the source rewound (a consumer-group rebalance
// redelivers from the last committed offset): the stale entries are dropped
// and will be delivered again.
func (f *inflight) fetched(p int64) {
	if f.done == nil {
		f.done = make(map[int64]bool)
	}
	if n := len(f.pos); n > 0 && p <= f.pos[n-1] {
		i := len(f.pos)
		for i > 0 && f.pos[i-1] >= p {
			i--
			delete(f.done, f.pos[i])
		}
		f.pos = f.pos[:i]
	}
	f.pos = append(f.pos, p)
}

// known reports whether p is pending or was already released.
func (f *inflight) known(p int64) bool {
	if f.hasReleased && p <= f.released {
		return true
	}
	_, ok := searchInt64(f.pos, p)
	return ok
}

// commit marks p done if it is pending; positions already released are done.
func (f *inflight) commit(p int64) {
	if f.hasReleased && p <= f.released {
		return
	}
	if _, ok := searchInt64(f.pos, p); ok {
		f.done[p] = true
	}
}

// release pops the leading run of done positions and returns the last one.
func (f *inflight) release() (int64, bool) {
	i := 0
	for i < len(f.pos) && f.done[f.pos[i]] {
		delete(f.done, f.pos[i])
		i++
	}
	if i == 0 {
		return 0, false
	}
	last := f.pos[i-1]
	f.pos = f.pos[i:]
	f.released, f.hasReleased = last, true
	return last, true
}

func searchInt64(s []int64, v int64) (int, bool) {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(s) && s[lo] == v
}

// lineReader reads JSONL input line by line without a line-length limit,
// numbering lines from 1 and skipping blank ones.
type lineReader struct {
	r    *bufio.Reader
	line int
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10)}
}

var utf8BOM = []byte("\xef\xbb\xbf")

// next returns the next non-blank line without its line ending, and its
// 1-based number. It returns io.EOF after the last line.
func (lr *lineReader) next() (int, []byte, error) {
	for {
		b, err := lr.r.ReadBytes('\n')
		if len(b) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return 0, nil, io.EOF
			}
			return 0, nil, err
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, nil, err
		}
		lr.line++
		b = bytes.TrimSuffix(b, []byte("\n"))
		b = bytes.TrimSuffix(b, []byte("\r"))
		if lr.line == 1 {
			// Editors on Windows often save UTF-8 with a byte order mark.
			b = bytes.TrimPrefix(b, utf8BOM)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		return lr.line, b, nil
	}
}
