package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/guanxi-dev/guanxi/emit"
	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/models"
	"github.com/guanxi-dev/guanxi/notify"
	"github.com/guanxi-dev/guanxi/pipeline"
)

// graphFlags are the flags of every command that reads or writes the graph:
// where it is, and the time scores and warnings are evaluated at.
type graphFlags struct {
	store   string
	backend string
	asOf    string
}

func (c *graphFlags) registerGraph(fs *flag.FlagSet, defaultStore string) {
	fs.StringVar(&c.store, "store", defaultStore, "graph store: a directory for bbolt and leveldb, a postgres:// address for postgres")
	fs.StringVar(&c.backend, "backend", "bbolt", "graph backend: bbolt, leveldb, memstore, or postgres (several instances sharing one graph)")
	fs.StringVar(&c.asOf, "as-of", "", "evaluate scores and warnings as of this time (RFC 3339 or YYYY-MM-DD); default now")
}

// common holds the flags every pipeline command shares.
type common struct {
	graphFlags
	model  string
	ortLib string
	batch  int
}

func (c *common) register(fs *flag.FlagSet, defaultStore string) {
	c.registerGraph(fs, defaultStore)
	fs.StringVar(&c.model, "model", "", "model directory (model.onnx, tokenizer.json, config.json); default: the shipped models/sentence")
	fs.StringVar(&c.ortLib, "onnxruntime", "", "path to libonnxruntime.so; default: $ONNXRUNTIME_LIB or .cache/onnxruntime (see scripts/fetch-onnxruntime.sh)")
	fs.IntVar(&c.batch, "batch", 64, "messages classified together")
}

// asOfFunc parses --as-of: a fixed time, or now.
func (c *graphFlags) asOfFunc() (func() time.Time, error) {
	if c.asOf == "" {
		return time.Now, nil
	}
	t, err := parseTime(c.asOf)
	if err != nil {
		return nil, fmt.Errorf("--as-of: %w", err)
	}
	return func() time.Time { return t }, nil
}

func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	// A bare date means the end of that day in China: everything said on
	// that day counts.
	d, err := time.ParseInLocation(time.DateOnly, s, time.FixedZone("CST", 8*3600))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor YYYY-MM-DD", s)
	}
	return d.Add(24*time.Hour - time.Second), nil
}

// openExtractor loads the runtime, the segmenter and the model.
func (c *common) openExtractor() (*extract.Extractor, func(), error) {
	lib := c.ortLib
	if lib == "" {
		var err error
		if lib, err = models.LibraryPath(); err != nil {
			return nil, nil, err
		}
	}
	if err := models.InitRuntime(lib); err != nil {
		return nil, nil, err
	}
	dir := c.model
	if dir == "" {
		var err error
		if dir, err = models.ShippedDir(); err != nil {
			return nil, nil, err
		}
	}
	clf, err := models.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	seg, err := extract.LoadSegmenter()
	if err != nil {
		clf.Close()
		return nil, nil, err
	}
	slog.Info("model loaded", "model", clf.ID(), "dir", dir)
	return extract.New(seg, clf), func() { clf.Close() }, nil
}

// openStore opens the graph. With mustExist, an embedded store that is not
// on disk is an error rather than a new empty graph: reading commands would
// otherwise report on nothing.
// newPipeline opens the model and the graph and wires them between a
// source and an emitter. It returns the graph too, for reading after the
// run, and a function that closes what it opened.
func (c *common) newPipeline(ctx context.Context, src pipeline.Source, out pipeline.Emitter, asOf func() time.Time) (*pipeline.Pipeline, *graph.Store, func(), error) {
	ex, closeModel, err := c.openExtractor()
	if err != nil {
		return nil, nil, nil, err
	}
	store, err := c.openStore(ctx, false)
	if err != nil {
		closeModel()
		return nil, nil, nil, err
	}
	p := &pipeline.Pipeline{Source: src, Extractor: ex, Store: store, Emitter: out, AsOf: asOf, BatchSize: c.batch}
	return p, store, func() { store.Close(); closeModel() }, nil
}

func (c *graphFlags) openStore(ctx context.Context, mustExist bool) (*graph.Store, error) {
	embedded := c.backend == graph.BackendBBolt || c.backend == graph.BackendLevelDB
	if _, err := os.Stat(c.store); mustExist && embedded && err != nil {
		return nil, fmt.Errorf("--store: %w", err)
	}
	cfg := graph.Config{Backend: c.backend, Path: c.store}
	switch c.backend {
	case graph.BackendPostgres:
		cfg.Path, cfg.Address = "", c.store
	case graph.BackendMemstore:
		cfg.Path = ""
	}
	return graph.Open(ctx, cfg)
}

func runRun(ctx context.Context, args []string) error {
	fs := newFlags("run", "(--brokers HOST:PORT[,…] | --in MSGS.jsonl --out DIR) [flags]")
	var c common
	c.register(fs, "guanxi.db")
	brokers := fs.String("brokers", "", "Kafka bootstrap brokers, comma separated")
	group := fs.String("group", "guanxi", "Kafka consumer group")
	in := fs.String("topic", "guanxi.messages", "input topic")
	topics := map[emit.Stream]*string{}
	for _, s := range emit.Streams {
		topics[s] = fs.String(string(s)+"-topic", emit.DefaultTopic(s), "output topic for "+string(s))
	}
	checkpoint := fs.String("checkpoint", "", "with --in: file recording the last line processed, to resume after a crash (default DIR/.checkpoint)")
	var hooks notify.Configs
	fs.Var(&hooks, "notify", notify.ConfigsUsage)
	inFile := fs.String("in", "", "read messages from this JSONL file instead of Kafka")
	outDir := fs.String("out", "", "with --in: write items.jsonl, scores.jsonl, warnings.jsonl, dlq.jsonl here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	asOf, err := c.asOfFunc()
	if err != nil {
		return err
	}
	var src pipeline.Source
	var out pipeline.Emitter
	switch {
	case *brokers != "" && *inFile != "":
		return errors.New("--brokers and --in exclude each other")
	case *brokers != "":
		addrs := strings.Split(*brokers, ",")
		ks, err := ingest.NewKafkaSource(ingest.KafkaConfig{Brokers: addrs, Topic: *in, GroupID: *group})
		if err != nil {
			return err
		}
		defer ks.Close()
		cfg := emit.KafkaConfig{Brokers: addrs, Topics: map[emit.Stream]string{}}
		for s, t := range topics {
			cfg.Topics[s] = *t
		}
		ke, err := emit.NewKafkaEmitter(cfg)
		if err != nil {
			return err
		}
		defer ke.Close()
		src, out = ks, ke
	case *inFile != "":
		if *outDir == "" {
			return errors.New("--in needs --out")
		}
		if *checkpoint == "" {
			*checkpoint = filepath.Join(*outDir, ".checkpoint")
		}
		if err := os.MkdirAll(*outDir, 0o755); err != nil {
			return err
		}
		fsrc, err := ingest.NewFileSource(*inFile, *checkpoint)
		if err != nil {
			return err
		}
		defer fsrc.Close()
		fe, err := emit.NewFileEmitter(*outDir)
		if err != nil {
			return err
		}
		defer fe.Close()
		src, out = fsrc, fe
	default:
		return errors.New("give --brokers, or --in and --out")
	}
	p, _, closePipeline, err := c.newPipeline(ctx, src, out, asOf)
	if err != nil {
		return err
	}
	defer closePipeline()
	if len(hooks) > 0 {
		n, err := notify.NewNotifier(hooks, notify.WithLogger(slog.Default()))
		if err != nil {
			return err
		}
		p.Notifier = n
	}
	slog.Info("pipeline running", "store", c.store)
	err = p.Run(ctx)
	st := p.Stats()
	slog.Info("pipeline stopped", "accepted", st.Accepted, "rejected", st.Rejected)
	return err
}
