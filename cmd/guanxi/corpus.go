package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/guanxi-dev/guanxi/extract/gold"
	"github.com/guanxi-dev/guanxi/ingest"
)

// runCorpus checks annotated corpus files the way the tests do and prints
// every problem, not just the first: annotators fix a file in one pass.
func runCorpus(_ context.Context, args []string) error {
	fs := newFlags("corpus", "[--against DIR]... PATH...")
	var against multiFlag
	fs.Var(&against, "against", "a split that must share no message id or text with PATH (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("name a split directory or a *.messages.jsonl file")
	}
	var msgs []ingest.Message
	var items []gold.Item
	for _, p := range fs.Args() {
		m, it, err := gold.LoadPath(p)
		if err != nil {
			return err
		}
		msgs, items = append(msgs, m...), append(items, it...)
	}
	problems := gold.Validate(msgs, items)
	for _, dir := range against {
		other, _, err := gold.LoadPath(dir)
		if err != nil {
			return err
		}
		problems = append(problems, gold.Overlap(other, msgs)...)
	}
	writeCorpusSummary(msgs, items)
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problems", len(problems))
	}
	return nil
}

// writeCorpusSummary prints what the annotators have written: messages per
// channel, items per label.
func writeCorpusSummary(msgs []ingest.Message, items []gold.Item) {
	channels := map[string]int{}
	for _, m := range msgs {
		channels[string(m.Channel)]++
	}
	labels := map[string]int{}
	for _, it := range items {
		labels[string(it.Type)+":"+it.Subtype]++
	}
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(channels)) {
		parts = append(parts, fmt.Sprintf("%s %d", c, channels[c]))
	}
	fmt.Printf("%d messages (%s)\n%d gold items\n", len(msgs), strings.Join(parts, ", "), len(items))
	for _, l := range slices.Sorted(maps.Keys(labels)) {
		fmt.Printf("  %-26s %5d\n", strings.TrimSuffix(l, ":"), labels[l])
	}
}

// multiFlag collects a flag given several times.
type multiFlag []string

func (f *multiFlag) String() string     { return strings.Join(*f, ",") }
func (f *multiFlag) Set(v string) error { *f = append(*f, v); return nil }
