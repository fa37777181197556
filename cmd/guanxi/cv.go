package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/extract/eval"
	"github.com/guanxi-dev/guanxi/extract/gold"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/models/train"
)

// runCV cross-validates the sentence model on the training split, holding
// out whole files: each file of the corpus was written for its own
// industries, voices and formats, so a model scored on a file it never saw
// is scored on a style it never saw. Settings are chosen here, and the
// held-out eval and shifted splits stay untouched until the end.
func runCV(ctx context.Context, args []string) error {
	fs := newFlags("cv", "[--corpus DIR] [--folds K] [training flags]")
	corpus := fs.String("corpus", "testdata/corpus/train", "annotated training split (*.messages.jsonl + *.gold.jsonl)")
	folds := fs.Int("folds", 4, "number of folds; the split's files are dealt out to them in name order")
	errorsPath := fs.String("errors", "", "write every miss, false alarm and wrong attribute of the held-out folds to this JSONL file")
	opts := trainingFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	*opts = sentenceOptions(*opts)
	files, err := filepath.Glob(filepath.Join(*corpus, "*"+gold.MessagesSuffix))
	if err != nil {
		return err
	}
	slices.Sort(files)
	if *folds < 2 || *folds > len(files) {
		return fmt.Errorf("--folds %d: need between 2 and the %d files of %s", *folds, len(files), *corpus)
	}
	type part struct {
		names []string
		msgs  []ingest.Message
		items []gold.Item
	}
	parts := make([]part, *folds)
	for i, f := range files {
		msgs, items, err := gold.LoadPath(f)
		if err != nil {
			return err
		}
		p := &parts[i%*folds]
		p.names = append(p.names, strings.TrimSuffix(filepath.Base(f), gold.MessagesSuffix))
		p.msgs, p.items = append(p.msgs, msgs...), append(p.items, items...)
	}
	seg, err := extract.LoadSegmenter()
	if err != nil {
		return err
	}
	var golds []gold.Item
	var predicted []extract.Item
	fmt.Printf("%-12s %6s %8s %8s %8s %8s\n", "held out", "gold", "micro", "commit", "object", "pain")
	for k, held := range parts {
		var msgs []ingest.Message
		var items []gold.Item
		for j, p := range parts {
			if j != k {
				msgs, items = append(msgs, p.msgs...), append(items, p.items...)
			}
		}
		m, err := train.Train(ctx, gold.Examples(seg, msgs, items), *opts)
		if err != nil {
			return fmt.Errorf("fold %d: %w", k+1, err)
		}
		ex := extract.New(seg, m)
		// Keep the doubtful predictions too, so that every threshold at
		// or above the lowest can be scored from the one run.
		ex.MinConfidence = thresholds[0]
		found, err := ex.Extract(ctx, held.msgs)
		if err != nil {
			return fmt.Errorf("fold %d: %w", k+1, err)
		}
		pred := slices.Concat(found...)
		r := eval.Evaluate(held.items, above(pred, minConfidence))
		writeFoldLine(strings.Join(held.names, ","), r)
		slog.Debug("cv: fold done", "fold", k+1, "files", held.names)
		golds, predicted = append(golds, held.items...), append(predicted, pred...)
	}
	r := eval.Evaluate(golds, above(predicted, minConfidence))
	writeFoldLine("all", r)
	if *errorsPath != "" {
		if err := writeJSONL(*errorsPath, r.Errors); err != nil {
			return err
		}
	}
	fmt.Println()
	if err := r.Write(os.Stdout); err != nil {
		return err
	}
	fmt.Printf("\n%-10s %9s %7s %7s %8s %8s %8s\n", "threshold", "precision", "recall", "F1", "commit", "object", "pain")
	for _, t := range thresholds {
		r := eval.Evaluate(golds, above(predicted, t))
		m := r.Micro()
		fmt.Printf("%-10.2f %9.3f %7.3f %7.3f %8.3f %8.3f %8.3f\n", t, m.Precision(), m.Recall(), m.F1(),
			r.PerType[extract.Commitment].F1(), r.PerType[extract.Objection].F1(), r.PerType[extract.PainPoint].F1())
	}
	return nil
}

// thresholds are the confidences cross-validation scores the model at,
// lowest first; minConfidence is the extractor's own.
var (
	thresholds    = []float32{0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7}
	minConfidence = extract.New(nil, nil).MinConfidence
)

// above keeps the items of at least the given confidence.
func above(items []extract.Item, conf float32) []extract.Item {
	var out []extract.Item
	for _, it := range items {
		if it.Confidence >= float64(conf)-1e-9 {
			out = append(out, it)
		}
	}
	return out
}

func writeFoldLine(name string, r eval.Report) {
	fmt.Printf("%-12s %6d %8.3f %8.3f %8.3f %8.3f\n", name, r.Micro().Gold, r.Micro().F1(),
		r.PerType[extract.Commitment].F1(), r.PerType[extract.Objection].F1(), r.PerType[extract.PainPoint].F1())
}
