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
		found, err := ex.Extract(ctx, held.msgs)
		if err != nil {
			return fmt.Errorf("fold %d: %w", k+1, err)
		}
		var pred []extract.Item
		for _, f := range found {
			pred = append(pred, f...)
		}
		r := eval.Evaluate(held.items, pred)
		writeFoldLine(strings.Join(held.names, ","), r)
		slog.Debug("cv: fold done", "fold", k+1, "files", held.names)
		golds, predicted = append(golds, held.items...), append(predicted, pred...)
	}
	r := eval.Evaluate(golds, predicted)
	writeFoldLine("all", r)
	fmt.Println()
	return r.Write(os.Stdout)
}

func writeFoldLine(name string, r eval.Report) {
	fmt.Printf("%-12s %6d %8.3f %8.3f %8.3f %8.3f\n", name, r.Micro().Gold, r.Micro().F1(),
		r.PerType[extract.Commitment].F1(), r.PerType[extract.Objection].F1(), r.PerType[extract.PainPoint].F1())
}
