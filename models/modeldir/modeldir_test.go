package modeldir_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/models/modeldir"
)

func sampleConfig() *modeldir.Config {
	id2label, label2id := modeldir.LabelMaps([]string{"none", "commitment", "objection", "pain_point"})
	return &modeldir.Config{
		ModelType:    modeldir.ModelType,
		Name:         "guanxi-sentence",
		Version:      "0123456789ab",
		ID2Label:     id2label,
		Label2ID:     label2id,
		MaxLength:    64,
		VocabSize:    1000,
		EmbeddingDim: 64,
		HiddenDim:    32,
		Lowercase:    true,
		Thresholds:   map[string]float64{"pain_point": 0.6},
		Training: modeldir.Training{
			Seed: 1<<63 + 7, Epochs: 12, MaxEpochs: 40, BestEpoch: 9,
			Examples: 200, TrainExamples: 180, ValidExamples: 20,
			BatchSize: 32, LearningRate: 0.005,
			DataSHA256:   "ab",
			ClassWeights: map[string]float64{"none": 0.5, "commitment": 1.5},
			ValidLoss:    0.25, ValidAccuracy: 0.95,
		},
	}
}

func TestConfigRoundTrip(t *testing.T) {
	cfg := sampleConfig()
	data, err := cfg.Marshal()
	require.NoError(t, err)
	again, err := cfg.Marshal()
	require.NoError(t, err)
	assert.Equal(t, data, again, "deterministic")
	assert.Contains(t, string(data), `"id2label": {`)
	assert.Contains(t, string(data), `"0": "none"`)
	assert.Contains(t, string(data), `"pain_point": 3`)

	got, err := modeldir.ParseConfig(data)
	require.NoError(t, err)
	assert.Equal(t, cfg, got)

	labels, err := got.Labels()
	require.NoError(t, err)
	assert.Equal(t, []string{"none", "commitment", "objection", "pain_point"}, labels)
	assert.Equal(t, "guanxi-sentence@0123456789ab", got.ID())
}

func TestConfigInvalid(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*modeldir.Config)
		want   string
	}{
		{"model type", func(c *modeldir.Config) { c.ModelType = "bert" }, `model_type "bert"`},
		{"no name", func(c *modeldir.Config) { c.Name = "" }, "no name"},
		{"threshold of an unknown type", func(c *modeldir.Config) { c.Thresholds = map[string]float64{"risk": 0.6} }, `threshold "risk"`},
		{"threshold above one", func(c *modeldir.Config) { c.Thresholds = map[string]float64{"pain_point": 1.5} }, `threshold "pain_point"`},
		{"short version", func(c *modeldir.Config) { c.Version = "abc" }, "not 12 hex digits"},
		{"non-hex version", func(c *modeldir.Config) { c.Version = "0123456789xy" }, "not 12 hex digits"},
		{"no labels", func(c *modeldir.Config) { c.ID2Label, c.Label2ID = nil, nil }, "no id2label"},
		{"one label", func(c *modeldir.Config) { c.ID2Label, c.Label2ID = modeldir.LabelMaps([]string{"none"}) }, "at least 2"},
		{"gap in ids", func(c *modeldir.Config) {
			c.ID2Label = map[string]string{"0": "none", "2": "commitment"}
			c.Label2ID = map[string]int{"none": 0, "commitment": 2}
		}, `key "2" is not an id in 0..1`},
		{"padded id", func(c *modeldir.Config) {
			c.ID2Label = map[string]string{"0": "none", "01": "commitment"}
			c.Label2ID = map[string]int{"none": 0, "commitment": 1}
		}, `key "01"`},
		{"maps disagree", func(c *modeldir.Config) { c.Label2ID["none"], c.Label2ID["commitment"] = 1, 0 }, `label2id["none"] = 1`},
		{"label2id lacks a label", func(c *modeldir.Config) {
			delete(c.Label2ID, "none")
			c.Label2ID["other"] = 0
		}, `label2id lacks "none"`},
		{"map sizes", func(c *modeldir.Config) { c.Label2ID["extra"] = 4 }, "4 id2label entries but 5 label2id"},
		{"max length", func(c *modeldir.Config) { c.MaxLength = 2 }, "max_length 2"},
		{"sizes", func(c *modeldir.Config) { c.HiddenDim = 0 }, "hidden_dim 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := sampleConfig()
			tt.mutate(cfg)
			err := cfg.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)

			data, err := cfg.Marshal()
			require.NoError(t, err)
			_, err = modeldir.ParseConfig(data)
			require.Error(t, err)
		})
	}

	_, err := modeldir.ParseConfig([]byte(`{"model_type": 3}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "parse config")
}

func TestVersion(t *testing.T) {
	data := []byte("onnx bytes")
	sum := sha256.Sum256(data)
	assert.Equal(t, hex.EncodeToString(sum[:])[:12], modeldir.Version(data))
	assert.Equal(t, hex.EncodeToString(sum[:]), modeldir.SHA256(data))
	assert.NotEqual(t, modeldir.Version(data), modeldir.Version([]byte("other bytes")))
}

func TestFilesWriteAndReadConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "model")
	cfg := sampleConfig()
	cfgJSON, err := cfg.Marshal()
	require.NoError(t, err)
	files := modeldir.Files{Model: []byte("model"), Tokenizer: []byte("{}"), Config: cfgJSON}
	require.NoError(t, files.Write(dir))
	// Overwriting an existing directory replaces the files.
	files.Model = []byte("model v2")
	require.NoError(t, files.Write(dir))

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{modeldir.ModelFile, modeldir.TokenizerFile, modeldir.ConfigFile}, names,
		"no temporary files left behind")
	got, err := os.ReadFile(filepath.Join(dir, modeldir.ModelFile))
	require.NoError(t, err)
	assert.Equal(t, []byte("model v2"), got)

	read, err := modeldir.ReadConfig(dir)
	require.NoError(t, err)
	assert.Equal(t, cfg, read)

	_, err = modeldir.ReadConfig(t.TempDir())
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)

	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, modeldir.ConfigFile), []byte(`{"model_type":"x"}`), 0o644))
	_, err = modeldir.ReadConfig(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(bad, modeldir.ConfigFile))
}

func TestWritePinned(t *testing.T) {
	cfg := sampleConfig()
	cfgJSON, err := cfg.Marshal()
	require.NoError(t, err)
	pinned := modeldir.Files{Model: []byte("model"), Tokenizer: []byte("{}"), Config: cfgJSON}
	dir := t.TempDir()
	require.NoError(t, pinned.Write(dir))
	require.NoError(t, os.Remove(filepath.Join(dir, modeldir.ModelFile)))

	other := pinned
	other.Tokenizer = []byte(`{"other":true}`)
	err = other.WritePinned(dir)
	require.ErrorIs(t, err, modeldir.ErrNotPinned)
	assert.Contains(t, err.Error(), "tokenizer.json")
	assert.Contains(t, err.Error(), cfg.Version, "the error names the pinned version")
	_, err = os.Stat(filepath.Join(dir, modeldir.ModelFile))
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing written for another model")

	require.NoError(t, pinned.WritePinned(dir))
	got, err := os.ReadFile(filepath.Join(dir, modeldir.ModelFile))
	require.NoError(t, err)
	assert.Equal(t, pinned.Model, got)
}
