package graph

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	cayleykv "github.com/cayleygraph/cayley/graph/kv"
	_ "github.com/cayleygraph/cayley/graph/memstore" // registers the memstore backend
	hkv "github.com/hidal-go/hidalgo/kv"
	hbolt "github.com/hidal-go/hidalgo/kv/bbolt"
	"github.com/hidal-go/hidalgo/kv/flat"
	hleveldb "github.com/hidal-go/hidalgo/kv/flat/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"
	bolt "go.etcd.io/bbolt"
)

// Backends a Store can run on.
const (
	// BackendBBolt keeps the graph in a single bbolt file inside Config.Path.
	BackendBBolt = "bbolt"
	// BackendLevelDB keeps the graph in a LevelDB directory at Config.Path;
	// it writes faster than bbolt.
	BackendLevelDB = "leveldb"
	// BackendMemstore keeps the graph in memory only; it is lost on Close.
	BackendMemstore = "memstore"
	// BackendPostgres keeps the graph in the PostgreSQL database at
	// Config.Address. Several processes may share it; see SCHEMA.md.
	BackendPostgres = "postgres"
)

// DefaultBackend is used when Config.Backend is empty.
const DefaultBackend = BackendBBolt

// boltFile is the name Cayley's own tools expect inside a bbolt database
// directory, so a graph written here can be inspected with them.
const boltFile = "indexes.bolt"

// defaultLockTimeout bounds the wait for another process's lock on a bbolt
// file; bbolt would otherwise wait forever.
const defaultLockTimeout = 2 * time.Second

var (
	// ErrNotFound is returned when an account or item does not exist.
	ErrNotFound = errors.New("graph: not found")
	// ErrInvalid wraps every rejection of bad input, so callers can route the
	// message to a dead-letter output instead of retrying it.
	ErrInvalid = errors.New("graph: invalid input")
	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("graph: store is closed")
)

// Config selects and locates the database.
type Config struct {
	// Backend is BackendBBolt (default), BackendLevelDB, BackendMemstore
	// or BackendPostgres.
	Backend string
	// Path is the database directory, created when missing. Required for
	// bbolt and leveldb; must be empty for memstore and postgres.
	Path string
	// Address is the connection string of the PostgreSQL database, as a
	// URL ("postgres://user:pass@host:5432/db?sslmode=disable") or as
	// key=value pairs. A search_path parameter selects the schema the
	// graph's tables live in. Required for postgres; must be empty for the
	// other backends.
	Address string
	// NoSync skips the fsync after each commit. Writes get much faster; a
	// power failure may then lose the last commits, but never part of one.
	// For bbolt and leveldb; on postgres the server's synchronous_commit
	// setting decides.
	NoSync bool
	// LockTimeout bounds the wait for a bbolt file locked by another
	// process. Zero means two seconds.
	LockTimeout time.Duration
	// Logger receives operational messages; nil means slog.Default().
	Logger *slog.Logger
}

// Store is the relationship graph. It is safe for concurrent use: writes are
// serialised, and reads see either all or none of a message. On postgres
// several Stores, in one process or many, may share one database; writes
// that touch the same account, person or message are then serialised
// across all of them.
type Store struct {
	cfg Config
	log *slog.Logger

	// mu serialises writes (each of which reads the current state before it
	// decides what to change) and keeps multi-query reads consistent. It
	// also makes memstore, which is not safe for concurrent use, usable.
	mu     sync.RWMutex
	qs     cgraph.QuadStore
	closed bool
	// broken is set when a failed write could not be recovered from.
	broken error
	// pg is a connection pool of its own to the postgres database, for the
	// advisory locks that serialise writers across processes and for exact
	// counts; nil for the other backends.
	pg *sql.DB
}

// Open opens the graph database described by cfg, creating and initialising
// it when it does not exist yet.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cfg.Backend == "" {
		cfg.Backend = DefaultBackend
	}
	if cfg.LockTimeout == 0 {
		cfg.LockTimeout = defaultLockTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	switch cfg.Backend {
	case BackendBBolt, BackendLevelDB, BackendMemstore:
		if cfg.Address != "" {
			return nil, fmt.Errorf("graph: backend %s takes no address, but one was given (the address is for %s)", cfg.Backend, BackendPostgres)
		}
	}
	switch cfg.Backend {
	case BackendBBolt, BackendLevelDB:
		if cfg.Path == "" {
			return nil, fmt.Errorf("graph: backend %s needs a database path", cfg.Backend)
		}
	case BackendMemstore:
		if cfg.Path != "" {
			return nil, fmt.Errorf("graph: backend memstore keeps no files, but path %q was given", cfg.Path)
		}
	case BackendPostgres:
		if cfg.Address == "" {
			return nil, fmt.Errorf("graph: backend postgres needs a database address (postgres://user@host:port/db)")
		}
		if cfg.Path != "" {
			return nil, fmt.Errorf("graph: backend postgres keeps no files, but path %q was given", cfg.Path)
		}
	default:
		return nil, fmt.Errorf("graph: unknown backend %q (want %s, %s, %s or %s)",
			cfg.Backend, BackendBBolt, BackendLevelDB, BackendMemstore, BackendPostgres)
	}
	s := &Store{cfg: cfg, log: cfg.Logger.With("component", "graph", "backend", cfg.Backend)}
	if cfg.Backend == BackendPostgres {
		pg, err := openPostgres(ctx, cfg)
		if err != nil {
			return nil, err
		}
		s.pg = pg
	}
	qs, err := openQuadStore(cfg)
	if err != nil {
		if s.pg != nil {
			s.pg.Close()
		}
		return nil, err
	}
	s.qs = qs
	return s, nil
}

// openQuadStore opens the backend itself rather than through Cayley's
// registry, to set the lock timeout and the sync mode that the registry
// leaves at unsafe defaults.
func openQuadStore(cfg Config) (cgraph.QuadStore, error) {
	if cfg.Backend == BackendPostgres {
		qs, err := cgraph.NewQuadStore(BackendPostgres, cfg.Address, nil)
		if err != nil {
			return nil, fmt.Errorf("graph: open postgres database %s: %w", redactAddress(cfg.Address), err)
		}
		return qs, nil
	}
	if cfg.Backend == BackendMemstore {
		qs, err := cgraph.NewQuadStore(BackendMemstore, "", nil)
		if err != nil {
			return nil, fmt.Errorf("graph: open memstore: %w", err)
		}
		return qs, nil
	}
	if err := os.MkdirAll(cfg.Path, 0o700); err != nil {
		return nil, fmt.Errorf("graph: create database directory: %w", err)
	}
	var (
		db  hkv.KV
		err error
	)
	switch cfg.Backend {
	case BackendBBolt:
		db, err = openBolt(cfg)
	case BackendLevelDB:
		db, err = openLevelDB(cfg)
	}
	if err != nil {
		return nil, err
	}
	// Cayley's kv layer keeps bloom filters of 100 million entries per
	// store (hundreds of MB once written to); the indexes answer the same
	// questions exactly, at a small cost per write.
	opts := cgraph.Options{cayleykv.OptNoBloom: true}
	if err := cayleykv.Init(db, opts); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
		db.Close()
		return nil, fmt.Errorf("graph: initialise %s database at %s: %w", cfg.Backend, cfg.Path, err)
	}
	qs, err := cayleykv.New(db, opts)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("graph: open %s database at %s: %w", cfg.Backend, cfg.Path, err)
	}
	return qs, nil
}

func openBolt(cfg Config) (hkv.KV, error) {
	file := filepath.Join(cfg.Path, boltFile)
	db, err := hbolt.Open(file, &bolt.Options{Timeout: cfg.LockTimeout, NoSync: cfg.NoSync, NoGrowSync: cfg.NoSync})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("graph: open bbolt database %s: still locked by another process after %s", file, cfg.LockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("graph: open bbolt database %s: %w", file, err)
	}
	return db, nil
}

func openLevelDB(cfg Config) (hkv.KV, error) {
	db, err := hleveldb.Open(cfg.Path, &opt.Options{})
	if err != nil {
		return nil, fmt.Errorf("graph: open leveldb database %s: %w", cfg.Path, err)
	}
	db.SetWriteOptions(&opt.WriteOptions{Sync: !cfg.NoSync})
	return flat.Upgrade(db), nil
}

// Close releases the database. Later calls on the Store return ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	if s.qs != nil {
		errs = append(errs, s.qs.Close())
	}
	if s.pg != nil {
		errs = append(errs, s.pg.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("graph: close: %w", err)
	}
	return nil
}

// usable reports why the store cannot serve a call. Callers hold mu.
func (s *Store) usable() error {
	if s.closed {
		return ErrClosed
	}
	if s.broken != nil {
		return fmt.Errorf("graph: store unusable after a failed write: %w", s.broken)
	}
	return nil
}

// recover reopens the database after a failed write. Cayley's kv layer fills
// its node-id cache and index write buffer before it commits, so after a
// rolled-back transaction those may point at data that was never written;
// reopening drops them. Callers hold mu for writing.
//
// The SQL backend needs none of this: its caches map hashes to values, which
// a rollback cannot make wrong.
func (s *Store) recover(cause error) {
	if s.cfg.Backend == BackendMemstore || s.cfg.Backend == BackendPostgres {
		return
	}
	s.log.Warn("reopening graph database after failed write", "error", cause)
	if err := s.qs.Close(); err != nil {
		s.log.Warn("closing graph database after failed write", "error", err)
	}
	qs, err := openQuadStore(s.cfg)
	if err != nil {
		s.qs = nil
		s.broken = fmt.Errorf("%w (reopen failed: %w)", cause, err)
		s.log.Error("graph database unusable", "error", s.broken)
		return
	}
	s.qs = qs
}
