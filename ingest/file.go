package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// FileSource reads messages from a JSONL file, one message per line. With a
// checkpoint file it remembers how far processing got: Commit records the
// highest line below which every fetched line is committed, and a source
// reopened on the same checkpoint resumes after that line.
type FileSource struct {
	path       string
	checkpoint string

	mu     sync.Mutex // guards f, lr, track, closed
	f      *os.File
	lr     *lineReader
	skip   int // lines at or below this were committed by an earlier run
	track  inflight
	closed bool

	commitMu sync.Mutex // serialises checkpoint writes
}

// checkpointState is the JSON content of a checkpoint file.
type checkpointState struct {
	File        string    `json:"file"`
	Line        int       `json:"line"`
	CommittedAt time.Time `json:"committed_at"`
}

// NewFileSource opens the JSONL file at path. If checkpoint is not empty it
// names the checkpoint file: a missing one means start at line 1.
func NewFileSource(path, checkpoint string) (*FileSource, error) {
	skip := 0
	if checkpoint != "" {
		st, err := readCheckpoint(checkpoint)
		if err != nil {
			return nil, err
		}
		skip = st.Line
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: open input: %w", err)
	}
	s := &FileSource{
		path:       path,
		checkpoint: checkpoint,
		f:          f,
		lr:         newLineReader(f),
		skip:       skip,
	}
	if skip > 0 {
		s.track.released, s.track.hasReleased = int64(skip), true
	}
	return s, nil
}

func readCheckpoint(path string) (checkpointState, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return checkpointState{}, nil
	}
	if err != nil {
		return checkpointState{}, fmt.Errorf("ingest: read checkpoint: %w", err)
	}
	var st checkpointState
	if err := json.Unmarshal(b, &st); err != nil {
		return checkpointState{}, fmt.Errorf("ingest: checkpoint %s is corrupt: %w", path, err)
	}
	if st.Line < 0 {
		return checkpointState{}, fmt.Errorf("ingest: checkpoint %s is corrupt: negative line %d", path, st.Line)
	}
	return st, nil
}

// Fetch returns the next non-blank line as a Record with its 1-based line
// number. It returns io.EOF at the end of the file and once the source is
// closed.
func (s *FileSource) Fetch(ctx context.Context) (Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if err := ctx.Err(); err != nil {
			return Record{}, err
		}
		if s.closed {
			return Record{}, io.EOF
		}
		line, b, err := s.lr.next()
		if err == io.EOF {
			return Record{}, io.EOF
		}
		if err != nil {
			return Record{}, fmt.Errorf("ingest: read %s: %w", s.path, err)
		}
		if line <= s.skip {
			continue
		}
		s.track.fetched(int64(line))
		return Record{Value: b, Line: line}, nil
	}
}

// Commit marks records done. With a checkpoint file it then atomically
// records the highest line below which every fetched record is committed,
// so records still in flight are read again after a restart.
func (s *FileSource) Commit(ctx context.Context, recs ...Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.commitMu.Lock()
	defer s.commitMu.Unlock()

	s.mu.Lock()
	for _, r := range recs {
		if r.Line <= 0 || !s.track.known(int64(r.Line)) {
			s.mu.Unlock()
			return fmt.Errorf("ingest: commit %v: not fetched from %s", r, s.path)
		}
	}
	for _, r := range recs {
		s.track.commit(int64(r.Line))
	}
	upto, ok := s.track.release()
	s.mu.Unlock()

	if !ok || s.checkpoint == "" {
		return nil
	}
	st := checkpointState{File: filepath.Base(s.path), Line: int(upto), CommittedAt: time.Now().UTC()}
	if err := writeFileAtomic(s.checkpoint, st); err != nil {
		return fmt.Errorf("ingest: write checkpoint: %w", err)
	}
	return nil
}

// Close closes the file. Records fetched but not committed are read again
// by the next source opened on the same checkpoint.
func (s *FileSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if err := s.f.Close(); err != nil {
		return fmt.Errorf("ingest: close %s: %w", s.path, err)
	}
	return nil
}

// writeFileAtomic replaces path with v as JSON so that a crash leaves either
// the old or the new content, never a torn file.
func writeFileAtomic(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Make the rename itself durable; not every platform can sync a
	// directory, and the rename is already atomic, so a failure is ignored.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
