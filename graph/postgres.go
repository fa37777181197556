package graph

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"slices"
	"strings"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	_ "github.com/cayleygraph/cayley/graph/sql/postgres" // registers the postgres backend
	"github.com/cayleygraph/cayley/query/path"
	"github.com/cayleygraph/quad"
	"github.com/lib/pq"

	"github.com/guanxi-dev/guanxi/extract"
)

// PostgreSQL error codes the writer retries: the database aborted a
// transaction that collided with another one, and running it again works.
const (
	pqDeadlock      = "40P01"
	pqSerialization = "40001"
)

// maxTxAttempts bounds the retries of a write transaction that the database
// aborted as a deadlock victim.
const maxTxAttempts = 5

// initLockKey is the advisory lock held while the tables are created, so
// that instances starting together do not race to create them.
var initLockKey = lockKey("schema")

// openPostgres connects the Store's own pool, checks the database answers,
// and creates Cayley's tables when they are missing.
func openPostgres(ctx context.Context, cfg Config) (*sql.DB, error) {
	where := redactAddress(cfg.Address)
	db, err := sql.Open("postgres", cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("graph: postgres address %s: %w", where, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("graph: connect to postgres database %s: %w", where, err)
	}
	if err := initPostgres(ctx, db, cfg.Address); err != nil {
		db.Close()
		return nil, fmt.Errorf("graph: initialise postgres database %s: %w", where, err)
	}
	return db, nil
}

// initPostgres creates the tables, under an advisory lock so that only one
// of several instances opening an empty database creates them.
func initPostgres(ctx context.Context, db *sql.DB, addr string) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, initLockKey); err != nil {
		return fmt.Errorf("wait for schema lock: %w", err)
	}
	defer func() {
		// A fresh context: the lock must go even when ctx was canceled.
		_, uerr := conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, initLockKey)
		if uerr != nil {
			err = errors.Join(err, fmt.Errorf("release schema lock: %w", uerr))
		}
	}()

	var nodes, quads bool
	err = conn.QueryRowContext(ctx,
		`SELECT to_regclass('nodes') IS NOT NULL, to_regclass('quads') IS NOT NULL`).Scan(&nodes, &quads)
	if err != nil {
		return fmt.Errorf("look for tables: %w", err)
	}
	switch {
	case nodes && quads:
	case nodes || quads:
		return fmt.Errorf("found only one of the tables nodes and quads in the schema: not a graph database, or a damaged one")
	default:
		if err := cgraph.InitQuadStore(BackendPostgres, addr, nil); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
			return fmt.Errorf("create tables: %w", err)
		}
	}
	// Cayley removes unreferenced nodes after every write that removes a
	// quad, with a query on refs that would otherwise scan the whole table.
	_, err = conn.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS nodes_unreferenced ON nodes (hash) WHERE refs <= 0`)
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	return nil
}

// redactAddress names a database address in errors and logs without its
// password.
func redactAddress(addr string) string {
	if u, err := url.Parse(addr); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	// key=value form: keep it only if it holds no password.
	if strings.Contains(addr, "password") {
		return "(address with password)"
	}
	return fmt.Sprintf("%q", addr)
}

// lockKey maps a node to the advisory lock that guards its facts. Two nodes
// that share a key are merely serialised together.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("guanxi/graph/"))
	h.Write([]byte(name))
	return int64(h.Sum64())
}

// lockNodes takes, for the current transaction of a connection of its own,
// the advisory locks of the given nodes: exclusive ones for a writer, shared
// ones for a reader. The returned function releases them. On other backends
// it does nothing: the Store's own mutex is enough within one process.
//
// Every writer takes all its locks in one statement, in ascending key order,
// so writers cannot deadlock on them. Locks held by a process that dies are
// released when its connection drops.
func (s *Store) lockNodes(ctx context.Context, exclusive bool, nodes ...string) (func(), error) {
	if s.pg == nil || len(nodes) == 0 {
		return func() {}, nil
	}
	keys := make([]int64, 0, len(nodes))
	for _, n := range nodes {
		keys = append(keys, lockKey(n))
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	tx, err := s.pg.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin lock transaction: %w", err)
	}
	fn := "pg_advisory_xact_lock"
	if !exclusive {
		fn = "pg_advisory_xact_lock_shared"
	}
	// unnest yields the keys in array order, so they are locked sorted.
	_, err = tx.ExecContext(ctx, `SELECT `+fn+`(k) FROM unnest($1::bigint[]) AS k`, pq.Array(keys))
	if err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("wait for locks of %d nodes: %w", len(keys), err)
	}
	return func() {
		if err := tx.Rollback(); err != nil {
			// The connection is gone, and the locks with it.
			s.log.Warn("releasing graph locks", "error", err)
		}
	}, nil
}

// retryable reports whether the database aborted a transaction only because
// it collided with another one.
func retryable(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Code == pqDeadlock || pe.Code == pqSerialization
	}
	return false
}

// applyDeltas commits deltas in one transaction. On postgres, where
// transactions of writers of different nodes still share rows (the nodes of
// predicates, types and times) and can deadlock on them, an aborted
// transaction is run again.
func (s *Store) applyDeltas(ctx context.Context, deltas []cgraph.Delta) error {
	for attempt := 1; ; attempt++ {
		err := s.qs.ApplyDeltas(deltas, ignoreOpts)
		if err == nil || s.pg == nil || !retryable(err) || attempt == maxTxAttempts {
			return err
		}
		s.log.Debug("retrying graph write after collision", "attempt", attempt, "error", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (gave up retrying: %w)", err, ctx.Err())
		case <-time.After(time.Duration(attempt) * 10 * time.Millisecond):
		}
	}
}

// countQuads counts the quads in the database. Cayley's own count on the SQL
// backend is an estimate, or is cached and blind to other instances' writes.
func (s *Store) countQuads(ctx context.Context) (int64, error) {
	var n int64
	if err := s.pg.QueryRowContext(ctx, `SELECT count(*) FROM quads`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count quads: %w", err)
	}
	return n, nil
}

// openCommitmentsByNodes answers OpenCommitments on the SQL backend. Cayley
// turns the single path query that the other backends answer into SQL that
// is slow and, with many optional saves, loses tags; describing the
// account's nodes needs only indexed lookups by subject.
func (s *Store) openCommitmentsByNodes(ctx context.Context, accountID, party string) ([]Commitment, error) {
	linked, err := path.StartPath(s.qs, accountIRI(accountID)).In(predAccount).Iterate(ctx).AllValues(s.qs)
	if err != nil {
		return nil, fmt.Errorf("find nodes of account: %w", err)
	}
	described, err := s.describeMany(ctx, linked)
	if err != nil {
		return nil, err
	}
	var (
		out      []Commitment
		messages []quad.Value
	)
	for _, v := range linked {
		n := nodeOf(described[v])
		n.subject = v
		if n.str(predType) != string(extract.Commitment) || n.str(predStatus) != StatusOpen ||
			(party != "" && n.str(predParty) != party) {
			continue
		}
		it, err := n.itemFact()
		if err != nil {
			return nil, err
		}
		out = append(out, Commitment{ItemFact: it})
		messages = append(messages, n.first(predMessage))
	}
	msgs, err := s.describeMany(ctx, messages)
	if err != nil {
		return nil, err
	}
	for i := range out {
		n := nodeOf(msgs[messages[i]])
		n.subject = messages[i]
		in, err := n.interaction()
		if err != nil {
			return nil, fmt.Errorf("commitment %s: %w", out[i].ID, err)
		}
		out[i].OccurredAt = in.OccurredAt
		out[i].Message = MessageRef{ID: in.MessageID, Channel: in.Channel, OccurredAt: in.OccurredAt, Subject: in.Subject}
	}
	return out, nil
}
