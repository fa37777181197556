package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/guanxi-dev/guanxi/extract/eval"
	"github.com/guanxi-dev/guanxi/extract/gold"
	"github.com/guanxi-dev/guanxi/ingest"
)

func runEval(ctx context.Context, args []string) error {
	fs := newFlags("eval", "(--gold GOLD.jsonl --messages MSGS.jsonl | --split DIR...) [flags]")
	var c common
	c.register(fs, "")
	goldPath := fs.String("gold", "", "gold items (JSONL)")
	msgPath := fs.String("messages", "", "the annotated messages (JSONL, envelope v1)")
	var splits multiFlag
	fs.Var(&splits, "split", "an annotated split directory (*.messages.jsonl + *.gold.jsonl); repeat to score several together")
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	errorsPath := fs.String("errors", "", "write every miss, false alarm and wrong attribute to this JSONL file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*goldPath == "") != (*msgPath == "") || (*goldPath == "" && len(splits) == 0) {
		fs.Usage()
		return errors.New("give --gold and --messages, or --split")
	}
	msgs, golds, err := loadEvalData(*goldPath, *msgPath, splits)
	if err != nil {
		return err
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
	report := eval.Evaluate(golds, slices.Concat(found...))
	if *errorsPath != "" {
		if err := writeJSONL(*errorsPath, report.Errors); err != nil {
			return err
		}
	}
	if *asJSON {
		s := report.Summary()
		s.Messages = len(msgs)
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Model string `json:"model"`
			eval.Summary
		}{ex.ModelID(), s})
	}
	fmt.Printf("model %s on %d messages\n\n", ex.ModelID(), len(msgs))
	return report.Write(os.Stdout)
}

// loadEvalData reads the messages and gold items of a file pair and of every
// split, and checks them together.
func loadEvalData(goldPath, msgPath string, splits []string) ([]ingest.Message, []gold.Item, error) {
	var msgs []ingest.Message
	var golds []gold.Item
	if goldPath != "" {
		g, err := gold.Load(goldPath)
		if err != nil {
			return nil, nil, err
		}
		m, err := gold.LoadMessages(msgPath)
		if err != nil {
			return nil, nil, err
		}
		msgs, golds = m, g
	}
	for _, dir := range splits {
		m, g, err := gold.LoadDir(dir)
		if err != nil {
			return nil, nil, err
		}
		msgs, golds = append(msgs, m...), append(golds, g...)
	}
	if err := gold.Check(msgs, golds); err != nil {
		return nil, nil, err
	}
	return msgs, golds, nil
}

// writeJSONL writes one JSON line per value.
func writeJSONL[T any](path string, values []T) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for _, v := range values {
		if err := enc.Encode(v); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return f.Close()
}
