// Command guanxi turns a stream of sales communication into a scored
// relationship graph.
//
//	guanxi demo      run the pipeline on the sample corpus with an embedded broker and store
//	guanxi run       run the pipeline against Kafka or a JSONL file
//	guanxi extract   extract items from a JSONL file of messages
//	guanxi train     train the sentence model from the annotated corpus
//	guanxi eval      measure extraction against gold annotations
//	guanxi scenario  judge scores and warnings against an analyst's expectations
//	guanxi audit     audit the relationship health of a sample of accounts
//	guanxi serve     HTTP JSON API with role-based access and Prometheus metrics
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string) error
}

// commands is filled in init: the commands' flag sets print their summary
// from it, which a plain initialiser would make a cycle.
var commands []command

func init() {
	commands = []command{
		{"demo", "run the whole pipeline on the sample corpus (embedded broker and store) and print account health", runDemo},
		{"run", "run the pipeline: --brokers for Kafka, or --in/--out for JSONL files", runRun},
		{"extract", "extract commitments, objections and pain points from a JSONL file of messages", runExtract},
		{"train", "train the sentence model from the annotated corpus in testdata", runTrain},
		{"corpus", "check annotated corpus files (messages and gold items) and print every problem", runCorpus},
		{"cv", "cross-validate the sentence model on the training split, holding out whole files (styles)", runCV},
		{"eval", "measure extraction against gold annotations: precision, recall, F1, party and due-date accuracy", runEval},
		{"scenario", "judge scores and warnings on a scenario set against the analyst's expectations", runScenario},
		{"audit", "audit the relationship health of a seeded sample of accounts: trust balance, weak spots, advice (table, JSON or HTML)", runAudit},
		{"serve", "serve the HTTP JSON API over the graph, scores and warnings, with roles, tokens and metrics", runServe},
	}
}

func usage() {
	fmt.Fprintf(os.Stderr, "guanxi (关系) turns sales communication into a scored relationship graph.\n\nUsage: guanxi <command> [flags]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(os.Stderr, "\nRun 'guanxi <command> --help' for the flags of a command.\n")
}

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()})))
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, c := range commands {
		if c.name != os.Args[1] {
			continue
		}
		err := c.run(ctx, os.Args[2:])
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "guanxi %s: %v\n", c.name, err)
			os.Exit(1)
		}
		return
	}
	fmt.Fprintf(os.Stderr, "guanxi: unknown command %q\n\n", os.Args[1])
	usage()
	os.Exit(2)
}

func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("GUANXI_LOG"))); err != nil {
		return slog.LevelInfo
	}
	return l
}

// newFlags returns a flag set whose --help prints the command's summary.
func newFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("guanxi "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: guanxi %s %s\n\n", name, synopsis)
		for _, c := range commands {
			if c.name == name {
				fmt.Fprintf(fs.Output(), "%s.\n\nFlags:\n", c.summary)
			}
		}
		fs.PrintDefaults()
	}
	return fs
}
