// Package train trains guanxi's sentence classifiers from annotated
// examples and exports them as a Hugging Face style model directory
// (model.onnx, tokenizer.json, config.json) for the models package to run.
//
// The model is a fastText-style classifier: WordPiece token embeddings,
// masked mean pooling, one ReLU hidden layer and a softmax over the labels
// found in the examples. Training is plain Go: Adam over shuffled
// mini-batches, class weights against imbalance, optional token dropout and
// early stopping on a held-out part of the examples. Several networks
// trained from different seeds can be merged into one of the same shape
// that averages their logits, so the exported graph stays the same. It is single-threaded and draws all
// randomness from one seeded source, so on a given platform the same
// examples, options and seed always give byte-identical files.
package train

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/guanxi-dev/guanxi/models"
	"github.com/guanxi-dev/guanxi/models/modeldir"
	"github.com/guanxi-dev/guanxi/models/wordpiece"
)

// NoneLabel is the label of sentences that carry nothing to extract. When
// present it gets id 0.
const NoneLabel = "none"

// Example is one annotated sentence.
type Example struct {
	// Text is the sentence segmented into words joined by single spaces,
	// e.g. "我们 下周三 前 把 报价单 发 给 您".
	Text string
	// Label is the class, e.g. "commitment"; "none" for sentences with
	// nothing to extract.
	Label string
}

// Options controls training. The zero value of every field selects the
// default noted on it.
type Options struct {
	// Name is the model name recorded in config.json (default
	// "guanxi-sentence").
	Name string
	// Seed drives initialisation, the held-out split and shuffling.
	Seed uint64
	// Epochs is the maximum number of passes over the data (default 40).
	Epochs int
	// Patience stops training after this many epochs without a better
	// held-out loss (default 6); negative runs every epoch, still keeping
	// the best one.
	Patience int
	// Dim is the embedding size (default 64) and Hidden the hidden layer
	// size (default 64).
	Dim, Hidden int
	// TokenDropout is the chance that a token is left out of an example
	// each time it is trained on (default 0): the model then cannot lean on
	// any one word, and copes better with text phrased otherwise.
	TokenDropout float64
	// Ensemble is the number of networks trained from different seeds
	// (default 1). They are merged into one network of the same shape that
	// averages their logits: embeddings side by side, a block-diagonal
	// hidden layer and the output layer stacked and scaled by 1/Ensemble.
	// Averaging evens out what each run picked up by chance, which matters
	// on text unlike the training data.
	Ensemble int
	// BatchSize is the number of examples per Adam step (default 32).
	BatchSize int
	// LearningRate is Adam's step size (default 0.005).
	LearningRate float64
	// ValidFraction is the share of each label's examples held out for
	// early stopping (default 0.1); negative holds out nothing and keeps
	// the weights of the last epoch.
	ValidFraction float64
	// MaxLength is the number of tokens per sentence, [CLS] and [SEP]
	// included (default 64).
	MaxLength int
	// MaxWords and MinCount shape the vocabulary (defaults 30000 and 2),
	// see wordpiece.VocabOptions.
	MaxWords, MinCount int
	// FeaturePrefix marks tokens that are features rather than words, see
	// wordpiece.VocabOptions (default: none).
	FeaturePrefix string
	// GroupSeparator, when set, makes labels that agree up to it one class
	// for class weighting: with ":", "objection:price" and "objection:risk"
	// share the weight of all objections, so fine labels of a rare kind are
	// not blown up to the weight of a whole type.
	GroupSeparator string
	// GroupBalance, between 0 and 1, evens out the labels within each group
	// as well: at 1 every label of a group weighs as much as its siblings
	// in the loss, at 0 (default) as many examples as it has; the group as
	// a whole weighs the same either way. In between, the weights follow
	// (group size / label size)^GroupBalance.
	GroupBalance float64
	// GroupDamping, between 0 and 1, damps the evening out of the groups
	// themselves: at 0 (default) every group weighs the same in the loss,
	// at 1 each weighs as much as its examples; in between a group's share
	// follows its size^GroupDamping. Full balance buys recall of the rare
	// groups with precision, as every item type is taught as often as
	// "none" is.
	GroupDamping float64
	// KeepCase disables lowercasing of Latin text.
	KeepCase bool
	// Labels fixes the label ids; it must list every label of the
	// examples. By default "none" comes first, then the others sorted.
	Labels []string
	// Thresholds is recorded in config.json for the runtime (see
	// modeldir.Config.Thresholds); training does not read it.
	Thresholds map[string]float64
	// Logger receives per-epoch progress at debug level and a summary at
	// info level (default: discard).
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Name == "" {
		o.Name = "guanxi-sentence"
	}
	if o.Epochs == 0 {
		o.Epochs = 40
	}
	if o.Patience == 0 {
		o.Patience = 6
	}
	if o.Dim == 0 {
		o.Dim = 64
	}
	if o.Hidden == 0 {
		o.Hidden = 64
	}
	if o.Ensemble == 0 {
		o.Ensemble = 1
	}
	if o.BatchSize == 0 {
		o.BatchSize = 32
	}
	if o.LearningRate == 0 {
		o.LearningRate = 0.005
	}
	if o.ValidFraction == 0 {
		o.ValidFraction = 0.1
	}
	if o.MaxLength == 0 {
		o.MaxLength = 64
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

func (o Options) validate() error {
	switch {
	case o.Epochs < 0:
		return fmt.Errorf("train: negative epochs %d", o.Epochs)
	case o.Dim < 0 || o.Hidden < 0:
		return fmt.Errorf("train: negative layer size (dim %d, hidden %d)", o.Dim, o.Hidden)
	case o.TokenDropout < 0 || o.TokenDropout >= 1 || math.IsNaN(o.TokenDropout):
		return fmt.Errorf("train: token dropout %v must be in [0, 1)", o.TokenDropout)
	case o.Ensemble < 0:
		return fmt.Errorf("train: negative ensemble size %d", o.Ensemble)
	case o.BatchSize < 0:
		return fmt.Errorf("train: negative batch size %d", o.BatchSize)
	case o.LearningRate < 0 || math.IsNaN(o.LearningRate) || math.IsInf(o.LearningRate, 0):
		return fmt.Errorf("train: invalid learning rate %v", o.LearningRate)
	case o.GroupBalance < 0 || o.GroupBalance > 1 || math.IsNaN(o.GroupBalance):
		return fmt.Errorf("train: group balance %v must be in [0, 1]", o.GroupBalance)
	case o.GroupDamping < 0 || o.GroupDamping > 1 || math.IsNaN(o.GroupDamping):
		return fmt.Errorf("train: group damping %v must be in [0, 1]", o.GroupDamping)
	case o.ValidFraction >= 1 || math.IsNaN(o.ValidFraction):
		return fmt.Errorf("train: valid fraction %v must be below 1", o.ValidFraction)
	case o.MaxLength < 3:
		return fmt.Errorf("train: max length %d leaves no room between [CLS] and [SEP]", o.MaxLength)
	case o.MaxWords < 0 || o.MinCount < 0:
		return fmt.Errorf("train: negative vocabulary limit (max words %d, min count %d)", o.MaxWords, o.MinCount)
	}
	return nil
}

// Model is a trained classifier.
type Model struct {
	thresholds    map[string]float64
	name          string
	labels        []string
	maxLength     int
	lowercase     bool
	tokenizerJSON []byte
	tok           *wordpiece.Tokenizer
	net           *network
	training      modeldir.Training
}

// encoded is one example ready for the network.
type encoded struct {
	ids   []int64 // real tokens only, [CLS] and [SEP] included
	label int
}

// Train trains a classifier on examples. It returns an error, naming the
// example, for empty or non-UTF-8 text or an empty label, and an error when
// fewer than two labels occur.
func Train(ctx context.Context, examples []Example, opts Options) (*Model, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if err := checkExamples(examples); err != nil {
		return nil, err
	}
	labels, err := labelSet(examples, opts.Labels)
	if err != nil {
		return nil, err
	}
	labelID := make(map[string]int, len(labels))
	for i, l := range labels {
		labelID[l] = i
	}

	texts := make([]string, len(examples))
	for i, ex := range examples {
		texts[i] = ex.Text
	}
	lowercase := !opts.KeepCase
	vocab := wordpiece.BuildVocab(texts, wordpiece.VocabOptions{
		MaxWords:      opts.MaxWords,
		MinCount:      opts.MinCount,
		Lowercase:     lowercase,
		FeaturePrefix: opts.FeaturePrefix,
	})
	tokJSON, err := wordpiece.Spec{Vocab: vocab, Lowercase: lowercase, MaxLength: opts.MaxLength}.JSON()
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	tok, err := wordpiece.New(tokJSON, opts.MaxLength)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}

	data := make([]encoded, len(examples))
	for i, ex := range examples {
		enc, err := tok.Encode(ex.Text)
		if err != nil {
			return nil, fmt.Errorf("train: example %d: %w", i, err)
		}
		data[i] = encoded{ids: enc.IDs[:enc.Len], label: labelID[ex.Label]}
	}

	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	trainIdx, validIdx := split(rng, data, len(labels), opts.ValidFraction)
	weights, err := classWeights(data, trainIdx, labels, opts.GroupSeparator, opts.GroupBalance, opts.GroupDamping)
	if err != nil {
		return nil, err
	}

	log := opts.Logger
	members := make([]*network, opts.Ensemble)
	var first fitResult
	for k := range members {
		r := rng
		if k > 0 {
			// Later members draw from their own streams, so adding members
			// leaves the first one exactly what a single model would be.
			r = rand.New(rand.NewPCG(opts.Seed+uint64(k), uint64(k)^0x9e3779b97f4a7c15))
		}
		net := newNetwork(r, len(vocab), opts.Dim, opts.Hidden, len(labels))
		res, err := fit(ctx, r, net, data, weights, slices.Clone(trainIdx), validIdx, opts)
		if err != nil {
			return nil, err
		}
		if k == 0 {
			first = res
		}
		log.Debug("train: member done", "member", k, "epochs", res.epochs, "best_epoch", res.bestEpoch,
			"valid_loss", res.validLoss, "valid_accuracy", res.validAcc)
		members[k] = net
	}
	net := members[0]
	validLoss, validAcc := first.validLoss, first.validAcc
	if len(members) > 1 {
		net = mergeNetworks(members)
		if len(validIdx) > 0 {
			t := &trainer{net: net, act: net.newActivations(), data: data, weights: weights}
			validLoss, validAcc = t.evaluate(validIdx)
		}
	}
	epochs, bestEpoch := first.epochs, first.bestEpoch

	classW := make(map[string]float64, len(labels))
	for i, l := range labels {
		classW[l] = roundMetric(float64(weights[i]))
	}
	m := &Model{
		thresholds:    maps.Clone(opts.Thresholds),
		name:          opts.Name,
		labels:        labels,
		maxLength:     opts.MaxLength,
		lowercase:     lowercase,
		tokenizerJSON: tokJSON,
		tok:           tok,
		net:           net,
		training: modeldir.Training{
			Seed:          opts.Seed,
			Epochs:        epochs,
			MaxEpochs:     opts.Epochs,
			BestEpoch:     bestEpoch,
			Examples:      len(examples),
			TrainExamples: len(trainIdx),
			ValidExamples: len(validIdx),
			BatchSize:     opts.BatchSize,
			LearningRate:  opts.LearningRate,
			DataSHA256:    DataHash(examples),
			ClassWeights:  classW,
			ValidLoss:     roundMetric(validLoss),
			ValidAccuracy: roundMetric(validAcc),
			Ensemble:      opts.Ensemble,
		},
	}
	log.Info("train: done", "name", opts.Name, "labels", labels, "vocab", len(vocab),
		"examples", len(examples), "epochs", epochs, "best_epoch", bestEpoch,
		"valid_loss", validLoss, "valid_accuracy", validAcc)
	return m, nil
}

// fitResult is how one network's training went.
type fitResult struct {
	epochs, bestEpoch   int
	validLoss, validAcc float64
}

// fit trains net on the examples at trainIdx, shuffled by rng each epoch,
// and leaves it with the weights of the epoch of lowest held-out loss (the
// last epoch when nothing is held out).
func fit(ctx context.Context, rng *rand.Rand, net *network, data []encoded, weights []float32, trainIdx, validIdx []int, opts Options) (fitResult, error) {
	t := &trainer{
		net: net, opt: newAdam(opts.LearningRate), act: net.newActivations(),
		data: data, weights: weights, batchSize: opts.BatchSize,
		dropout: opts.TokenDropout, rng: rng,
	}
	log := opts.Logger
	best := math.Inf(1)
	var res fitResult
	var bestWeights [][]float32
	for epoch := 1; epoch <= opts.Epochs; epoch++ {
		rng.Shuffle(len(trainIdx), func(i, j int) { trainIdx[i], trainIdx[j] = trainIdx[j], trainIdx[i] })
		trainLoss, err := t.epoch(ctx, trainIdx)
		if err != nil {
			return fitResult{}, err
		}
		res.epochs = epoch
		if len(validIdx) == 0 {
			res.bestEpoch = epoch
			log.Debug("train: epoch", "epoch", epoch, "train_loss", trainLoss)
			continue
		}
		loss, acc := t.evaluate(validIdx)
		log.Debug("train: epoch", "epoch", epoch, "train_loss", trainLoss, "valid_loss", loss, "valid_accuracy", acc)
		if loss < best {
			best, res.bestEpoch, res.validLoss, res.validAcc = loss, epoch, loss, acc
			bestWeights = net.cloneWeights()
		} else if opts.Patience > 0 && epoch-res.bestEpoch >= opts.Patience {
			break
		}
	}
	if bestWeights != nil {
		net.restoreWeights(bestWeights)
	}
	return res, nil
}

// roundMetric keeps metrics in config.json short and readable.
func roundMetric(v float64) float64 {
	return math.Round(v*1e6) / 1e6
}

func checkExamples(examples []Example) error {
	if len(examples) == 0 {
		return errors.New("train: no examples")
	}
	for i, ex := range examples {
		switch {
		case !utf8.ValidString(ex.Text):
			return fmt.Errorf("train: example %d: text is not valid UTF-8", i)
		case strings.TrimSpace(ex.Text) == "":
			return fmt.Errorf("train: example %d: empty text", i)
		case ex.Label == "":
			return fmt.Errorf("train: example %d (%q): empty label", i, ex.Text)
		case !utf8.ValidString(ex.Label):
			return fmt.Errorf("train: example %d (%q): label is not valid UTF-8", i, ex.Text)
		}
	}
	return nil
}

// labelSet returns the label ids: fixed if given, else "none" first and the
// others in sorted order.
func labelSet(examples []Example, fixed []string) ([]string, error) {
	seen := make(map[string]int)
	for _, ex := range examples {
		seen[ex.Label]++
	}
	var labels []string
	if fixed != nil {
		idx := make(map[string]bool, len(fixed))
		for _, l := range fixed {
			if l == "" {
				return nil, errors.New("train: options list an empty label")
			}
			if idx[l] {
				return nil, fmt.Errorf("train: options list label %q twice", l)
			}
			idx[l] = true
			if seen[l] == 0 {
				return nil, fmt.Errorf("train: label %q has no examples", l)
			}
		}
		for i, ex := range examples {
			if !idx[ex.Label] {
				return nil, fmt.Errorf("train: example %d (%q): label %q is not among the options' labels %v",
					i, ex.Text, ex.Label, fixed)
			}
		}
		labels = slices.Clone(fixed)
	} else {
		for l := range seen {
			if l != NoneLabel {
				labels = append(labels, l)
			}
		}
		slices.Sort(labels)
		if seen[NoneLabel] > 0 {
			labels = append([]string{NoneLabel}, labels...)
		}
	}
	if len(labels) < 2 {
		return nil, fmt.Errorf("train: examples have %d label %v, need at least 2", len(labels), labels)
	}
	return labels, nil
}

// split holds out round(fraction·n) of each label's n examples (never all of
// them), chosen at random; it returns the indices of both parts.
func split(rng *rand.Rand, data []encoded, numLabels int, fraction float64) (trainIdx, validIdx []int) {
	byLabel := make([][]int, numLabels)
	for i, d := range data {
		byLabel[d.label] = append(byLabel[d.label], i)
	}
	for _, idx := range byLabel {
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		k := 0
		if fraction > 0 {
			k = min(int(math.Round(fraction*float64(len(idx)))), len(idx)-1)
		}
		validIdx = append(validIdx, idx[:k]...)
		trainIdx = append(trainIdx, idx[k:]...)
	}
	// Order by original position so the epoch shuffles alone decide the
	// order examples are seen in.
	slices.Sort(trainIdx)
	slices.Sort(validIdx)
	return trainIdx, validIdx
}

// classWeights returns weights under which every group of labels weighs as
// much in the loss as if the training part were balanced: n/(k·n_g) for
// the examples of each of the k groups, n_g examples each. Damping moves
// the groups' shares back towards their sizes: n·n_g^d/Σ n_h^d in all.
// Within a group, balance moves weight from frequent labels to rare ones,
// keeping the group's total. Without a separator every label is its own
// group.
func classWeights(data []encoded, trainIdx []int, labels []string, sep string, balance, damping float64) ([]float32, error) {
	counts := make([]int, len(labels))
	for _, i := range trainIdx {
		counts[data[i].label]++
	}
	group := make([]string, len(labels))
	groupCount := map[string]int{}
	for c, l := range labels {
		if counts[c] == 0 {
			return nil, fmt.Errorf("train: label %q has no training examples", l)
		}
		group[c] = l
		if sep != "" {
			group[c], _, _ = strings.Cut(l, sep)
		}
		groupCount[group[c]] += counts[c]
	}
	// tilt[c] is label c's share of its group's weight per example, before
	// normalising so that the group's total stays n_g.
	tilt := make([]float64, len(labels))
	tiltSum := map[string]float64{}
	for c := range labels {
		tilt[c] = math.Pow(float64(groupCount[group[c]])/float64(counts[c]), balance)
		tiltSum[group[c]] += tilt[c] * float64(counts[c])
	}
	// Summed in name order: map order would vary the last bits of the
	// sum, and with them the bytes of the model.
	var shares float64
	for _, g := range slices.Sorted(maps.Keys(groupCount)) {
		shares += math.Pow(float64(groupCount[g]), damping)
	}
	weights := make([]float32, len(labels))
	for c := range labels {
		g := float64(groupCount[group[c]])
		total := float64(len(trainIdx)) * math.Pow(g, damping) / shares
		weights[c] = float32(total * tilt[c] / tiltSum[group[c]])
	}
	return weights, nil
}

// DataHash returns the hex sha256 identifying a list of examples, order
// included; config.json records it so a model can be traced to its data.
func DataHash(examples []Example) string {
	h := sha256.New()
	for _, ex := range examples {
		// Unit and record separators cannot occur in valid text and keep
		// ("a b", "c") apart from ("a", "b c").
		h.Write([]byte(ex.Text))
		h.Write([]byte{0x1f})
		h.Write([]byte(ex.Label))
		h.Write([]byte{0x1e})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// trainer runs epochs over encoded examples.
type trainer struct {
	net       *network
	opt       *adam
	act       *activations
	data      []encoded
	weights   []float32
	batchSize int
	// dropout is the chance that a token is left out of an example each
	// time it is seen; rng draws those choices.
	dropout float64
	rng     *rand.Rand
	kept    []int64
}

// epoch makes one pass over the examples at idx, in that order, and returns
// the mean weighted training loss.
func (t *trainer) epoch(ctx context.Context, idx []int) (float64, error) {
	var lossSum, weightSum float64
	params := t.net.params()
	for start := 0; start < len(idx); start += t.batchSize {
		if err := ctx.Err(); err != nil {
			return 0, fmt.Errorf("train: %w", err)
		}
		batch := idx[start:min(start+t.batchSize, len(idx))]
		var batchWeight float32
		for _, i := range batch {
			batchWeight += t.weights[t.data[i].label]
		}
		for _, i := range batch {
			d := t.data[i]
			w := t.weights[d.label]
			ids := t.dropTokens(d.ids)
			probs := t.net.forward(ids, t.act)
			lossSum += float64(w) * crossEntropy(probs[d.label])
			weightSum += float64(w)
			t.net.backward(ids, d.label, w, t.act)
		}
		t.opt.update(params, 1/batchWeight)
	}
	return lossSum / weightSum, nil
}

// dropTokens returns ids with each token left out with chance t.dropout;
// [CLS] and [SEP] always stay, so nothing is ever empty.
func (t *trainer) dropTokens(ids []int64) []int64 {
	if t.dropout <= 0 {
		return ids
	}
	t.kept = t.kept[:0]
	for i, id := range ids {
		if i == 0 || i == len(ids)-1 || t.rng.Float64() >= t.dropout {
			t.kept = append(t.kept, id)
		}
	}
	return t.kept
}

// evaluate returns the class-weighted loss and the accuracy on idx.
func (t *trainer) evaluate(idx []int) (loss, accuracy float64) {
	var lossSum, weightSum float64
	correct := 0
	for _, i := range idx {
		d := t.data[i]
		w := float64(t.weights[d.label])
		probs := t.net.forward(d.ids, t.act)
		lossSum += w * crossEntropy(probs[d.label])
		weightSum += w
		if argmax(probs) == d.label {
			correct++
		}
	}
	return lossSum / weightSum, float64(correct) / float64(len(idx))
}

func crossEntropy(p float32) float64 {
	return -math.Log(max(float64(p), 1e-12))
}

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// Labels returns the labels in id order.
func (m *Model) Labels() []string { return slices.Clone(m.labels) }

// Training returns the training record written to config.json.
func (m *Model) Training() modeldir.Training { return m.training }

// Predict runs the classifier in Go on sentences of space-joined words and
// returns each sentence's label probabilities, in label id order. It
// computes what the exported ONNX graph computes, and serves to check it.
func (m *Model) Predict(sentences []string) ([][]float32, error) {
	act := m.net.newActivations()
	out := make([][]float32, len(sentences))
	for i, s := range sentences {
		enc, err := m.tok.Encode(s)
		if err != nil {
			return nil, fmt.Errorf("train: sentence %d: %w", i, err)
		}
		out[i] = slices.Clone(m.net.forward(enc.IDs[:enc.Len], act))
	}
	return out, nil
}

// Classify runs the network in Go on sentences of space-joined words, as
// the exported ONNX graph would: a model fresh from training can be scored
// by the same extraction code as a shipped one, without writing it out
// (cross-validation trains and scores many).
func (m *Model) Classify(ctx context.Context, sentences []string) ([]models.Prediction, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	probs, err := m.Predict(sentences)
	if err != nil {
		return nil, err
	}
	out := make([]models.Prediction, len(probs))
	for i, p := range probs {
		best := argmax(p)
		out[i] = models.Prediction{Label: m.labels[best], Confidence: p[best], Probs: p}
	}
	return out, nil
}

// Thresholds returns the confidence each type needs, see
// Options.Thresholds.
func (m *Model) Thresholds() map[string]float64 { return maps.Clone(m.thresholds) }

// ID names the model as items record it; an unsaved model has no version
// yet.
func (m *Model) ID() string { return m.name + "@unsaved" }
