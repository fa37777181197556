package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/guanxi-dev/guanxi/extract/eval"
	"github.com/guanxi-dev/guanxi/extract/gold"
)

func runEval(ctx context.Context, args []string) error {
	fs := newFlags("eval", "--gold GOLD.jsonl --messages MSGS.jsonl [flags]")
	var c common
	c.register(fs, "")
	goldPath := fs.String("gold", "", "gold items (JSONL)")
	msgPath := fs.String("messages", "", "the annotated messages (JSONL, envelope v1)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *goldPath == "" || *msgPath == "" {
		fs.Usage()
		return errors.New("--gold and --messages are required")
	}
	golds, err := gold.Load(*goldPath)
	if err != nil {
		return err
	}
	msgs, err := gold.LoadMessages(*msgPath)
	if err != nil {
		return err
	}
	if errs := gold.Validate(msgs, golds); len(errs) > 0 {
		return fmt.Errorf("gold is invalid (%d problems), first: %w", len(errs), errs[0])
	}
	ex, closeModel, err := c.openExtractor()
	if err != nil {
		return err
	}
	defer closeModel()
	found, err := ex.Extract(ctx, msgs)
	if err != nil {
		return err
	}
	var predicted = found[0][:0:0]
	for _, items := range found {
		predicted = append(predicted, items...)
	}
	fmt.Printf("model %s on %d messages\n\n", ex.ModelID(), len(msgs))
	return eval.Evaluate(golds, predicted).Write(os.Stdout)
}
