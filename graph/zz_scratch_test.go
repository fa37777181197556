package graph

import (
	"context"
	"testing"

	"github.com/cayleygraph/cayley/graph"
	_ "github.com/cayleygraph/cayley/graph/kv/bbolt"
	"github.com/cayleygraph/cayley/query/path"
	_ "github.com/cayleygraph/cayley/writer"
	"github.com/cayleygraph/quad"
)

func TestScratchNetNegative(t *testing.T) {
	dir := t.TempDir()
	if err := graph.InitQuadStore("bbolt", dir, nil); err != nil {
		t.Fatal(err)
	}
	qs, err := graph.NewQuadStore("bbolt", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer qs.Close()
	opts := graph.IgnoreOpts{IgnoreDup: true, IgnoreMissing: true}
	m := quad.IRI("message/m1")
	p := quad.IRI("gx:participant")
	tx := graph.NewTransaction()
	tx.AddQuad(quad.Make(m, p, quad.IRI("person/a"), nil))
	tx.AddQuad(quad.Make(m, p, quad.IRI("person/b"), nil))
	tx.AddQuad(quad.Make(m, p, quad.IRI("person/c"), nil))
	if err := qs.ApplyDeltas(tx.Deltas, opts); err != nil {
		t.Fatal(err)
	}
	tx = graph.NewTransaction()
	tx.RemoveQuad(quad.Make(m, p, quad.IRI("person/a"), nil))
	tx.RemoveQuad(quad.Make(m, p, quad.IRI("person/b"), nil))
	tx.AddQuad(quad.Make(m, p, quad.IRI("person/d"), nil))
	ds := append(tx.Deltas, graph.Delta{Quad: quad.Make(m, p, quad.IRI("person/d"), nil), Action: graph.Add})
	if err := qs.ApplyDeltas(ds, opts); err != nil {
		t.Fatal(err)
	}
	vals, err := path.StartPath(qs, m).Out(p).Iterate(context.Background()).AllValues(qs)
	t.Logf("out: %v err %v", vals, err)
	it := qs.QuadsAllIterator().Iterate()
	for it.Next(context.Background()) {
		q, err := qs.Quad(it.Result())
		t.Logf("quad %v %v", q, err)
	}
	st, _ := qs.Stats(context.Background(), true)
	t.Logf("stats %+v", st)
}
