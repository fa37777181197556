package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// evalFigures is what `guanxi eval --json` prints.
type evalFigures struct {
	Model   string `json:"model"`
	PerType map[string]struct {
		Gold int     `json:"gold"`
		F1   float64 `json:"f1"`
	} `json:"per_type"`
	Micro struct {
		Gold int     `json:"gold"`
		F1   float64 `json:"f1"`
	} `json:"micro"`
	Party    float64 `json:"party_accuracy"`
	Due      float64 `json:"due_accuracy"`
	Subtype  float64 `json:"subtype_accuracy"`
	Messages int     `json:"messages"`
}

func evalJSON(t *testing.T, args ...string) evalFigures {
	t.Helper()
	stdout, _ := guanxi(t, append([]string{"eval", "--json"}, args...)...)
	var f evalFigures
	require.NoError(t, json.Unmarshal([]byte(stdout), &f), stdout)
	return f
}

// TestShippedModelMeetsTargets holds the shipped model to the extraction
// targets on text it never saw: the held-out eval split, written like the
// training text, and eval and shifted (other styles, other hands)
// together. Shifted alone is held to a lower floor, where it stands now
// (micro F1 0.846; see the README), so that a change
// that loses transfer fails here.
func TestShippedModelMeetsTargets(t *testing.T) {
	for _, tc := range []struct {
		name   string
		splits []string
		// micro and perType are the F1 floors.
		micro, perType float64
	}{
		{"eval", []string{"eval"}, 0.85, 0.80},
		{"eval and shifted", []string{"eval", "shifted"}, 0.85, 0.80},
		{"shifted", []string{"shifted"}, shiftedMicroFloor, shiftedTypeFloor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var args []string
			for _, s := range tc.splits {
				args = append(args, "--split", filepath.Join("../../testdata/corpus", s))
			}
			f := evalJSON(t, args...)
			t.Logf("%s: micro F1 %.3f, per type %v, party %.3f, due %.3f, subtype %.3f",
				tc.name, f.Micro.F1, f.PerType, f.Party, f.Due, f.Subtype)
			assert.GreaterOrEqual(t, f.Micro.F1, tc.micro, "micro F1")
			for _, typ := range []string{"commitment", "objection", "pain_point"} {
				assert.GreaterOrEqual(t, f.PerType[typ].F1, tc.perType, "%s F1", typ)
			}
			assert.GreaterOrEqual(t, f.Party, 0.95, "party accuracy")
			assert.GreaterOrEqual(t, f.Due, 0.90, "due-date accuracy")
		})
	}
}

func TestEvalSplitsAndErrors(t *testing.T) {
	errs := filepath.Join(t.TempDir(), "errors.jsonl")
	both := evalJSON(t, "--split", "../../testdata/corpus/eval", "--split", "../../testdata/corpus/shifted", "--errors", errs)
	eval := evalJSON(t, "--gold", "../../testdata/corpus/eval/e.gold.jsonl", "--messages", "../../testdata/corpus/eval/e.messages.jsonl")
	shifted := evalJSON(t, "--split", "../../testdata/corpus/shifted")
	assert.Equal(t, eval.Micro.Gold+shifted.Micro.Gold, both.Micro.Gold, "splits are scored together")
	assert.Equal(t, eval.Messages+shifted.Messages, both.Messages)

	lines := readLines(t, errs)
	require.NotEmpty(t, lines, "no model is perfect on held-out text")
	kinds := map[string]bool{}
	for _, l := range lines {
		kinds[l["kind"].(string)] = true
		assert.NotEmpty(t, l["message_id"])
		assert.NotEmpty(t, l["text"])
	}
	assert.True(t, kinds["miss"] || kinds["false_alarm"], "errors list misses or false alarms: %v", kinds)
}

func TestCorpusCheck(t *testing.T) {
	stdout, _ := guanxi(t, "corpus", "../../testdata/corpus/eval")
	assert.Contains(t, stdout, "gold items")

	dir := t.TempDir()
	msgs, err := os.ReadFile("../../testdata/corpus/eval/e.messages.jsonl")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.messages.jsonl"), msgs, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.gold.jsonl"),
		[]byte(`{"message_id":"nope","type":"commitment","party":"vendor","speaker":"a","text":"x"}`+"\n"+
			`{"message_id":"nope2","type":"objection","party":"customer","speaker":"b","text":"y","subtype":"price"}`+"\n"), 0o644))
	cmd := exec.Command(bin, "corpus", "--against", "../../testdata/corpus/eval", filepath.Join(dir, "x.messages.jsonl"))
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "problems make the command fail")
	assert.Contains(t, string(out), `"nope"`, "every problem is printed")
	assert.Contains(t, string(out), `"nope2"`)
	assert.Contains(t, string(out), "id appears in both splits")
}

// The floors the shifted split alone is held to, below the targets.
const (
	shiftedMicroFloor = 0.83
	shiftedTypeFloor  = 0.77
)

func TestCV(t *testing.T) {
	// Two small files make two folds; what is scored is the training code,
	// not the shipped model.
	dir := t.TempDir()
	for _, f := range []string{"eval/e.messages.jsonl", "eval/e.gold.jsonl", "shifted/s.messages.jsonl", "shifted/s.gold.jsonl"} {
		data, err := os.ReadFile(filepath.Join("../../testdata/corpus", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644))
	}
	stdout, _ := guanxi(t, "cv", "--corpus", dir, "--folds", "2", "--ensemble", "1", "--epochs", "3")
	for _, want := range []string{"\ne ", "\ns ", "\nall ", "micro", "party accuracy"} {
		assert.Contains(t, stdout, want)
	}

	cmd := exec.Command(bin, "cv", "--corpus", dir, "--folds", "3")
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "need between 2 and the 2 files")
}
