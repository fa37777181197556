package train_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/models/internal/testcorpus"
	"github.com/guanxi-dev/guanxi/models/modeldir"
	"github.com/guanxi-dev/guanxi/models/train"
)

func trainCorpus(t *testing.T, opts train.Options) *train.Model {
	t.Helper()
	m, err := train.Train(context.Background(), testcorpus.Examples(), opts)
	require.NoError(t, err)
	return m
}

func texts(examples []train.Example) []string {
	out := make([]string, len(examples))
	for i, ex := range examples {
		out[i] = ex.Text
	}
	return out
}

func TestTrainClassifiesObviousExamples(t *testing.T) {
	m := trainCorpus(t, train.Options{Seed: 1})
	assert.Equal(t, testcorpus.Labels, m.Labels())

	probs, err := m.Predict(texts(testcorpus.Obvious))
	require.NoError(t, err)
	for i, ex := range testcorpus.Obvious {
		p := probs[i]
		require.Len(t, p, len(testcorpus.Labels))
		var sum float32
		best := 0
		for l, v := range p {
			sum += v
			if v > p[best] {
				best = l
			}
		}
		assert.InDelta(t, 1, sum, 1e-5)
		assert.Equal(t, ex.Label, m.Labels()[best], "%q: %v", ex.Text, p)
		assert.Greater(t, p[best], float32(0.8), "%q: %v", ex.Text, p)
	}

	tr := m.Training()
	assert.Equal(t, len(testcorpus.Examples()), tr.Examples)
	assert.Equal(t, tr.Examples, tr.TrainExamples+tr.ValidExamples)
	assert.Positive(t, tr.ValidExamples)
	assert.GreaterOrEqual(t, tr.ValidAccuracy, 0.9)
	assert.Equal(t, train.DataHash(testcorpus.Examples()), tr.DataSHA256)
	assert.LessOrEqual(t, tr.BestEpoch, tr.Epochs)
	assert.LessOrEqual(t, tr.Epochs, tr.MaxEpochs)
	// The corpus has twice as many "none" examples, so they weigh less.
	assert.Less(t, tr.ClassWeights["none"], tr.ClassWeights["objection"])
}

func saveFiles(t *testing.T, m *train.Model) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, m.Save(dir))
	out := map[string][]byte{}
	for _, name := range []string{modeldir.ModelFile, modeldir.TokenizerFile, modeldir.ConfigFile} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		out[name] = data
	}
	return out
}

func TestTrainIsReproducible(t *testing.T) {
	opts := train.Options{Seed: 42, Epochs: 8}
	first := saveFiles(t, trainCorpus(t, opts))
	second := saveFiles(t, trainCorpus(t, opts))
	for name, data := range first {
		assert.True(t, bytes.Equal(data, second[name]), "%s differs between equal trainings", name)
	}

	other := saveFiles(t, trainCorpus(t, train.Options{Seed: 43, Epochs: 8}))
	assert.False(t, bytes.Equal(first[modeldir.ModelFile], other[modeldir.ModelFile]), "another seed gives other weights")
	assert.False(t, bytes.Equal(first[modeldir.ConfigFile], other[modeldir.ConfigFile]))
	assert.Equal(t, first[modeldir.TokenizerFile], other[modeldir.TokenizerFile], "the vocabulary depends on the data only")
}

func TestSavedConfig(t *testing.T) {
	m := trainCorpus(t, train.Options{Seed: 5, Name: "test-sentence", Dim: 16, Hidden: 8, MaxLength: 32})
	files := saveFiles(t, m)

	cfg, err := modeldir.ParseConfig(files[modeldir.ConfigFile])
	require.NoError(t, err)
	assert.Equal(t, modeldir.Version(files[modeldir.ModelFile]), cfg.Version)
	assert.Equal(t, m.Config(cfg.Version), cfg, "config.json round-trips")
	assert.Equal(t, "test-sentence", cfg.Name)
	assert.Equal(t, modeldir.ModelType, cfg.ModelType)
	assert.Equal(t, 32, cfg.MaxLength)
	assert.Equal(t, 16, cfg.EmbeddingDim)
	assert.Equal(t, 8, cfg.HiddenDim)
	assert.True(t, cfg.Lowercase)
	assert.Equal(t, map[string]string{"0": "none", "1": "commitment", "2": "objection", "3": "pain_point"}, cfg.ID2Label)
	assert.Equal(t, map[string]int{"none": 0, "commitment": 1, "objection": 2, "pain_point": 3}, cfg.Label2ID)
	assert.Equal(t, uint64(5), cfg.Training.Seed)
	assert.Equal(t, train.DataHash(testcorpus.Examples()), cfg.Training.DataSHA256)
	assert.NotContains(t, string(files[modeldir.ConfigFile]), "time", "no timestamps")

	// Files returns exactly what Save writes.
	f, err := m.Files()
	require.NoError(t, err)
	assert.Equal(t, files[modeldir.ModelFile], f.Model)
	assert.Equal(t, files[modeldir.TokenizerFile], f.Tokenizer)
	assert.Equal(t, files[modeldir.ConfigFile], f.Config)
}

func TestTrainFixedLabels(t *testing.T) {
	labels := []string{"pain_point", "objection", "commitment", "none"}
	m := trainCorpus(t, train.Options{Seed: 1, Epochs: 3, Labels: labels})
	assert.Equal(t, labels, m.Labels())
	cfg := m.Config("0123456789ab")
	assert.Equal(t, "pain_point", cfg.ID2Label["0"])
}

func TestTrainWithoutHeldOutPart(t *testing.T) {
	m := trainCorpus(t, train.Options{Seed: 1, Epochs: 5, ValidFraction: -1})
	tr := m.Training()
	assert.Zero(t, tr.ValidExamples)
	assert.Equal(t, 5, tr.Epochs)
	assert.Equal(t, 5, tr.BestEpoch)
}

func TestTrainLabelsWithoutNone(t *testing.T) {
	examples := []train.Example{
		{Text: "价格 太 贵", Label: "objection"},
		{Text: "明天 发 报价", Label: "commitment"},
	}
	m, err := train.Train(context.Background(), examples, train.Options{Seed: 1, Epochs: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"commitment", "objection"}, m.Labels(), "sorted when there is no none")
}

func TestTrainRejectsBadInput(t *testing.T) {
	good := []train.Example{
		{Text: "价格 太 贵", Label: "objection"},
		{Text: "明天 发 报价", Label: "commitment"},
	}
	with := func(extra train.Example) []train.Example {
		return append(append([]train.Example{}, good...), extra)
	}
	tests := []struct {
		name     string
		examples []train.Example
		opts     train.Options
		want     string
	}{
		{"no examples", nil, train.Options{}, "no examples"},
		{"empty text", with(train.Example{Text: " \u3000", Label: "none"}), train.Options{}, "example 2: empty text"},
		{"invalid UTF-8", with(train.Example{Text: "价格 \xff", Label: "none"}), train.Options{}, "example 2: text is not valid UTF-8"},
		{"empty label", with(train.Example{Text: "你好"}), train.Options{}, `example 2 ("你好"): empty label`},
		{"one label", good[:1], train.Options{}, "need at least 2"},
		{"label outside fixed set", good, train.Options{Labels: []string{"objection"}}, `label "commitment" is not among`},
		{"fixed label without examples", good, train.Options{Labels: []string{"objection", "commitment", "pain_point"}}, `label "pain_point" has no examples`},
		{"fixed label twice", good, train.Options{Labels: []string{"objection", "commitment", "objection"}}, `label "objection" twice`},
		{"negative epochs", good, train.Options{Epochs: -1}, "negative epochs"},
		{"negative dim", good, train.Options{Dim: -4}, "negative layer size"},
		{"bad learning rate", good, train.Options{LearningRate: -1}, "invalid learning rate"},
		{"valid fraction", good, train.Options{ValidFraction: 1}, "valid fraction 1"},
		{"max length", good, train.Options{MaxLength: 2}, "max length 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := train.Train(context.Background(), tt.examples, tt.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestTrainStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := train.Train(ctx, testcorpus.Examples(), train.Options{Seed: 1})
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled))
}

func TestDataHash(t *testing.T) {
	a := []train.Example{{Text: "a b", Label: "c"}}
	b := []train.Example{{Text: "a", Label: "b c"}}
	assert.NotEqual(t, train.DataHash(a), train.DataHash(b))
	assert.Equal(t, train.DataHash(a), train.DataHash([]train.Example{{Text: "a b", Label: "c"}}))
	assert.Len(t, train.DataHash(nil), 64)
}

func TestPredictRejectsInvalidUTF8(t *testing.T) {
	m := trainCorpus(t, train.Options{Seed: 1, Epochs: 1})
	_, err := m.Predict([]string{"好的", "价格 \xff"})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "sentence 1"), err.Error())
}

func BenchmarkTrain(b *testing.B) {
	examples := testcorpus.Examples()
	for b.Loop() {
		if _, err := train.Train(context.Background(), examples, train.Options{Seed: 1, Epochs: 10, ValidFraction: -1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10*len(examples)*b.N)/b.Elapsed().Seconds(), "examples/s")
}

func TestTrainEnsemble(t *testing.T) {
	single := trainCorpus(t, train.Options{Seed: 9, Dim: 8, Hidden: 8})
	opts := train.Options{Seed: 9, Dim: 8, Hidden: 8, Ensemble: 3, TokenDropout: 0.2}
	m := trainCorpus(t, opts)
	cfg := m.Config("0123456789ab")
	assert.Equal(t, 24, cfg.EmbeddingDim, "members sit side by side")
	assert.Equal(t, 24, cfg.HiddenDim)
	assert.Equal(t, 3, cfg.Training.Ensemble)
	assert.Equal(t, single.Labels(), m.Labels())

	probs, err := m.Predict(texts(testcorpus.Obvious))
	require.NoError(t, err)
	for i, ex := range testcorpus.Obvious {
		best := 0
		for l, v := range probs[i] {
			if v > probs[i][best] {
				best = l
			}
		}
		assert.Equal(t, ex.Label, m.Labels()[best], "%q: %v", ex.Text, probs[i])
	}

	again := saveFiles(t, trainCorpus(t, opts))
	for name, data := range saveFiles(t, m) {
		assert.True(t, bytes.Equal(data, again[name]), "%s differs between equal trainings", name)
	}
}

func TestTrainRejectsBadEnsembleOptions(t *testing.T) {
	for _, opts := range []train.Options{{Ensemble: -1}, {TokenDropout: 1}, {TokenDropout: -0.1}} {
		_, err := train.Train(context.Background(), testcorpus.Examples(), opts)
		assert.Error(t, err, "%+v", opts)
	}
}

func TestClassifyMatchesPredict(t *testing.T) {
	m := trainCorpus(t, train.Options{Seed: 1})
	sentences := texts(testcorpus.Obvious)
	probs, err := m.Predict(sentences)
	require.NoError(t, err)
	preds, err := m.Classify(context.Background(), sentences)
	require.NoError(t, err)
	require.Len(t, preds, len(sentences))
	for i, p := range preds {
		assert.Equal(t, probs[i], p.Probs)
		assert.Equal(t, testcorpus.Obvious[i].Label, p.Label, sentences[i])
		assert.Equal(t, p.Confidence, slices.Max(p.Probs))
	}
	assert.True(t, strings.HasSuffix(m.ID(), "@unsaved"), m.ID())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = m.Classify(ctx, sentences)
	assert.ErrorIs(t, err, context.Canceled)
}
