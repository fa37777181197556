package main

import (
	"context"
	"fmt"
	"os"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/extract/eval"
)

// thresholds are the confidences a cross-validation is scored at, lowest
// first.
var thresholds = []float32{0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7}

// runCV cross-validates the sentence model on the training split, holding
// out whole files (styles). Settings are chosen here, and the eval and
// shifted splits stay untouched until the end.
func runCV(ctx context.Context, args []string) error {
	fs := newFlags("cv", "[--corpus DIR] [--folds K] [training flags]")
	corpus := fs.String("corpus", "testdata/corpus/train", "annotated training split (*.messages.jsonl + *.gold.jsonl)")
	k := fs.Int("folds", 4, "number of folds; the split's files are dealt out to them in name order")
	errorsPath := fs.String("errors", "", "write every miss, false alarm and wrong attribute of the held-out folds to this JSONL file")
	opts := trainingFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	folds, err := eval.FoldsByFile(*corpus, *k)
	if err != nil {
		return err
	}
	seg, err := extract.LoadSegmenter()
	if err != nil {
		return err
	}
	cv, err := eval.CrossValidate(ctx, seg, folds, sentenceOptions(*opts), thresholds[0])
	if err != nil {
		return err
	}
	const minConfidence = extract.DefaultMinConfidence
	fmt.Printf("%-14s %6s %8s %8s %8s %8s\n", "held out", "gold", "micro", "commit", "object", "pain")
	for i, f := range folds {
		writeFoldLine(f.Name, cv.Fold(i, minConfidence))
	}
	all := cv.All(minConfidence)
	writeFoldLine("all", all)
	if *errorsPath != "" {
		if err := writeJSONL(*errorsPath, all.Errors); err != nil {
			return err
		}
	}
	fmt.Println()
	if err := all.Write(os.Stdout); err != nil {
		return err
	}
	fmt.Printf("\n%-10s %9s %7s %7s %8s %8s %8s\n", "threshold", "precision", "recall", "F1", "commit", "object", "pain")
	for _, t := range thresholds {
		r := cv.All(t)
		m := r.Micro()
		fmt.Printf("%-10.2f %9.3f %7.3f %7.3f %8.3f %8.3f %8.3f\n", t, m.Precision(), m.Recall(), m.F1(),
			r.PerType[extract.Commitment].F1(), r.PerType[extract.Objection].F1(), r.PerType[extract.PainPoint].F1())
	}
	return nil
}

func writeFoldLine(name string, r eval.Report) {
	fmt.Printf("%-14s %6d %8.3f %8.3f %8.3f %8.3f\n", name, r.Micro().Gold, r.Micro().F1(),
		r.PerType[extract.Commitment].F1(), r.PerType[extract.Objection].F1(), r.PerType[extract.PainPoint].F1())
}
