package models_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/models"
	"github.com/guanxi-dev/guanxi/models/internal/testcorpus"
	"github.com/guanxi-dev/guanxi/models/modeldir"
	"github.com/guanxi-dev/guanxi/models/train"
)

func load(t testing.TB, opts ...models.Option) *models.Classifier {
	t.Helper()
	c, err := models.Load(modelDir, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Close()) })
	return c
}

// paritySentences exercises the graph beyond the corpus: unseen words and
// characters, mixed scripts, empty text and text longer than max_length.
func paritySentences() []string {
	var out []string
	for _, ex := range testcorpus.Examples() {
		out = append(out, ex.Text)
	}
	for _, ex := range testcorpus.Obvious {
		out = append(out, ex.Text)
	}
	return append(out,
		"",
		"鑫淼 犇 骉",
		"Hi 张 总 ， 我们 的 SaaS 方案 下周 demo 一下 ？",
		"我们下周三前把报价单发给您",
		strings.Repeat("价格 太 贵 了 ", 40),
	)
}

func TestClassifyMatchesGoForwardPass(t *testing.T) {
	c := load(t)
	sentences := paritySentences()
	preds, err := c.Classify(context.Background(), sentences)
	require.NoError(t, err)
	require.Len(t, preds, len(sentences))
	want, err := trained.Predict(sentences)
	require.NoError(t, err)

	for i, p := range preds {
		require.Len(t, p.Probs, len(c.Labels()))
		for l := range p.Probs {
			assert.InDelta(t, want[i][l], p.Probs[l], 1e-5, "sentence %d %q label %s", i, sentences[i], c.Labels()[l])
		}
	}
}

func TestClassifyObviousExamples(t *testing.T) {
	c := load(t)
	preds, err := c.Classify(context.Background(), texts(testcorpus.Obvious))
	require.NoError(t, err)
	for i, ex := range testcorpus.Obvious {
		p := preds[i]
		assert.Equal(t, ex.Label, p.Label, "%q: %v", ex.Text, p.Probs)
		assert.Greater(t, p.Confidence, float32(0.8), ex.Text)
		assert.Equal(t, p.Probs[indexOf(c.Labels(), p.Label)], p.Confidence)
		var sum float32
		for _, v := range p.Probs {
			sum += v
			assert.LessOrEqual(t, v, p.Confidence)
		}
		assert.InDelta(t, 1, sum, 1e-5)
	}
}

func TestClassifierIdentity(t *testing.T) {
	c := load(t)
	onnx, err := os.ReadFile(filepath.Join(modelDir, modeldir.ModelFile))
	require.NoError(t, err)
	assert.Equal(t, "guanxi-sentence@"+modeldir.Version(onnx), c.ID())
	assert.Equal(t, testcorpus.Labels, c.Labels())
	assert.Equal(t, 64, c.MaxLength())

	labels := c.Labels()
	labels[0] = "changed"
	assert.Equal(t, "none", c.Labels()[0], "Labels returns a copy")
}

func TestClassifyBatchesGiveSameResults(t *testing.T) {
	sentences := paritySentences()
	whole, err := load(t).Classify(context.Background(), sentences)
	require.NoError(t, err)
	for _, size := range []int{1, 3, 7} {
		split, err := load(t, models.WithBatchSize(size)).Classify(context.Background(), sentences)
		require.NoError(t, err)
		require.Len(t, split, len(whole))
		for i := range whole {
			assert.Equal(t, whole[i].Label, split[i].Label, "batch size %d sentence %d", size, i)
			assert.InDeltaSlice(t, whole[i].Probs, split[i].Probs, 1e-6, "batch size %d sentence %d", size, i)
		}
	}
}

func TestClassifyConcurrently(t *testing.T) {
	c := load(t, models.WithBatchSize(5))
	sentences := paritySentences()
	want, err := c.Classify(context.Background(), sentences)
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 3 {
				got, err := c.Classify(context.Background(), sentences)
				if err != nil {
					errs <- err
					return
				}
				for i := range got {
					if got[i].Label != want[i].Label {
						errs <- errors.New("label changed under concurrency: " + sentences[i])
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func TestClassifyEdgeCases(t *testing.T) {
	c := load(t)
	preds, err := c.Classify(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, preds)

	_, err = c.Classify(context.Background(), []string{"好的", "好的", "价格 \xff 贵"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sentence 2")
	assert.Contains(t, err.Error(), "not valid UTF-8")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Classify(ctx, []string{"好的"})
	require.ErrorIs(t, err, context.Canceled)
}

func TestClose(t *testing.T) {
	c, err := models.Load(modelDir)
	require.NoError(t, err)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "idempotent")
	_, err = c.Classify(context.Background(), []string{"好的"})
	require.ErrorIs(t, err, models.ErrClosed)
}

func TestLoadOptions(t *testing.T) {
	_, err := models.Load(modelDir, models.WithBatchSize(0))
	require.ErrorContains(t, err, "batch size 0")
	_, err = models.Load(modelDir, models.WithThreads(-1))
	require.ErrorContains(t, err, "thread count -1")

	c := load(t, models.WithThreads(2), models.WithBatchSize(2))
	preds, err := c.Classify(context.Background(), texts(testcorpus.Obvious))
	require.NoError(t, err)
	assert.Len(t, preds, len(testcorpus.Obvious))
}

// copyModel copies the shared model directory for tampering.
func copyModel(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{modeldir.ModelFile, modeldir.TokenizerFile, modeldir.ConfigFile} {
		data, err := os.ReadFile(filepath.Join(modelDir, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	return dir
}

func editConfig(t *testing.T, dir string, edit func(*modeldir.Config)) {
	t.Helper()
	cfg, err := modeldir.ReadConfig(dir)
	require.NoError(t, err)
	edit(cfg)
	data, err := cfg.Marshal()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, modeldir.ConfigFile), data, 0o644))
}

func TestLoadDetectsMismatchedFiles(t *testing.T) {
	other, err := train.Train(context.Background(), testcorpus.Examples()[:60], train.Options{Seed: 2, Epochs: 2})
	require.NoError(t, err)
	otherDir := t.TempDir()
	require.NoError(t, other.Save(otherDir))

	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		want   string
	}{
		{"missing directory", func(t *testing.T, dir string) { require.NoError(t, os.RemoveAll(dir)) }, "no such file"},
		{"missing model", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, modeldir.ModelFile)))
		}, "model.onnx"},
		{"model from another training", func(t *testing.T, dir string) {
			data, err := os.ReadFile(filepath.Join(otherDir, modeldir.ModelFile))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, modeldir.ModelFile), data, 0o644))
		}, "files come from different trainings"},
		{"tokenizer from another training", func(t *testing.T, dir string) {
			data, err := os.ReadFile(filepath.Join(otherDir, modeldir.TokenizerFile))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, modeldir.TokenizerFile), data, 0o644))
			// Keep vocab_size consistent so the digest check is what fails.
			var tj struct {
				Model struct {
					Vocab map[string]int `json:"vocab"`
				} `json:"model"`
			}
			require.NoError(t, json.Unmarshal(data, &tj))
			editConfig(t, dir, func(c *modeldir.Config) { c.VocabSize = len(tj.Model.Vocab) })
		}, "trained with another tokenizer.json"},
		{"vocab size", func(t *testing.T, dir string) {
			editConfig(t, dir, func(c *modeldir.Config) { c.VocabSize++ })
		}, "vocab_size"},
		{"relabelled config", func(t *testing.T, dir string) {
			editConfig(t, dir, func(c *modeldir.Config) {
				c.ID2Label, c.Label2ID = modeldir.LabelMaps([]string{"none", "objection", "commitment", "pain_point"})
			})
		}, "was trained for labels"},
		{"corrupt config", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, modeldir.ConfigFile), []byte("{"), 0o644))
		}, "parse config"},
		{"corrupt tokenizer", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, modeldir.TokenizerFile), []byte(`{"model":{}}`), 0o644))
		}, "tokenizer.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyModel(t)
			tt.tamper(t, dir)
			_, err := models.Load(dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func texts(examples []train.Example) []string {
	out := make([]string, len(examples))
	for i, ex := range examples {
		out[i] = ex.Text
	}
	return out
}

func BenchmarkClassify(b *testing.B) {
	c := load(b)
	sentences := paritySentences()[:64]
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Classify(ctx, sentences); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(sentences)*b.N)/b.Elapsed().Seconds(), "sentences/s")
}

func BenchmarkClassifyParallel(b *testing.B) {
	c := load(b)
	sentences := paritySentences()[:64]
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Classify(ctx, sentences); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(len(sentences)*b.N)/b.Elapsed().Seconds(), "sentences/s")
}
