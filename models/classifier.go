// Package models runs guanxi's trained sentence classifiers.
//
// A model lives in a directory in the Hugging Face layout — model.onnx,
// tokenizer.json and config.json, as written by package train. Load reads
// one; Classify tokenises sentences with github.com/sugarme/tokenizer and
// runs the ONNX graph through onnxruntime (github.com/yalue/onnxruntime_go).
//
// onnxruntime is a shared library loaded at run time: fetch it with
// scripts/fetch-onnxruntime.sh (see LibraryPath and InitRuntime).
package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/guanxi-dev/guanxi/models/modeldir"
	"github.com/guanxi-dev/guanxi/models/wordpiece"
)

// SentenceModelDir is where the shipped sentence model lives, relative to
// the repository root.
const SentenceModelDir = "models/sentence"

// DefaultBatchSize is the largest number of sentences sent to onnxruntime
// in one run unless WithBatchSize says otherwise.
const DefaultBatchSize = 64

// ErrClosed is returned by Classify after Close.
var ErrClosed = errors.New("models: classifier is closed")

// Prediction is a classifier's verdict on one sentence.
type Prediction struct {
	// Label is the most probable label and Confidence its probability.
	Label      string
	Confidence float32
	// Probs holds every label's probability, in the order of Labels.
	Probs []float32
}

// Option configures Load.
type Option func(*options)

type options struct {
	batchSize   int
	threads     int
	libraryPath string
	wordCache   int
}

// WithBatchSize caps the sentences per onnxruntime run (default
// DefaultBatchSize); Classify splits longer inputs.
func WithBatchSize(n int) Option { return func(o *options) { o.batchSize = n } }

// WithThreads sets onnxruntime's intra-op threads per run (default 1: the
// model is small, and callers get parallelism by calling Classify
// concurrently).
func WithThreads(n int) Option { return func(o *options) { o.threads = n } }

// WithWordCache bounds the tokenizer's cache of word encodings to n
// distinct words (default wordpiece.DefaultWordCacheSize); 0 turns it off.
// The cache changes nothing but speed.
func WithWordCache(n int) Option { return func(o *options) { o.wordCache = n } }

// WithLibraryPath loads onnxruntime from path instead of LibraryPath's
// choice, if the runtime is not initialised yet.
func WithLibraryPath(path string) Option { return func(o *options) { o.libraryPath = path } }

// Classifier labels sentences with a loaded model. It is safe for
// concurrent use; onnxruntime runs concurrent calls in parallel.
type Classifier struct {
	cfg       *modeldir.Config
	labels    []string
	tok       *wordpiece.Tokenizer
	batchSize int

	mu      sync.RWMutex // held for reading by Classify, for writing by Close
	session *ort.DynamicAdvancedSession
}

// Load reads the model directory dir and prepares it for Classify,
// initialising onnxruntime if needed. It checks that the three files belong
// together: config.json's version must match model.onnx, and the labels and
// tokenizer recorded in model.onnx must match config.json and
// tokenizer.json.
func Load(dir string, opts ...Option) (*Classifier, error) {
	o := options{batchSize: DefaultBatchSize, threads: 1, wordCache: wordpiece.DefaultWordCacheSize}
	for _, opt := range opts {
		opt(&o)
	}
	if o.batchSize <= 0 {
		return nil, fmt.Errorf("models: batch size %d must be positive", o.batchSize)
	}
	if o.threads <= 0 {
		return nil, fmt.Errorf("models: thread count %d must be positive", o.threads)
	}

	cfg, err := modeldir.ReadConfig(dir)
	if err != nil {
		return nil, fmt.Errorf("models: load %s: %w", dir, err)
	}
	labels, err := cfg.Labels()
	if err != nil {
		return nil, fmt.Errorf("models: load %s: %w", dir, err)
	}
	onnx, err := os.ReadFile(filepath.Join(dir, modeldir.ModelFile))
	if err != nil {
		return nil, fmt.Errorf("models: load %s: %w", dir, err)
	}
	if v := modeldir.Version(onnx); v != cfg.Version {
		return nil, fmt.Errorf("models: load %s: %s has version %s but %s says %s; the files come from different trainings",
			dir, modeldir.ModelFile, v, modeldir.ConfigFile, cfg.Version)
	}
	tokPath := filepath.Join(dir, modeldir.TokenizerFile)
	tokJSON, err := os.ReadFile(tokPath)
	if err != nil {
		return nil, fmt.Errorf("models: load %s: %w", dir, err)
	}
	tok, err := wordpiece.New(tokJSON, cfg.MaxLength, wordpiece.WithWordCache(o.wordCache))
	if err != nil {
		return nil, fmt.Errorf("models: load %s: %w", tokPath, err)
	}
	if tok.VocabSize() != cfg.VocabSize {
		return nil, fmt.Errorf("models: load %s: %s has %d tokens but %s says vocab_size %d",
			dir, modeldir.TokenizerFile, tok.VocabSize(), modeldir.ConfigFile, cfg.VocabSize)
	}

	if err := ensureRuntime(o.libraryPath); err != nil {
		return nil, err
	}
	if err := checkGraph(onnx, labels, modeldir.SHA256(tokJSON)); err != nil {
		return nil, fmt.Errorf("models: load %s: %w", dir, err)
	}

	so, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("models: session options: %w", err)
	}
	defer so.Destroy()
	if err := so.SetIntraOpNumThreads(o.threads); err != nil {
		return nil, fmt.Errorf("models: session options: %w", err)
	}
	if err := so.SetInterOpNumThreads(1); err != nil {
		return nil, fmt.Errorf("models: session options: %w", err)
	}
	session, err := ort.NewDynamicAdvancedSessionWithONNXData(onnx,
		[]string{modeldir.InputIDs, modeldir.AttentionMask}, []string{modeldir.OutputProbs}, so)
	if err != nil {
		return nil, fmt.Errorf("models: load %s: create onnxruntime session: %w", dir, err)
	}
	return &Classifier{cfg: cfg, labels: labels, tok: tok, batchSize: o.batchSize, session: session}, nil
}

// checkGraph verifies the graph's inputs and outputs and the labels and
// tokenizer digest recorded in its metadata.
func checkGraph(onnx []byte, labels []string, tokenizerSHA string) error {
	inputs, outputs, err := ort.GetInputOutputInfoWithONNXData(onnx)
	if err != nil {
		return fmt.Errorf("read %s: %w", modeldir.ModelFile, err)
	}
	var names []string
	for _, in := range inputs {
		names = append(names, in.Name)
	}
	if !slices.Equal(names, []string{modeldir.InputIDs, modeldir.AttentionMask}) {
		return fmt.Errorf("%s has inputs %v, want [%s %s]", modeldir.ModelFile, names, modeldir.InputIDs, modeldir.AttentionMask)
	}
	if len(outputs) != 1 || outputs[0].Name != modeldir.OutputProbs {
		return fmt.Errorf("%s has %d outputs, want just %s", modeldir.ModelFile, len(outputs), modeldir.OutputProbs)
	}
	if d := outputs[0].Dimensions; len(d) != 2 || d[1] != int64(len(labels)) {
		return fmt.Errorf("%s output %s has shape %v, want [batch %d]", modeldir.ModelFile, modeldir.OutputProbs, d, len(labels))
	}

	meta, err := ort.GetModelMetadataWithONNXData(onnx)
	if err != nil {
		return fmt.Errorf("read %s metadata: %w", modeldir.ModelFile, err)
	}
	defer meta.Destroy()
	lookup := func(key string) (string, error) {
		v, ok, err := meta.LookupCustomMetadataMap(key)
		if err != nil {
			return "", fmt.Errorf("read %s metadata %s: %w", modeldir.ModelFile, key, err)
		}
		if !ok {
			return "", fmt.Errorf("%s lacks metadata %s", modeldir.ModelFile, key)
		}
		return v, nil
	}
	raw, err := lookup(modeldir.MetaLabels)
	if err != nil {
		return err
	}
	var graphLabels []string
	if err := json.Unmarshal([]byte(raw), &graphLabels); err != nil {
		return fmt.Errorf("%s metadata %s: %w", modeldir.ModelFile, modeldir.MetaLabels, err)
	}
	if !slices.Equal(graphLabels, labels) {
		return fmt.Errorf("%s was trained for labels %v but %s lists %v", modeldir.ModelFile, graphLabels, modeldir.ConfigFile, labels)
	}
	sha, err := lookup(modeldir.MetaTokenizerSHA256)
	if err != nil {
		return err
	}
	if sha != tokenizerSHA {
		return fmt.Errorf("%s was trained with another %s (sha256 %s, found %s)",
			modeldir.ModelFile, modeldir.TokenizerFile, sha, tokenizerSHA)
	}
	return nil
}

// ID returns name@version, the identity of the model recorded with facts.
func (c *Classifier) ID() string { return c.cfg.ID() }

// Thresholds returns the confidence each type needs, from config.json (see
// modeldir.Config.Thresholds).
func (c *Classifier) Thresholds() map[string]float64 { return maps.Clone(c.cfg.Thresholds) }

// Labels returns the model's labels in id order, the order of
// Prediction.Probs.
func (c *Classifier) Labels() []string { return slices.Clone(c.labels) }

// MaxLength returns the number of tokens a sentence is cut to, [CLS] and
// [SEP] included.
func (c *Classifier) MaxLength() int { return c.cfg.MaxLength }

// Classify labels sentences, each one segmented into words joined by
// single spaces as in "我们 下周三 前 把 报价单 发 给 您". It returns one
// Prediction per sentence, in order. Words beyond the model's length are
// ignored. An error names the offending sentence by index; nothing is
// returned then.
func (c *Classifier) Classify(ctx context.Context, sentences []string) ([]Prediction, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.session == nil {
		return nil, ErrClosed
	}
	out := make([]Prediction, 0, len(sentences))
	for start := 0; start < len(sentences); start += c.batchSize {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("models: classify: %w", err)
		}
		end := min(start+c.batchSize, len(sentences))
		preds, err := c.classifyBatch(sentences[start:end], start)
		if err != nil {
			return nil, err
		}
		out = append(out, preds...)
	}
	return out, nil
}

// Encode tokenises sentences as Classify does, without running the model.
// With ClassifyEncoded it lets callers time or schedule the two steps apart.
// The encodings carry ids and mask only, all in one allocation; Tokens is
// nil, as the model has no use for it.
func (c *Classifier) Encode(sentences []string) ([]wordpiece.Encoding, error) {
	return c.encode(sentences, 0)
}

// encode is Encode; offset is the index of the first sentence, for error
// messages.
func (c *Classifier) encode(sentences []string, offset int) ([]wordpiece.Encoding, error) {
	m := c.cfg.MaxLength
	buf := make([]int64, 2*m*len(sentences))
	encs := make([]wordpiece.Encoding, len(sentences))
	for i, s := range sentences {
		ids, mask := buf[2*i*m:(2*i+1)*m:(2*i+1)*m], buf[(2*i+1)*m:(2*i+2)*m:(2*i+2)*m]
		n, err := c.tok.EncodeIDs(s, ids, mask)
		if err != nil {
			return nil, fmt.Errorf("models: sentence %d: %w", offset+i, err)
		}
		encs[i] = wordpiece.Encoding{IDs: ids, Mask: mask, Len: n}
	}
	return encs, nil
}

// ClassifyEncoded runs the model on sentences encoded by Encode, in batches
// as Classify does, and returns one Prediction per encoding, in order.
func (c *Classifier) ClassifyEncoded(ctx context.Context, encs []wordpiece.Encoding) ([]Prediction, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.session == nil {
		return nil, ErrClosed
	}
	out := make([]Prediction, 0, len(encs))
	for start := 0; start < len(encs); start += c.batchSize {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("models: classify: %w", err)
		}
		end := min(start+c.batchSize, len(encs))
		preds, err := c.run(encs[start:end], start)
		if err != nil {
			return nil, err
		}
		out = append(out, preds...)
	}
	return out, nil
}

// classifyBatch tokenises and classifies one batch; offset is the index of
// the batch's first sentence, for error messages.
func (c *Classifier) classifyBatch(sentences []string, offset int) ([]Prediction, error) {
	encs, err := c.encode(sentences, offset)
	if err != nil {
		return nil, err
	}
	return c.run(encs, offset)
}

// run makes one onnxruntime call; offset is the index of the batch's first
// sentence, for error messages.
func (c *Classifier) run(encs []wordpiece.Encoding, offset int) ([]Prediction, error) {
	seqLen := 1
	for i, enc := range encs {
		if len(enc.IDs) != c.cfg.MaxLength || len(enc.Mask) != c.cfg.MaxLength || enc.Len > c.cfg.MaxLength {
			return nil, fmt.Errorf("models: sentence %d: encoding has %d ids and %d mask entries, want %d",
				offset+i, len(enc.IDs), len(enc.Mask), c.cfg.MaxLength)
		}
		seqLen = max(seqLen, enc.Len)
	}
	// Padding is right-aligned, so columns past the longest sentence are
	// all padding and can be left out of the run.
	n := len(encs)
	ids := make([]int64, n*seqLen)
	mask := make([]int64, n*seqLen)
	for i, enc := range encs {
		copy(ids[i*seqLen:(i+1)*seqLen], enc.IDs)
		copy(mask[i*seqLen:(i+1)*seqLen], enc.Mask)
	}
	shape := ort.NewShape(int64(n), int64(seqLen))
	idsT, err := ort.NewTensor(shape, ids)
	if err != nil {
		return nil, fmt.Errorf("models: input tensor: %w", err)
	}
	defer idsT.Destroy()
	maskT, err := ort.NewTensor(shape, mask)
	if err != nil {
		return nil, fmt.Errorf("models: input tensor: %w", err)
	}
	defer maskT.Destroy()
	probsT, err := ort.NewEmptyTensor[float32](ort.NewShape(int64(n), int64(len(c.labels))))
	if err != nil {
		return nil, fmt.Errorf("models: output tensor: %w", err)
	}
	defer probsT.Destroy()
	if err := c.session.Run([]ort.Value{idsT, maskT}, []ort.Value{probsT}); err != nil {
		return nil, fmt.Errorf("models: classify sentences %d..%d: %w", offset, offset+n-1, err)
	}

	probs := probsT.GetData()
	numLabels := len(c.labels)
	preds := make([]Prediction, n)
	for i := range preds {
		p := slices.Clone(probs[i*numLabels : (i+1)*numLabels])
		best := 0
		for l, v := range p {
			if v > p[best] {
				best = l
			}
		}
		preds[i] = Prediction{Label: c.labels[best], Confidence: p[best], Probs: p}
	}
	return preds, nil
}

// Close releases the onnxruntime session, waiting for running Classify
// calls. Later calls to Classify return ErrClosed; Close is idempotent.
func (c *Classifier) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == nil {
		return nil
	}
	err := c.session.Destroy()
	c.session = nil
	if err != nil {
		return fmt.Errorf("models: close: %w", err)
	}
	return nil
}
