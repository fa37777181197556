package graph

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/ingest"
)

// postgresEnv names the variable that holds the address of a PostgreSQL
// database the tests may create schemas in; scripts/postgres.sh provides one.
const postgresEnv = "GUANXI_TEST_POSTGRES"

// postgresSchemas maps a test's directory to the address of its schema.
var postgresSchemas sync.Map

// postgresAddress returns the address of a schema of its own for dir,
// created on first use and dropped when the test that created it ends.
// Without a database the test fails under CI, where the test command starts
// one, and is skipped elsewhere.
func postgresAddress(t testing.TB, dir string) string {
	t.Helper()
	base := os.Getenv(postgresEnv)
	if base == "" {
		msg := postgresEnv + " is not set: run `export " + postgresEnv + "=$(scripts/postgres.sh)` (or `make test`) to test the postgres backend"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if addr, ok := postgresSchemas.Load(dir); ok {
		return addr.(string)
	}
	sum := sha256.Sum256([]byte(dir))
	schema := fmt.Sprintf("gx_test_%d_%s", os.Getpid(), hex.EncodeToString(sum[:6]))
	admin, err := sql.Open("postgres", base)
	require.NoError(t, err)
	defer admin.Close()
	_, err = admin.Exec(`DROP SCHEMA IF EXISTS ` + pq.QuoteIdentifier(schema) + ` CASCADE`)
	require.NoError(t, err, "clear test schema in %s", redactAddress(base))
	_, err = admin.Exec(`CREATE SCHEMA ` + pq.QuoteIdentifier(schema))
	require.NoError(t, err, "create test schema in %s", redactAddress(base))
	t.Cleanup(func() {
		postgresSchemas.Delete(dir)
		db, err := sql.Open("postgres", base)
		if err != nil {
			t.Errorf("drop test schema: %v", err)
			return
		}
		defer db.Close()
		if _, err := db.Exec(`DROP SCHEMA ` + pq.QuoteIdentifier(schema) + ` CASCADE`); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	addr := withSearchPath(t, base, schema)
	postgresSchemas.Store(dir, addr)
	return addr
}

// withSearchPath points an address, URL or key=value form, at a schema.
func withSearchPath(t testing.TB, addr, schema string) string {
	t.Helper()
	if strings.HasPrefix(addr, "postgres://") || strings.HasPrefix(addr, "postgresql://") {
		u, err := url.Parse(addr)
		require.NoError(t, err)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return addr + " search_path=" + schema
}

func TestPostgresConfig(t *testing.T) {
	ctx := context.Background()
	_, err := Open(ctx, Config{Backend: BackendPostgres})
	assert.ErrorContains(t, err, "needs a database address")
	_, err = Open(ctx, Config{Backend: BackendPostgres, Address: "postgres://127.0.0.1/x", Path: t.TempDir()})
	assert.ErrorContains(t, err, "keeps no files")
	_, err = Open(ctx, Config{Backend: BackendBBolt, Path: t.TempDir(), Address: "postgres://127.0.0.1/x"})
	assert.ErrorContains(t, err, "takes no address")

	// Nothing listens on port 1; the error names the database, not the
	// password.
	_, err = Open(ctx, Config{Backend: BackendPostgres, Address: "postgres://gx:s3cret@127.0.0.1:1/graph?sslmode=disable&connect_timeout=5"})
	require.Error(t, err)
	assert.ErrorContains(t, err, "connect to postgres database postgres://gx:xxxxx@127.0.0.1:1/graph")
	assert.NotContains(t, err.Error(), "s3cret")
	_, err = Open(ctx, Config{Backend: BackendPostgres, Address: "host=127.0.0.1 port=1 password=s3cret sslmode=disable"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")
}

// Instances that start together on an empty database create the tables
// once and all open it.
func TestPostgresConcurrentOpen(t *testing.T) {
	addr := postgresAddress(t, t.TempDir())
	ctx := context.Background()
	stores := make([]*Store, 4)
	errs := make([]error, len(stores))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() {
			stores[i], errs[i] = Open(ctx, Config{Backend: BackendPostgres, Address: addr})
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "store %d", i)
		defer stores[i].Close()
	}
	f := corpus(t)[0]
	require.NoError(t, stores[0].PutMessage(ctx, f.msg, f.items))
	for _, s := range stores {
		ok, err := s.HasMessage(ctx, f.msg.ID)
		require.NoError(t, err)
		assert.True(t, ok, "every instance sees what one wrote")
	}
}

// history is a corpus for concurrent writers: the fixed corpus plus a
// generated history of both accounts. People keep their attributes and
// messages have distinct times, so the result does not depend on the order
// of the writes.
func history(t testing.TB) []fixture {
	fs := corpus(t)
	base := cst(t, "2024-06-01T00:00:00Z")
	for i := range 60 {
		acc, people := acme, []ingest.Participant{li, wang, zhang, zhao}
		if i%3 == 2 {
			acc, people = beta, []ingest.Participant{li, chen}
		}
		// Rotate who takes part, so people lose and gain messages.
		people = people[:2+i%(len(people)-1)]
		body := fmt.Sprintf("第%d次沟通：我们下周%d前给您答复。", i, i%7+1)
		msg := ingest.Message{
			ID: fmt.Sprintf("h-%02d", i), Channel: ingest.ChannelChat, Account: acc,
			// Out of time order, seconds apart, some within one second.
			OccurredAt:   base.Add(time.Duration((i*37)%60)*time.Second + time.Duration(i)*time.Millisecond),
			Participants: people,
			From:         li.ID,
			Body:         body,
		}
		promise := item(t, msg, extract.Commitment, ingest.SideVendor, li.ID, "body", body, fmt.Sprintf("我们下周%d前给您答复。", i%7+1))
		fs = append(fs, fixture{msg, []extract.Item{promise}})
	}
	return fs
}

// Two pipeline instances, each with its own Store and connections, write
// interleaved messages of the same accounts and people, and both put some
// messages again. The graph ends up exactly as one writer would leave it.
func TestPostgresTwoInstances(t *testing.T) {
	ctx := context.Background()
	fs := history(t)

	single := openTest(t, BackendPostgres, t.TempDir())
	defer single.Close()
	putAll(t, single, fs)

	dir := t.TempDir()
	instances := []*Store{openTest(t, BackendPostgres, dir), openTest(t, BackendPostgres, dir)}
	// Give the other instance time to read the same nodes before this one
	// writes: without the locks across instances, people would end up with
	// two names or times, and re-put messages with stale facts.
	testHookAfterPlan = func() { time.Sleep(2 * time.Millisecond) }
	t.Cleanup(func() { testHookAfterPlan = nil })
	for _, s := range instances {
		defer s.Close()
	}
	// Two writers per instance. Each takes every second message of its
	// instance's half, in its own shuffled order, and all of them put the
	// fixed corpus too, so the same messages are written concurrently.
	const writers = 4
	work := make([][]fixture, writers)
	for i, f := range fs {
		work[i%writers] = append(work[i%writers], f)
	}
	for w := range work {
		work[w] = append(work[w], corpus(t)...)
		r := rand.New(rand.NewPCG(uint64(w), 7))
		r.Shuffle(len(work[w]), func(i, j int) { work[w][i], work[w][j] = work[w][j], work[w][i] })
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		s := instances[w%len(instances)]
		wg.Go(func() {
			for _, f := range work[w] {
				if err := s.PutMessage(ctx, f.msg, f.items); err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	want, err := single.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(expectedQuads(fs)), want.Quads, "the single writer writes every fact once")
	for _, account := range []string{"ACME", "BETA"} {
		wantFacts, err := single.AccountFacts(ctx, account)
		require.NoError(t, err)
		for i, s := range instances {
			got, err := s.AccountFacts(ctx, account)
			require.NoError(t, err)
			assert.Equal(t, wantFacts, got, "instance %d, account %s", i, account)
		}
	}
	for i, s := range instances {
		got, err := s.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got, "instance %d: every fact exactly once", i)
	}
}

// A status set by one instance survives another instance putting the
// item's message again, whichever comes first.
func TestPostgresStatusAcrossInstances(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, b := openTest(t, BackendPostgres, dir), openTest(t, BackendPostgres, dir)
	defer a.Close()
	defer b.Close()
	f := corpus(t)[0]
	require.NoError(t, a.PutMessage(ctx, f.msg, f.items))
	promise := f.items[0]
	id := ItemID(promise.MessageID, promise.Field, promise.Start, promise.End, promise.Type)

	testHookAfterPlan = func() { time.Sleep(time.Millisecond) }
	t.Cleanup(func() { testHookAfterPlan = nil })
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	wg.Go(func() {
		for range 20 {
			errs <- b.PutMessage(ctx, f.msg, f.items)
		}
	})
	wg.Go(func() {
		for range 20 {
			errs <- a.SetItemStatus(ctx, id, "fulfilled")
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for _, s := range []*Store{a, b} {
		open, err := s.OpenCommitments(ctx, "ACME", "vendor")
		require.NoError(t, err)
		assert.Empty(t, open, "the commitment is fulfilled")
		st, err := s.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(expectedQuads([]fixture{f})), st.Quads, "one status, no duplicates")
	}
}

// Two instances put messages about the same new account and person at the
// same moment: each reads the graph before the other writes. The second
// must wait for the first, or the person would get two update times and the
// account two names.
func TestPostgresWritersOfOneNode(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, b := openTest(t, BackendPostgres, dir), openTest(t, BackendPostgres, dir)
	defer a.Close()
	defer b.Close()

	// Each writer waits after reading until the other has read too, or
	// until it is clear the other cannot read before this one writes.
	var planned sync.WaitGroup
	planned.Add(2)
	testHookAfterPlan = func() {
		planned.Done()
		done := make(chan struct{})
		go func() { planned.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(300 * time.Millisecond):
		}
	}
	t.Cleanup(func() { testHookAfterPlan = nil })

	msg := func(id, at, account string) ingest.Message {
		return ingest.Message{
			ID: id, Channel: ingest.ChannelChat, OccurredAt: cst(t, at),
			Account:      ingest.Account{ID: "GAMMA", Name: account},
			Participants: []ingest.Participant{li, {ID: "g1", Name: "孙丽", Side: ingest.SideCustomer}},
		}
	}
	first, second := msg("g-1", "2024-07-01T00:00:00Z", "伽马科技"), msg("g-2", "2024-07-02T00:00:00Z", "伽马科技（集团）")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { errs[0] = a.PutMessage(ctx, first, nil) })
	wg.Go(func() { errs[1] = b.PutMessage(ctx, second, nil) })
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])

	for _, s := range []*Store{a, b} {
		f, err := s.AccountFacts(ctx, "GAMMA")
		require.NoError(t, err)
		assert.Equal(t, "伽马科技（集团）", f.Account.Name, "the newer message's name")
		st, err := s.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(expectedQuads([]fixture{{msg: first}, {msg: second}})), st.Quads, "one value per attribute")
	}
}
