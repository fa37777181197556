package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/guanxi-dev/guanxi/extract/gold"
	"github.com/guanxi-dev/guanxi/scenario"
)

// runScenario runs a scenario set through the pipeline and judges the
// scores and warnings against the analyst's expectations.
func runScenario(ctx context.Context, args []string) error {
	fs := newFlags("scenario", "--messages MSGS.jsonl --expected EXPECTED.json [--items gold|model] [flags]")
	var c common
	c.register(fs, "")
	msgPath := fs.String("messages", "testdata/demo/messages.jsonl", "the scenario's messages (JSONL, envelope v1, in time order)")
	expPath := fs.String("expected", "testdata/demo/expected.json", "the analyst's expectations (as_of, at_risk, warnings, trust_rank)")
	items := fs.String("items", "model", "where items come from: model (the extractor) or gold (the hand annotations)")
	goldPath := fs.String("gold", "", "with --items gold: the gold items (JSONL); default gold.jsonl next to --messages")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	exp, err := scenario.LoadExpected(*expPath)
	if err != nil {
		return err
	}
	asOf, err := exp.Time()
	if err != nil {
		return err
	}
	if c.asOf != "" {
		f, err := c.asOfFunc()
		if err != nil {
			return err
		}
		asOf = f()
	}
	cfg := scenario.Config{Messages: *msgPath, AsOf: asOf, Logger: slog.Default()}
	switch *items {
	case "model":
		ex, closeModel, err := c.openExtractor()
		if err != nil {
			return err
		}
		defer closeModel()
		cfg.Extractor = ex
	case "gold":
		if *goldPath == "" {
			*goldPath = scenario.GoldPath(*msgPath)
		}
		golds, err := gold.Load(*goldPath)
		if err != nil {
			return err
		}
		cfg.Extractor = scenario.NewGoldExtractor(golds)
	default:
		return fmt.Errorf("--items %q: want gold or model", *items)
	}
	res, err := scenario.Run(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Printf("scenario %s, items from %s, judged as of %s: %d messages stored, %d rejected\n\n",
		*msgPath, *items, asOf.Format("2006-01-02 15:04 MST"), res.Accepted, res.Rejected)
	if err := scenario.Judge(exp, res.Accounts).Write(os.Stdout); err != nil {
		return err
	}
	if res.Rejected > 0 {
		return errors.New("some messages were rejected: the scenario was judged without them")
	}
	return nil
}
