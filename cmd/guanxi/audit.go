package main

import (
	"context"
	"fmt"
	"os"

	"github.com/guanxi-dev/guanxi/audit"
)

// runAudit samples accounts from the graph store and writes the
// relationship-health audit: balance of the trust dimensions, weak spots
// and reinforcement advice.
func runAudit(ctx context.Context, args []string) error {
	fs := newFlags("audit", "--sample FRACTION --as-of DATE [--seed N] [--format table|json|html] [--out FILE] [flags]")
	var c graphFlags
	c.registerGraph(fs, "guanxi.db")
	sample := fs.Float64("sample", 0.1, "fraction of the accounts to audit, in (0, 1]; at least one account is audited")
	seed := fs.Int64("seed", 1, "seed of the sample: the same seed over the same accounts audits the same accounts")
	format := fs.String("format", audit.FormatTable, "output format: table, json or html")
	out := fs.String("out", "", "write the report to this file instead of standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch *format {
	case audit.FormatTable, audit.FormatJSON, audit.FormatHTML:
	default:
		return fmt.Errorf("--format %q: want table, json or html", *format)
	}
	if *sample <= 0 || *sample > 1 {
		return fmt.Errorf("--sample %v: want a fraction in (0, 1]", *sample)
	}
	asOf, err := c.asOfFunc()
	if err != nil {
		return err
	}
	store, err := c.openStore(ctx, true)
	if err != nil {
		return err
	}
	defer store.Close()
	r, err := audit.Run(ctx, store, audit.Options{Fraction: *sample, Seed: *seed, AsOf: asOf()})
	if err != nil {
		return err
	}
	if *out == "" {
		return audit.Write(os.Stdout, r, *format)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := audit.Write(f, r, *format); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
