package graph

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/ingest"
)

// deliveredQuote is a later email of the rep that sends the quote promised
// in m-001 (due 2024-05-10).
func deliveredQuote(t testing.TB) fixture {
	return fixture{msg: ingest.Message{
		ID: "m-007", Channel: ingest.ChannelEmail, Account: acme,
		OccurredAt:   cst(t, "2024-05-09T18:20:00+08:00"),
		Participants: []ingest.Participant{li, wang},
		From:         li.ID,
		Subject:      "报价单",
		Body:         "王总，报价单已经发您邮箱了，请查收。",
	}}
}

func itemOf(t testing.TB, f AccountFacts, messageID string, typ extract.Type) ItemFact {
	t.Helper()
	for _, it := range f.Items {
		if it.MessageID == messageID && it.Type == typ {
			return it
		}
	}
	t.Fatalf("no %s of message %s", typ, messageID)
	return ItemFact{}
}

func TestRecordTransition(t *testing.T) {
	for _, backend := range persistentBackends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			s := openTest(t, backend, dir)
			defer s.Close()
			fs := append(corpus(t), deliveredQuote(t))
			putAll(t, s, fs)
			f, err := s.AccountFacts(ctx, acme.ID)
			require.NoError(t, err)
			promise := itemOf(t, f, "m-001", extract.Commitment)
			price := itemOf(t, f, "m-001", extract.Objection)
			assert.Empty(t, promise.Transitions)

			kept := Transition{
				ItemID: promise.ID, Kind: TransitionKept, MessageID: "m-007",
				At: cst(t, "2024-05-09T18:20:00+08:00"), Evidence: "王总，报价单已经发您邮箱了，请查收。",
			}
			require.NoError(t, s.RecordTransition(ctx, kept))
			before, err := s.Stats(ctx)
			require.NoError(t, err)
			// Idempotent: the same transition again adds nothing.
			require.NoError(t, s.RecordTransition(ctx, kept))
			after, err := s.Stats(ctx)
			require.NoError(t, err)
			assert.Equal(t, before.Quads, after.Quads)

			answered := Transition{
				ItemID: price.ID, Kind: TransitionAnswered, MessageID: "m-002",
				At: cst(t, "2024-05-08T14:00:00+08:00"), Evidence: "王总，张经理，感谢两位抽时间。",
			}
			require.NoError(t, s.RecordTransition(ctx, answered))

			// A re-put of the item's message rewrites the item node; the
			// transitions stay.
			putAll(t, s, fs[:1])
			require.NoError(t, s.Close())
			s = openTest(t, backend, dir)
			f, err = s.AccountFacts(ctx, acme.ID)
			require.NoError(t, err)
			promise = itemOf(t, f, "m-001", extract.Commitment)
			require.Len(t, promise.Transitions, 1)
			got := promise.Transitions[0]
			assert.True(t, kept.At.Equal(got.At))
			got.At = kept.At
			assert.Equal(t, kept, got)
			assert.Equal(t, StatusOpen, promise.Status, "the stored status is left to manual overrides")
			price = itemOf(t, f, "m-001", extract.Objection)
			require.Len(t, price.Transitions, 1)
			assert.Equal(t, TransitionAnswered, price.Transitions[0].Kind)

			assert.Equal(t, StatusOpen, StatusAt(promise, cst(t, "2024-05-09T18:00:00+08:00")), "not kept before the message that kept it")
			assert.Equal(t, StatusKept, StatusAt(promise, cst(t, "2024-05-20T00:00:00+08:00")))
			assert.Equal(t, StatusAnswered, StatusAt(price, cst(t, "2024-05-20T00:00:00+08:00")))

			// Another account's facts do not see it.
			other, err := s.AccountFacts(ctx, beta.ID)
			require.NoError(t, err)
			for _, it := range other.Items {
				assert.Empty(t, it.Transitions)
			}
			require.NoError(t, s.Close())
		})
	}
}

func TestRecordTransitionRejects(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, BackendBBolt, t.TempDir())
	defer s.Close()
	putAll(t, s, append(corpus(t), deliveredQuote(t)))
	f, err := s.AccountFacts(ctx, acme.ID)
	require.NoError(t, err)
	promise := itemOf(t, f, "m-001", extract.Commitment)
	pain := itemOf(t, f, "m-002", extract.PainPoint)
	at := cst(t, "2024-05-09T18:20:00+08:00")
	good := Transition{ItemID: promise.ID, Kind: TransitionKept, MessageID: "m-007", At: at, Evidence: "报价单已经发您邮箱了"}

	tests := []struct {
		name   string
		change func(*Transition)
		want   error
	}{
		{"unknown kind", func(tr *Transition) { tr.Kind = StatusBroken }, ErrInvalid},
		{"kind the type cannot take", func(tr *Transition) { tr.Kind = TransitionAnswered }, ErrInvalid},
		{"pain point kept", func(tr *Transition) { tr.ItemID = pain.ID }, ErrInvalid},
		{"own message", func(tr *Transition) {
			tr.MessageID, tr.At = "m-001", cst(t, "2024-05-06T09:30:00.123456789+08:00")
		}, ErrInvalid},
		{"message of another account", func(tr *Transition) {
			tr.MessageID, tr.At = "b-001", cst(t, "2024-05-07T08:00:00Z")
		}, ErrInvalid},
		{"time not the message's", func(tr *Transition) { tr.At = at.Add(time.Hour) }, ErrInvalid},
		{"no time", func(tr *Transition) { tr.At = time.Time{} }, ErrInvalid},
		{"no evidence", func(tr *Transition) { tr.Evidence = "" }, ErrInvalid},
		{"bad item id", func(tr *Transition) { tr.ItemID = "a b" }, ErrInvalid},
		{"unknown item", func(tr *Transition) { tr.ItemID = "0123456789abcdef0123456789abcdef" }, ErrNotFound},
		{"unknown message", func(tr *Transition) { tr.MessageID = "m-999" }, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := good
			tt.change(&tr)
			assert.ErrorIs(t, s.RecordTransition(ctx, tr), tt.want)
		})
	}
	f, err = s.AccountFacts(ctx, acme.ID)
	require.NoError(t, err)
	for _, it := range f.Items {
		assert.Empty(t, it.Transitions, "nothing written for rejected transitions")
	}
	require.NoError(t, s.RecordTransition(ctx, good))
}

func TestStatusAt(t *testing.T) {
	made := cst(t, "2024-05-06T09:30:00+08:00")
	tr := func(kind, at string) Transition {
		return Transition{ItemID: "x", Kind: kind, MessageID: "m-" + at, At: cst(t, at), Evidence: "…"}
	}
	commitment := func(due string, trs ...Transition) ItemFact {
		return ItemFact{ID: "x", OccurredAt: made, Item: extract.Item{Type: extract.Commitment, Due: due}, Status: StatusOpen, Transitions: trs}
	}
	objection := func(trs ...Transition) ItemFact {
		return ItemFact{ID: "x", OccurredAt: made, Item: extract.Item{Type: extract.Objection}, Status: StatusOpen, Transitions: trs}
	}
	tests := []struct {
		name string
		item ItemFact
		at   string
		want string
	}{
		{"open before due", commitment("2024-05-10"), "2024-05-10T23:00:00+08:00", StatusOpen},
		{"broken the day after due (China)", commitment("2024-05-10"), "2024-05-11T00:10:00+08:00", StatusBroken},
		{"still open at UTC midnight, which is 08:00 on the due day in China", commitment("2024-05-10"), "2024-05-10T00:30:00Z", StatusOpen},
		{"no due never breaks", commitment(""), "2025-01-01T00:00:00+08:00", StatusOpen},
		{"kept on time", commitment("2024-05-10", tr(TransitionKept, "2024-05-09T18:00:00+08:00")), "2024-05-20T00:00:00+08:00", StatusKept},
		{"kept late is kept", commitment("2024-05-10", tr(TransitionKept, "2024-05-15T18:00:00+08:00")), "2024-05-20T00:00:00+08:00", StatusKept},
		{"replay before the late keeping: broken then", commitment("2024-05-10", tr(TransitionKept, "2024-05-15T18:00:00+08:00")), "2024-05-12T00:00:00+08:00", StatusBroken},
		{"withdrawn", commitment("2024-05-10", tr(TransitionWithdrawn, "2024-05-08T10:00:00+08:00")), "2024-05-20T00:00:00+08:00", StatusWithdrawn},
		{"first closing wins", commitment("2024-05-10",
			tr(TransitionKept, "2024-05-09T10:00:00+08:00"), tr(TransitionWithdrawn, "2024-05-08T10:00:00+08:00")), "2024-05-20T00:00:00+08:00", StatusWithdrawn},
		{"before the item was made", commitment("2024-05-01"), "2024-05-05T00:00:00+08:00", StatusOpen},
		{"manual status wins", func() ItemFact { it := commitment("2024-05-10"); it.Status = StatusKept; return it }(), "2024-05-20T00:00:00+08:00", StatusKept},
		{"objection open", objection(), "2024-05-20T00:00:00+08:00", StatusOpen},
		{"objection answered", objection(tr(TransitionAnswered, "2024-05-07T10:00:00+08:00")), "2024-05-20T00:00:00+08:00", StatusAnswered},
		{"objection resolved over answered", objection(
			tr(TransitionAnswered, "2024-05-07T10:00:00+08:00"), tr(TransitionResolved, "2024-05-09T10:00:00+08:00")), "2024-05-20T00:00:00+08:00", StatusResolved},
		{"objection resolved later does not count yet", objection(
			tr(TransitionAnswered, "2024-05-07T10:00:00+08:00"), tr(TransitionResolved, "2024-05-09T10:00:00+08:00")), "2024-05-08T10:00:00+08:00", StatusAnswered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, StatusAt(tt.item, cst(t, tt.at)))
		})
	}
}

func TestClosedBy(t *testing.T) {
	made := cst(t, "2024-05-06T09:30:00+08:00")
	early := Transition{ItemID: "x", Kind: TransitionKept, MessageID: "m-2", At: cst(t, "2024-05-08T10:00:00+08:00"), Evidence: "已发"}
	late := Transition{ItemID: "x", Kind: TransitionKept, MessageID: "m-3", At: cst(t, "2024-05-09T10:00:00+08:00"), Evidence: "已收到"}
	it := ItemFact{ID: "x", OccurredAt: made, Item: extract.Item{Type: extract.Commitment}, Status: StatusOpen, Transitions: []Transition{late, early}}
	got, ok := ClosedBy(it, cst(t, "2024-05-20T00:00:00+08:00"))
	require.True(t, ok)
	assert.Equal(t, "m-2", got.MessageID)
	_, ok = ClosedBy(it, cst(t, "2024-05-07T00:00:00+08:00"))
	assert.False(t, ok)
}
