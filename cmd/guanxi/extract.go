package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/guanxi-dev/guanxi/ingest"
)

func runExtract(ctx context.Context, args []string) error {
	fs := newFlags("extract", "--in MSGS.jsonl --out ITEMS.jsonl [flags]")
	var c common
	c.register(fs, "")
	in := fs.String("in", "", "JSONL file of messages (envelope v1)")
	outPath := fs.String("out", "", "JSONL file to write items to (- for stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *outPath == "" {
		fs.Usage()
		return errors.New("--in and --out are required")
	}
	ex, closeModel, err := c.openExtractor()
	if err != nil {
		return err
	}
	defer closeModel()
	src, err := ingest.NewFileSource(*in, "")
	if err != nil {
		return err
	}
	defer src.Close()

	var w io.Writer = os.Stdout
	if *outPath != "-" {
		f, err := os.Create(*outPath)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var batch []ingest.Message
	var total, rejected int
	flush := func() error {
		found, err := ex.Extract(ctx, batch)
		if err != nil {
			return err
		}
		for _, items := range found {
			for _, it := range items {
				if err := enc.Encode(it); err != nil {
					return err
				}
				total++
			}
		}
		batch = batch[:0]
		return nil
	}
	for {
		rec, err := src.Fetch(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		msg, err := ingest.Parse(rec.Value)
		if err != nil {
			rejected++
			slog.Warn("message rejected", "line", rec.Line, "reason", err)
			continue
		}
		batch = append(batch, msg)
		if len(batch) >= c.batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", *outPath, err)
	}
	slog.Info("extraction done", "items", total, "rejected", rejected, "model", ex.ModelID())
	return nil
}
