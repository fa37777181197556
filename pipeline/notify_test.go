package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/emit"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/notify"
	"github.com/guanxi-dev/guanxi/pipeline"
)

// TestWarningsReachWebhook runs the demo corpus with a generic JSON
// webhook on loopback: every warning change written to warnings.jsonl is
// delivered, with the account's name.
func TestWarningsReachWebhook(t *testing.T) {
	var mu sync.Mutex
	var got []notify.JSONEvent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body notify.JSONBody
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, body.Events...)
		mu.Unlock()
	}))
	defer srv.Close()
	n, err := notify.NewNotifier([]notify.Config{{Name: "ops", Kind: notify.JSON, URL: srv.URL}})
	require.NoError(t, err)

	dir := t.TempDir()
	src, err := ingest.NewFileSource("../testdata/demo/messages.jsonl", "")
	require.NoError(t, err)
	defer src.Close()
	out, err := emit.NewFileEmitter(dir)
	require.NoError(t, err)
	store := openStore(t, filepath.Join(dir, "g"))
	defer store.Close()
	p := &pipeline.Pipeline{Source: src, Extractor: extractor(t), Store: store, Emitter: out, Notifier: n}
	require.NoError(t, p.Run(context.Background()))
	require.NoError(t, out.Close())

	lines := readJSONL(t, filepath.Join(dir, "warnings.jsonl"))
	require.NotEmpty(t, lines)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, len(lines))
	for i, ev := range got {
		assert.Equal(t, lines[i]["account_id"], ev.AccountID)
		assert.Equal(t, lines[i]["kind"], string(ev.Kind))
		assert.Equal(t, lines[i]["status"], string(ev.Status))
		assert.NotEmpty(t, ev.AccountName)
		assert.NotEmpty(t, ev.Text)
	}
}

// TestRestartAnnouncesNothingTwice replays the demo corpus into the same
// graph with a fresh pipeline, as after a crash or on another instance:
// the facts are there already and so is the record of what was emitted,
// so no score or warning is announced again.
func TestRestartAnnouncesNothingTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g")
	run := func() (scores, warnings int) {
		dir := t.TempDir()
		src, err := ingest.NewFileSource("../testdata/demo/messages.jsonl", "")
		require.NoError(t, err)
		defer src.Close()
		out, err := emit.NewFileEmitter(dir)
		require.NoError(t, err)
		store := openStore(t, path)
		defer store.Close()
		p := &pipeline.Pipeline{Source: src, Extractor: extractor(t), Store: store, Emitter: out, AsOf: demoAsOf}
		require.NoError(t, p.Run(context.Background()))
		require.NoError(t, out.Close())
		return countLines(t, filepath.Join(dir, "scores.jsonl")), countLines(t, filepath.Join(dir, "warnings.jsonl"))
	}
	scores, warnings := run()
	require.NotZero(t, scores)
	require.NotZero(t, warnings)
	scores, warnings = run()
	assert.Zero(t, scores)
	assert.Zero(t, warnings)
}

func demoAsOf() time.Time {
	return time.Date(2026, 11, 20, 23, 59, 59, 0, time.FixedZone("CST", 8*3600))
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return 0
	}
	return len(readJSONL(t, path))
}
