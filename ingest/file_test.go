package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// source is the method set both sources share; the pipeline declares its
// own copy.
type source interface {
	Fetch(ctx context.Context) (Record, error)
	Commit(ctx context.Context, recs ...Record) error
	Close() error
}

var (
	_ source = (*FileSource)(nil)
	_ source = (*KafkaSource)(nil)
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.jsonl")
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// fetchAll reads src to the end.
func fetchAll(t *testing.T, src source) []Record {
	t.Helper()
	var recs []Record
	for {
		r, err := src.Fetch(t.Context())
		if errors.Is(err, io.EOF) {
			return recs
		}
		require.NoError(t, err)
		recs = append(recs, r)
	}
}

func lines(recs []Record) []int {
	out := make([]int, len(recs))
	for i, r := range recs {
		out[i] = r.Line
	}
	return out
}

func TestFileSourceLines(t *testing.T) {
	// One line of ~2.7 MB; the first line starts with a BOM and ends in
	// CRLF, as Windows tools write; the last has no final newline.
	long := `{"body":"` + strings.Repeat("客户说价格太贵了。", 100000) + `"}`
	content := "\ufeff{\"id\":\"a\"}\r\n" +
		"\n" +
		"   \t\n" +
		long + "\n" +
		"不是JSON\n" +
		"{\"id\":\"last\"}"
	src, err := NewFileSource(writeFile(t, content), "")
	require.NoError(t, err)
	defer src.Close()

	recs := fetchAll(t, src)
	require.Len(t, recs, 4)
	assert.Equal(t, []int{1, 4, 5, 6}, lines(recs))
	assert.Equal(t, `{"id":"a"}`, string(recs[0].Value))
	assert.Equal(t, long, string(recs[1].Value))
	assert.Equal(t, "不是JSON", string(recs[2].Value))
	assert.Equal(t, `{"id":"last"}`, string(recs[3].Value))
	assert.Equal(t, "line 5", recs[2].String())
	for _, r := range recs {
		assert.Empty(t, r.Topic)
		assert.Nil(t, r.Key)
	}

	// Still at the end; then closed.
	_, err = src.Fetch(t.Context())
	assert.ErrorIs(t, err, io.EOF)
	require.NoError(t, src.Close())
	_, err = src.Fetch(t.Context())
	assert.ErrorIs(t, err, io.EOF)
}

func TestFileSourceCheckpointResume(t *testing.T) {
	var sb strings.Builder
	for i := 1; i <= 10; i++ {
		if i == 4 {
			sb.WriteString("\n") // a blank line is never fetched, so never holds back
			continue
		}
		sb.WriteString(`{"n":` + string(rune('0'+i%10)) + "}\n")
	}
	in := writeFile(t, sb.String())
	cp := filepath.Join(t.TempDir(), "state", "in.checkpoint")
	require.NoError(t, os.MkdirAll(filepath.Dir(cp), 0o755))

	src, err := NewFileSource(in, cp)
	require.NoError(t, err)
	recs := fetchAll(t, src)
	require.Equal(t, []int{1, 2, 3, 5, 6, 7, 8, 9, 10}, lines(recs))

	// Lines 1, 2, 3 and 5 are done; 6 is still in flight, so committing 7
	// and 8 must not move the checkpoint past 5.
	require.NoError(t, src.Commit(t.Context(), recs[1], recs[0]))
	assert.Equal(t, 2, checkpointLine(t, cp))
	require.NoError(t, src.Commit(t.Context(), recs[2], recs[3], recs[5], recs[6]))
	assert.Equal(t, 5, checkpointLine(t, cp))
	// Committing again is harmless.
	require.NoError(t, src.Commit(t.Context(), recs[0], recs[3]))
	assert.Equal(t, 5, checkpointLine(t, cp))
	require.NoError(t, src.Close())

	// A new source resumes after line 5: 6 was never committed, 7 and 8 were
	// but only after 6, so all three come again.
	src, err = NewFileSource(in, cp)
	require.NoError(t, err)
	recs = fetchAll(t, src)
	require.Equal(t, []int{6, 7, 8, 9, 10}, lines(recs))
	require.NoError(t, src.Commit(t.Context(), recs...))
	assert.Equal(t, 10, checkpointLine(t, cp))
	require.NoError(t, src.Close())

	src, err = NewFileSource(in, cp)
	require.NoError(t, err)
	assert.Empty(t, fetchAll(t, src))
	require.NoError(t, src.Close())

	// No temp files are left next to the checkpoint.
	entries, err := os.ReadDir(filepath.Dir(cp))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, "in.checkpoint", entries[0].Name())
}

func checkpointLine(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var st struct {
		File string `json:"file"`
		Line int    `json:"line"`
	}
	require.NoError(t, json.Unmarshal(b, &st))
	assert.Equal(t, "in.jsonl", st.File)
	return st.Line
}

func TestFileSourceErrors(t *testing.T) {
	in := writeFile(t, "{\"a\":1}\n{\"a\":2}\n")

	_, err := NewFileSource(filepath.Join(t.TempDir(), "missing.jsonl"), "")
	assert.ErrorIs(t, err, os.ErrNotExist)

	cp := filepath.Join(t.TempDir(), "cp")
	require.NoError(t, os.WriteFile(cp, []byte("第三行"), 0o644))
	_, err = NewFileSource(in, cp)
	assert.ErrorContains(t, err, "is corrupt")

	src, err := NewFileSource(in, "")
	require.NoError(t, err)
	defer src.Close()
	r, err := src.Fetch(t.Context())
	require.NoError(t, err)
	// A line never fetched cannot be committed.
	err = src.Commit(t.Context(), r, Record{Line: 2})
	assert.ErrorContains(t, err, "commit line 2: not fetched")
	require.NoError(t, src.Commit(t.Context(), r))

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = src.Fetch(ctx)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestInflight(t *testing.T) {
	var f inflight
	for _, p := range []int64{10, 11, 12, 13} {
		f.fetched(p)
	}
	_, ok := f.release()
	assert.False(t, ok, "nothing done yet")

	f.commit(12)
	_, ok = f.release()
	assert.False(t, ok, "10 and 11 still in flight")

	f.commit(10)
	upto, ok := f.release()
	require.True(t, ok)
	assert.Equal(t, int64(10), upto)

	f.commit(11)
	upto, ok = f.release()
	require.True(t, ok)
	assert.Equal(t, int64(12), upto)
	assert.True(t, f.known(11), "released positions stay known")
	assert.False(t, f.known(99))

	// A rebalance redelivers from 13: the pending 13 is replaced, not kept
	// twice.
	f.fetched(13)
	f.fetched(14)
	f.commit(13)
	f.commit(14)
	upto, ok = f.release()
	require.True(t, ok)
	assert.Equal(t, int64(14), upto)
	assert.Empty(t, f.pos)
}
