package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bin is the guanxi binary built once for these tests: the commands are
// checked the way users and scripts call them.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "guanxi-bin-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "guanxi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		panic("build guanxi: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func guanxi(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	require.NoError(t, cmd.Run(), "guanxi %s\n%s", strings.Join(args, " "), e.String())
	return o.String(), e.String()
}

func readLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var v map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &v), "%s: %s", path, sc.Text())
		out = append(out, v)
	}
	require.NoError(t, sc.Err())
	return out
}

func TestHelp(t *testing.T) {
	for _, c := range []struct {
		cmd   string
		flags []string
	}{
		{"demo", []string{"-corpus", "-as-of"}},
		{"run", []string{"-brokers", "-in", "-out", "-as-of", "-items-topic", "-dlq-topic", "-store"}},
		{"extract", []string{"-in", "-out"}},
		{"train", []string{"-corpus", "-seed"}},
		{"eval", []string{"-gold", "-messages", "-split", "-json", "-errors"}},
		{"corpus", []string{"-against"}},
	} {
		t.Run(c.cmd, func(t *testing.T) {
			_, stderr := guanxi(t, c.cmd, "--help")
			for _, f := range c.flags {
				assert.Contains(t, stderr, f)
			}
		})
	}
	cmd := exec.Command(bin, "nonsense")
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), `unknown command "nonsense"`)
}

func TestRunFileMode(t *testing.T) {
	dir := t.TempDir()
	in := "../../testdata/bad/mixed.jsonl"
	args := []string{"run", "--in", in, "--out", dir, "--store", filepath.Join(dir, "graph"), "--as-of", "2025-04-01"}
	guanxi(t, args...)

	items := readLines(t, filepath.Join(dir, "items.jsonl"))
	require.NotEmpty(t, items)
	for _, it := range items {
		for _, f := range []string{"message_id", "account_id", "type", "subtype", "party", "speaker", "text", "confidence", "model"} {
			assert.Contains(t, it, f)
		}
		if due, ok := it["due"]; ok {
			assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, due)
		}
	}
	dlq := readLines(t, filepath.Join(dir, "dlq.jsonl"))
	want := readLines(t, "../../testdata/bad/mixed.want.jsonl")
	bad := 0
	for _, w := range want {
		if !w["ok"].(bool) {
			bad++
		}
	}
	assert.Len(t, dlq, bad)
	for _, d := range dlq {
		assert.NotEmpty(t, d["reason"])
		assert.NotZero(t, d["line"])
	}
	scores := readLines(t, filepath.Join(dir, "scores.jsonl"))
	require.NotEmpty(t, scores)
	for _, s := range scores {
		assert.Equal(t, "2025-04-01T23:59:59+08:00", s["as_of"])
		for _, f := range []string{"account_id", "technical", "commercial", "emotional", "at_risk", "evidence"} {
			assert.Contains(t, s, f)
		}
	}

	// A second run over the same input resumes after the checkpoint:
	// nothing is processed or written twice.
	guanxi(t, args...)
	assert.Len(t, readLines(t, filepath.Join(dir, "items.jsonl")), len(items))
	assert.Len(t, readLines(t, filepath.Join(dir, "dlq.jsonl")), bad)
}

func TestExtract(t *testing.T) {
	out := filepath.Join(t.TempDir(), "items.jsonl")
	guanxi(t, "extract", "--in", "../../testdata/demo/messages.jsonl", "--out", out)
	items := readLines(t, out)
	require.NotEmpty(t, items)
	raw, err := os.ReadFile("../../testdata/demo/messages.jsonl")
	require.NoError(t, err)
	for _, it := range items {
		// Evidence is quoted exactly: it appears in the input as written.
		quoted, err := json.Marshal(it["text"])
		require.NoError(t, err)
		inner := strings.Trim(string(quoted), `"`)
		assert.True(t, bytes.Contains(raw, []byte(inner)) || strings.Contains(string(raw), it["text"].(string)), "evidence %q not in the input", it["text"])
	}
}

func TestTrainReproducesShippedModel(t *testing.T) {
	dir := t.TempDir()
	guanxi(t, "train", "--corpus", "../../testdata/corpus/train", "--out", dir)
	for _, name := range []string{"model.onnx", "tokenizer.json", "config.json"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		shipped, err := os.ReadFile(filepath.Join("../../models/sentence", name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(shipped, got), "%s differs from the shipped model: run 'make train' and commit", name)
	}
}

func TestDemo(t *testing.T) {
	stdout, _ := guanxi(t, "demo", "--corpus", "../../testdata/demo/messages.jsonl")
	var expected struct {
		Accounts []struct {
			Name   string `json:"name"`
			AtRisk bool   `json:"at_risk"`
		} `json:"accounts"`
	}
	raw, err := os.ReadFile("../../testdata/demo/expected.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &expected))
	assert.Contains(t, stdout, "技术信任")
	for _, a := range expected.Accounts {
		assert.Contains(t, stdout, a.Name)
	}
}

func TestAudit(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "graph")
	guanxi(t, "run", "--in", "../../testdata/demo/messages.jsonl", "--out", dir, "--store", store, "--as-of", "2026-11-20")

	stdout, _ := guanxi(t, "audit", "--store", store, "--sample", "0.5", "--seed", "7", "--as-of", "2026-11-20", "--format", "json")
	var report struct {
		Summary struct {
			Total   int `json:"total_accounts"`
			Sampled int `json:"sampled"`
		} `json:"summary"`
		Accounts []struct {
			AccountID string `json:"account_id"`
			Advice    []any  `json:"advice"`
		} `json:"accounts"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &report))
	assert.Equal(t, 9, report.Summary.Total)
	assert.Equal(t, report.Summary.Sampled, len(report.Accounts))
	assert.InDelta(t, 4.5, float64(report.Summary.Sampled), 0.51)

	// The same seed gives the same sample.
	again, _ := guanxi(t, "audit", "--store", store, "--sample", "0.5", "--seed", "7", "--as-of", "2026-11-20", "--format", "json")
	assert.JSONEq(t, stdout, again)

	html := filepath.Join(dir, "audit.html")
	guanxi(t, "audit", "--store", store, "--sample", "0.5", "--seed", "7", "--as-of", "2026-11-20", "--format", "html", "--out", html)
	page, err := os.ReadFile(html)
	require.NoError(t, err)
	assert.Equal(t, len(report.Accounts), strings.Count(string(page), "<svg"))
	assert.Contains(t, string(page), `lang="zh-CN"`)
}
