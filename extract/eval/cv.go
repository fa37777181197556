package eval

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/extract/gold"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/models/train"
)

// Fold is one part of a cross-validation: the annotated files it holds.
type Fold struct {
	// Name lists the files, e.g. "a,e,i".
	Name     string
	Messages []ingest.Message
	Items    []gold.Item
}

// FoldsByFile deals the file pairs of a split directory out to k folds in
// name order. Each file of the corpus was written for its own industries,
// voices and formats, so a model scored on a file it never saw is scored on
// a style it never saw.
func FoldsByFile(dir string, k int) ([]Fold, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*"+gold.MessagesSuffix))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	if k < 2 || k > len(files) {
		return nil, fmt.Errorf("eval: %d folds: need between 2 and the %d files of %s", k, len(files), dir)
	}
	folds := make([]Fold, k)
	names := make([][]string, k)
	for i, f := range files {
		msgs, items, err := gold.LoadPath(f)
		if err != nil {
			return nil, err
		}
		fd := &folds[i%k]
		names[i%k] = append(names[i%k], strings.TrimSuffix(filepath.Base(f), gold.MessagesSuffix))
		fd.Messages, fd.Items = append(fd.Messages, msgs...), append(fd.Items, items...)
	}
	var msgs []ingest.Message
	var items []gold.Item
	for i := range folds {
		folds[i].Name = strings.Join(names[i], ",")
		msgs, items = append(msgs, folds[i].Messages...), append(items, folds[i].Items...)
	}
	if err := gold.Check(msgs, items); err != nil {
		return nil, fmt.Errorf("eval: %s: %w", dir, err)
	}
	return folds, nil
}

// CV is the outcome of a cross-validation: every held-out prediction down
// to the lowest confidence asked for, so that any threshold above it can
// be scored without training again.
type CV struct {
	Folds []Fold
	// Predicted holds each fold's items, indexed like Folds.
	Predicted [][]extract.Item
}

// CrossValidate trains a model with opts on all folds but one and extracts
// the held-out one with it, for every fold. Predictions of confidence
// floor and above are kept.
func CrossValidate(ctx context.Context, seg *extract.Segmenter, folds []Fold, opts train.Options, floor float32) (CV, error) {
	cv := CV{Folds: folds, Predicted: make([][]extract.Item, len(folds))}
	for k, held := range folds {
		var msgs []ingest.Message
		var items []gold.Item
		for j, f := range folds {
			if j != k {
				msgs, items = append(msgs, f.Messages...), append(items, f.Items...)
			}
		}
		m, err := train.Train(ctx, gold.Examples(seg, msgs, items), opts)
		if err != nil {
			return CV{}, fmt.Errorf("eval: fold %s: %w", held.Name, err)
		}
		ex := extract.New(seg, m)
		ex.MinConfidence = floor
		found, err := ex.Extract(ctx, held.Messages)
		if err != nil {
			return CV{}, fmt.Errorf("eval: fold %s: %w", held.Name, err)
		}
		cv.Predicted[k] = slices.Concat(found...)
	}
	return cv, nil
}

// Fold scores fold k at a confidence threshold.
func (cv CV) Fold(k int, threshold float32) Report {
	return Evaluate(cv.Folds[k].Items, Above(cv.Predicted[k], threshold))
}

// All scores every fold together at a confidence threshold.
func (cv CV) All(threshold float32) Report {
	var golds []gold.Item
	for _, f := range cv.Folds {
		golds = append(golds, f.Items...)
	}
	return Evaluate(golds, Above(slices.Concat(cv.Predicted...), threshold))
}

// Above keeps the items of at least the given confidence, as an extractor
// with that MinConfidence would. Items carry their confidence rounded to
// four places, so the threshold is compared rounded too: float32(0.55)
// is a hair above 0.55.
func Above(items []extract.Item, threshold float32) []extract.Item {
	t := round(float64(threshold))
	var out []extract.Item
	for _, it := range items {
		if it.Confidence >= t {
			out = append(out, it)
		}
	}
	return out
}
