package due

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCorpusCommitments reads the due dates of the annotated commitments in
// testdata/corpus the way extract does (a past date is no due date) and
// requires broad agreement. The annotations differ from this package by
// convention in a few places (本周内, 这两天 and X月中旬 are no date to
// most annotators), so a small share of disagreements is expected and
// logged.
func TestCorpusCommitments(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "corpus")
	msgFiles, err := filepath.Glob(filepath.Join(root, "*", "*.messages.jsonl"))
	require.NoError(t, err)
	if len(msgFiles) == 0 {
		t.Skip("no annotated corpus under testdata/corpus")
	}
	sent := map[string]time.Time{}
	for _, f := range msgFiles {
		eachLine(t, f, func(line []byte) {
			var m struct {
				ID         string    `json:"id"`
				OccurredAt time.Time `json:"occurred_at"`
			}
			require.NoError(t, json.Unmarshal(line, &m), "%s", f)
			sent[m.ID] = m.OccurredAt
		})
	}
	goldFiles, err := filepath.Glob(filepath.Join(root, "*", "*.gold.jsonl"))
	require.NoError(t, err)
	var total, agree, dated int
	for _, f := range goldFiles {
		eachLine(t, f, func(line []byte) {
			var it struct {
				MessageID string `json:"message_id"`
				Type      string `json:"type"`
				Text      string `json:"text"`
				Due       string `json:"due"`
			}
			require.NoError(t, json.Unmarshal(line, &it), "%s", f)
			ref, ok := sent[it.MessageID]
			if it.Type != "commitment" || !ok {
				return
			}
			got := ""
			if m, ok := Find(it.Text, ref); ok && !m.Past {
				got = m.Date.Format(time.DateOnly)
			}
			total++
			if it.Due != "" {
				dated++
			}
			if got == it.Due {
				agree++
				return
			}
			t.Logf("%s %s: want %q, got %q: %s", ref.Format("2006-01-02 Mon"), it.MessageID, it.Due, got, it.Text)
		})
	}
	require.NotZero(t, total, "no commitments in the corpus")
	require.NotZero(t, dated, "no due dates in the corpus")
	rate := float64(agree) / float64(total)
	t.Logf("agree on %d of %d commitments (%.1f%%), %d with a due date", agree, total, 100*rate, dated)
	assert.GreaterOrEqual(t, rate, 0.9)
}

func eachLine(t *testing.T, path string, f func([]byte)) {
	t.Helper()
	file, err := os.Open(path)
	require.NoError(t, err)
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for sc.Scan() {
		if len(sc.Bytes()) > 0 {
			f(sc.Bytes())
		}
	}
	require.NoError(t, sc.Err(), "%s", path)
}
