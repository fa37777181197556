package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/extract/gold"
	"github.com/guanxi-dev/guanxi/models"
	"github.com/guanxi-dev/guanxi/models/train"
)

// sentenceMaxLength is the token budget of a classifier input: words and
// character bigrams of a long clause fit.
const sentenceMaxLength = 160

func runTrain(ctx context.Context, args []string) error {
	fs := newFlags("train", "[--corpus DIR] [--out DIR] [--seed N]")
	corpus := fs.String("corpus", "testdata/corpus/train", "annotated training split (*.messages.jsonl + *.gold.jsonl)")
	out := fs.String("out", "", "directory to write model.onnx, tokenizer.json and config.json; default: the shipped models/sentence")
	var opts train.Options
	fs.Uint64Var(&opts.Seed, "seed", 1, "random seed: the same data and seed give the same model, byte for byte")
	fs.IntVar(&opts.Epochs, "epochs", 0, "most training epochs (0: the default, 40; training stops early when held-out loss stops improving)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		*out = models.SentenceModelDir
	}
	opts.Logger = slog.Default()
	opts.FeaturePrefix = extract.FeatureMark
	expEnv(&opts)
	if opts.MaxLength == 0 {
		opts.MaxLength = sentenceMaxLength
	}
	msgs, items, err := gold.LoadDir(*corpus)
	if err != nil {
		return err
	}
	if errs := gold.Validate(msgs, items); len(errs) > 0 {
		return fmt.Errorf("corpus %s is invalid (%d problems), first: %w", *corpus, len(errs), errors.Join(errs[:min(5, len(errs))]...))
	}
	seg, err := extract.LoadSegmenter()
	if err != nil {
		return err
	}
	examples := gold.Examples(seg, msgs, items)
	counts := map[string]int{}
	for _, e := range examples {
		counts[e.Label]++
	}
	slog.Info("training", "messages", len(msgs), "gold items", len(items), "examples", len(examples), "per label", counts)
	m, err := train.Train(ctx, examples, opts)
	if err != nil {
		return err
	}
	if err := m.Save(*out); err != nil {
		return err
	}
	slog.Info("model written", "dir", *out, "held-out accuracy", m.Training().ValidAccuracy)
	return nil
}

func expEnv(o *train.Options) {
	f := func(k string) float64 { v, _ := strconv.ParseFloat(os.Getenv(k), 64); return v }
	if v := f("GX_LR"); v > 0 { o.LearningRate = v }
	if v := f("GX_DIM"); v > 0 { o.Dim = int(v) }
	if v := f("GX_HID"); v > 0 { o.Hidden = int(v) }
	if v := f("GX_MC"); v > 0 { o.MinCount = int(v) }
	if v := f("GX_BS"); v > 0 { o.BatchSize = int(v) }
	if v := f("GX_PAT"); v > 0 { o.Patience = int(v) }
	if v := f("GX_VF"); v != 0 { o.ValidFraction = v }
}
