// Package modeldir defines the on-disk layout of a guanxi model: a directory
// in the Hugging Face style holding model.onnx, tokenizer.json and
// config.json, and the schema of that config.json.
//
// Training writes such a directory and inference reads it; both sides agree
// on file names, tensor names, metadata keys and the config schema through
// this package.
package modeldir

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// File names inside a model directory.
const (
	ModelFile     = "model.onnx"
	TokenizerFile = "tokenizer.json"
	ConfigFile    = "config.json"
)

// Tensor names of the ONNX graph.
const (
	// InputIDs is the int64 [batch, seq] tensor of token ids.
	InputIDs = "input_ids"
	// AttentionMask is the int64 [batch, seq] tensor, 1 for real tokens and
	// 0 for padding.
	AttentionMask = "attention_mask"
	// OutputProbs is the float32 [batch, num_labels] tensor of label
	// probabilities.
	OutputProbs = "probs"
)

// Keys of the ONNX model's metadata_props. Recording the labels and the
// tokenizer's digest inside model.onnx makes the content-derived version
// cover them too, and lets a loader detect files from different trainings.
const (
	// MetaLabels holds the labels in id order as a JSON array.
	MetaLabels = "guanxi.labels"
	// MetaTokenizerSHA256 holds the hex sha256 of tokenizer.json.
	MetaTokenizerSHA256 = "guanxi.tokenizer_sha256"
)

// ModelType is config.json's model_type for token embeddings, masked mean
// pooling and a one-hidden-layer classifier.
const ModelType = "guanxi-meanpool"

// VersionLen is the number of hex digits of a model version.
const VersionLen = 12

// Config is config.json. It carries no timestamps: equal trainings give
// byte-identical files.
type Config struct {
	ModelType string `json:"model_type"`
	Name      string `json:"name"`
	// Version is derived from model.onnx (see Version), so name@version
	// identifies the exact weights that produced a fact.
	Version string `json:"version"`
	// ID2Label maps decimal ids "0", "1", … to labels, as Hugging Face does.
	ID2Label map[string]string `json:"id2label"`
	Label2ID map[string]int    `json:"label2id"`
	// MaxLength is the number of tokens per sentence, [CLS] and [SEP]
	// included.
	MaxLength    int  `json:"max_length"`
	VocabSize    int  `json:"vocab_size"`
	EmbeddingDim int  `json:"embedding_dim"`
	HiddenDim    int  `json:"hidden_dim"`
	Lowercase    bool `json:"lowercase"`
	// Thresholds is the least confidence the model's authors ask of an
	// item of each type ("pain_point": 0.6), chosen with the model, since
	// every model is sure of itself to its own degree. Types not listed
	// need only what the caller asks of every item.
	Thresholds map[string]float64 `json:"thresholds,omitempty"`
	Training   Training           `json:"training"`
}

// Training records how a model was trained.
type Training struct {
	Seed uint64 `json:"seed"`
	// Epochs is the number of epochs run; BestEpoch the one whose weights
	// were kept (early stopping), 1-based.
	Epochs        int     `json:"epochs"`
	MaxEpochs     int     `json:"max_epochs"`
	BestEpoch     int     `json:"best_epoch"`
	Examples      int     `json:"examples"`
	TrainExamples int     `json:"train_examples"`
	ValidExamples int     `json:"valid_examples"`
	BatchSize     int     `json:"batch_size"`
	LearningRate  float64 `json:"learning_rate"`
	// DataSHA256 is the hex sha256 of the training examples, in order.
	DataSHA256    string             `json:"data_sha256"`
	ClassWeights  map[string]float64 `json:"class_weights"`
	ValidLoss     float64            `json:"valid_loss,omitempty"`
	ValidAccuracy float64            `json:"valid_accuracy,omitempty"`
	// Ensemble is the number of networks merged into the model; 0 and 1
	// both mean a single one.
	Ensemble int `json:"ensemble,omitempty"`
}

// Version returns the version of a model: the first VersionLen hex digits
// of the sha256 of its model.onnx.
func Version(onnx []byte) string {
	sum := sha256.Sum256(onnx)
	return hex.EncodeToString(sum[:])[:VersionLen]
}

// SHA256 returns the hex sha256 of data.
func SHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// LabelMaps returns id2label and label2id for labels in id order.
func LabelMaps(labels []string) (map[string]string, map[string]int) {
	id2label := make(map[string]string, len(labels))
	label2id := make(map[string]int, len(labels))
	for i, l := range labels {
		id2label[strconv.Itoa(i)] = l
		label2id[l] = i
	}
	return id2label, label2id
}

// Labels returns the labels in id order, checking that id2label and
// label2id agree and number the labels 0…n-1.
func (c *Config) Labels() ([]string, error) {
	if len(c.ID2Label) == 0 {
		return nil, errors.New("modeldir: config has no id2label")
	}
	if len(c.Label2ID) != len(c.ID2Label) {
		return nil, fmt.Errorf("modeldir: config has %d id2label entries but %d label2id entries",
			len(c.ID2Label), len(c.Label2ID))
	}
	labels := make([]string, len(c.ID2Label))
	for key, label := range c.ID2Label {
		id, err := strconv.Atoi(key)
		if err != nil || id < 0 || id >= len(labels) || strconv.Itoa(id) != key {
			return nil, fmt.Errorf("modeldir: config id2label key %q is not an id in 0..%d", key, len(labels)-1)
		}
		if label == "" {
			return nil, fmt.Errorf("modeldir: config id2label[%q] is empty", key)
		}
		labels[id] = label
	}
	for i, label := range labels {
		id, ok := c.Label2ID[label]
		if !ok {
			return nil, fmt.Errorf("modeldir: config label2id lacks %q (id2label[%d])", label, i)
		}
		if id != i {
			return nil, fmt.Errorf("modeldir: config label2id[%q] = %d but id2label[%d] = %q", label, id, i, label)
		}
	}
	return labels, nil
}

// Validate checks the fields a loader relies on.
func (c *Config) Validate() error {
	if c.ModelType != ModelType {
		return fmt.Errorf("modeldir: config model_type %q, want %q", c.ModelType, ModelType)
	}
	if c.Name == "" {
		return errors.New("modeldir: config has no name")
	}
	if len(c.Version) != VersionLen {
		return fmt.Errorf("modeldir: config version %q is not %d hex digits", c.Version, VersionLen)
	}
	if _, err := hex.DecodeString(c.Version); err != nil {
		return fmt.Errorf("modeldir: config version %q is not %d hex digits", c.Version, VersionLen)
	}
	labels, err := c.Labels()
	if err != nil {
		return err
	}
	if len(labels) < 2 {
		return fmt.Errorf("modeldir: config has %d label, want at least 2", len(labels))
	}
	if c.MaxLength < 3 {
		return fmt.Errorf("modeldir: config max_length %d leaves no room between [CLS] and [SEP]", c.MaxLength)
	}
	if c.VocabSize <= 0 || c.EmbeddingDim <= 0 || c.HiddenDim <= 0 {
		return fmt.Errorf("modeldir: config sizes must be positive: vocab_size %d, embedding_dim %d, hidden_dim %d",
			c.VocabSize, c.EmbeddingDim, c.HiddenDim)
	}
	for t, v := range c.Thresholds {
		// A threshold names a label or the type before a label's ":".
		known := slices.ContainsFunc(labels, func(l string) bool { return l == t || strings.HasPrefix(l, t+":") })
		if !known || !(v > 0 && v <= 1) {
			return fmt.Errorf("modeldir: config threshold %q: %v, want a type of the labels and a confidence in (0, 1]", t, v)
		}
	}
	return nil
}

// ID returns name@version, the identity under which facts record the model.
func (c *Config) ID() string {
	return c.Name + "@" + c.Version
}

// Marshal returns the config.json content: indented, keys in a fixed order,
// ending in a newline.
func (c *Config) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("modeldir: encode config: %w", err)
	}
	return buf.Bytes(), nil
}

// ParseConfig parses and validates config.json content.
func ParseConfig(data []byte) (*Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("modeldir: parse config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// ReadConfig reads and validates dir/config.json.
func ReadConfig(dir string) (*Config, error) {
	path := filepath.Join(dir, ConfigFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("modeldir: %w", err)
	}
	c, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return c, nil
}

// Files is the content of a model directory.
type Files struct {
	Model     []byte
	Tokenizer []byte
	Config    []byte
}

// Write writes the three files into dir, creating it if needed. Each file is
// written to a temporary name and renamed, so a reader never sees a
// half-written file.
func (f Files) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("modeldir: %w", err)
	}
	for _, file := range []struct {
		name string
		data []byte
	}{
		{ModelFile, f.Model},
		{TokenizerFile, f.Tokenizer},
		{ConfigFile, f.Config},
	} {
		if err := writeFile(filepath.Join(dir, file.name), file.data); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("modeldir: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("modeldir: write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("modeldir: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("modeldir: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("modeldir: write %s: %w", path, err)
	}
	return nil
}

// ErrNotPinned is returned by WritePinned when the model is not the one
// the directory names.
var ErrNotPinned = errors.New("modeldir: the model is not the one the directory pins")

// WritePinned writes f.Model into dir only if dir's tokenizer.json and
// config.json are exactly f's: a repository keeps those two small files and
// builds model.onnx from its corpus, and the config's version, derived from
// model.onnx, makes sure the build gave the very model that was published.
func (f Files) WritePinned(dir string) error {
	pinned, err := ReadConfig(dir)
	if err != nil {
		return err
	}
	for _, file := range []struct {
		name string
		data []byte
	}{
		{TokenizerFile, f.Tokenizer},
		{ConfigFile, f.Config},
	} {
		have, err := os.ReadFile(filepath.Join(dir, file.name))
		if err != nil {
			return fmt.Errorf("modeldir: %w", err)
		}
		if !bytes.Equal(have, file.data) {
			return fmt.Errorf("%w: %s differs (pinned version %s, built %s)", ErrNotPinned, file.name, pinned.Version, Version(f.Model))
		}
	}
	return writeFile(filepath.Join(dir, ModelFile), f.Model)
}
