package emit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// FileEmitter appends records to one JSONL file per stream in a directory:
// items.jsonl, scores.jsonl, warnings.jsonl and dlq.jsonl. Every Emit
// flushes what it wrote to the operating system.
type FileEmitter struct {
	dir string

	mu     sync.Mutex
	files  map[Stream]*os.File
	bufs   map[Stream]*bufio.Writer
	closed bool
}

// FileName returns the file name stream s is written to.
func FileName(s Stream) string { return string(s) + ".jsonl" }

// NewFileEmitter creates dir if needed and opens the stream files for
// appending, so a restarted pipeline adds to earlier output.
func NewFileEmitter(dir string) (*FileEmitter, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("emit: file emitter: %w", err)
	}
	e := &FileEmitter{
		dir:   dir,
		files: make(map[Stream]*os.File, len(Streams)),
		bufs:  make(map[Stream]*bufio.Writer, len(Streams)),
	}
	for _, s := range Streams {
		f, err := os.OpenFile(filepath.Join(dir, FileName(s)), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			e.closeFiles()
			return nil, fmt.Errorf("emit: file emitter: %w", err)
		}
		e.files[s] = f
		e.bufs[s] = bufio.NewWriter(f)
	}
	return e, nil
}

// Path returns the path of stream s's file.
func (e *FileEmitter) Path(s Stream) string { return filepath.Join(e.dir, FileName(s)) }

// Emit appends each record as one JSON line to its stream's file and
// flushes. Records are checked and encoded first: an unknown stream or a
// value that cannot be encoded fails the call before anything is written.
func (e *FileEmitter) Emit(ctx context.Context, recs ...Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	vals, err := encode(recs)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return errors.New("emit: file emitter is closed")
	}
	touched := make(map[Stream]bool, len(Streams))
	for i, r := range recs {
		w := e.bufs[r.Stream]
		if _, err := w.Write(vals[i]); err != nil {
			return fmt.Errorf("emit: write %s: %w", e.Path(r.Stream), err)
		}
		if err := w.WriteByte('\n'); err != nil {
			return fmt.Errorf("emit: write %s: %w", e.Path(r.Stream), err)
		}
		touched[r.Stream] = true
	}
	for s := range touched {
		if err := e.bufs[s].Flush(); err != nil {
			return fmt.Errorf("emit: flush %s: %w", e.Path(s), err)
		}
	}
	return nil
}

// Close flushes and closes the files.
func (e *FileEmitter) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	var errs []error
	for _, s := range Streams {
		if err := e.bufs[s].Flush(); err != nil {
			errs = append(errs, fmt.Errorf("emit: flush %s: %w", e.Path(s), err))
		}
	}
	errs = append(errs, e.closeFiles())
	return errors.Join(errs...)
}

func (e *FileEmitter) closeFiles() error {
	var errs []error
	for s, f := range e.files {
		if err := f.Close(); err != nil {
			errs = append(errs, fmt.Errorf("emit: close %s: %w", e.Path(s), err))
		}
	}
	return errors.Join(errs...)
}
