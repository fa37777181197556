package graph

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/ingest"
)

func TestAccountFacts(t *testing.T) {
	for _, backend := range persistentBackends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			s := openTest(t, backend, t.TempDir())
			defer s.Close()
			fs := corpus(t)
			putAll(t, s, fs)

			f, err := s.AccountFacts(ctx, "ACME")
			require.NoError(t, err)
			assert.Equal(t, Account{ID: "ACME", Name: "艾克米科技"}, f.Account)

			left := cst(t, "2024-05-20T08:00:00Z")
			assert.Equal(t, []Person{
				{ID: "p1", Name: "王芳", Side: "customer", Title: "IT总监", Account: "ACME"},
				{ID: "p2", Name: "张伟", Side: "customer", Title: "采购经理", Account: "ACME", LeftAt: &left},
				{ID: "v1", Name: "李雷", Side: "vendor", Title: "客户经理"},
				{ID: "v2", Name: "赵敏", Side: "vendor"},
			}, f.People, "customer contacts and vendor reps of ACME only")

			var ids []string
			for _, in := range f.Interactions {
				ids = append(ids, in.MessageID)
			}
			assert.Equal(t, []string{"m-001", "m-006", "m-002", "m-003", "m-004", "m-005"}, ids, "interactions in time order")
			assert.Equal(t, Interaction{
				MessageID:    "m-001",
				Channel:      "email",
				OccurredAt:   cst(t, "2024-05-06T01:30:00.123456789Z"),
				Subject:      "报价跟进：第二季度（含税）",
				From:         "v1",
				Participants: []string{"p1", "v1"},
			}, f.Interactions[0])
			assert.Equal(t, Interaction{
				MessageID:    "m-002",
				Channel:      "call",
				OccurredAt:   cst(t, "2024-05-08T06:00:00Z"),
				Participants: []string{"p1", "p2", "v1"},
			}, f.Interactions[2])

			assert.Equal(t, []ActivityFact{
				{MessageID: "m-006", OccurredAt: cst(t, "2024-05-07T01:00:00Z"), Kind: "attachment_opened", Actor: "p1", Ref: "报价单v2.pdf"},
				{MessageID: "m-005", OccurredAt: cst(t, "2024-05-20T08:00:00Z"), Kind: "contact_left", Actor: "p2"},
			}, f.Activities)

			// Items come back exactly as written, in message order, with the
			// time of their message, status open and, for commitments, the
			// other side's participants.
			var want []ItemFact
			for _, fx := range fs[:3] {
				for _, it := range fx.items {
					fact := ItemFact{
						ID:         ItemID(it.MessageID, it.Field, it.Start, it.End, it.Type),
						OccurredAt: fx.msg.OccurredAt.UTC(),
						Item:       it,
						Status:     StatusOpen,
					}
					if it.Type == extract.Commitment {
						for _, p := range fx.msg.Participants {
							if string(p.Side) != it.Party {
								fact.PromisedTo = append(fact.PromisedTo, p.ID)
							}
						}
					}
					want = append(want, fact)
				}
			}
			assert.Equal(t, want, f.Items)
			assert.Equal(t, []string{"p1"}, f.Items[0].PromisedTo)
			assert.Equal(t, []string{"p2"}, f.Items[4].PromisedTo)
			assert.Equal(t, []string{"v1"}, f.Items[2].PromisedTo)

			beta, err := s.AccountFacts(ctx, "BETA")
			require.NoError(t, err)
			require.Len(t, beta.Items, 1)
			assert.Equal(t, "我们明天给您发试点方案。", beta.Items[0].Text)
			require.Len(t, beta.Interactions, 1)
			assert.Equal(t, []Person{
				{ID: "q1", Name: "陈静", Side: "customer", Title: "CTO", Account: "BETA"},
				{ID: "v1", Name: "李雷", Side: "vendor", Title: "客户经理"},
			}, beta.People)

			_, err = s.AccountFacts(ctx, "NOPE")
			assert.ErrorIs(t, err, ErrNotFound)
		})
	}
}

func TestRePutIsIdempotent(t *testing.T) {
	for _, backend := range persistentBackends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			s := openTest(t, backend, t.TempDir())
			defer s.Close()
			fs := corpus(t)
			putAll(t, s, fs)
			before, err := s.Stats(ctx)
			require.NoError(t, err)
			facts, err := s.AccountFacts(ctx, "ACME")
			require.NoError(t, err)

			putAll(t, s, fs)
			putAll(t, s, fs[:2])

			after, err := s.Stats(ctx)
			require.NoError(t, err)
			assert.Equal(t, before, after)
			again, err := s.AccountFacts(ctx, "ACME")
			require.NoError(t, err)
			assert.Equal(t, facts, again)
		})
	}
}

func TestStats(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, BackendBBolt, t.TempDir())
	defer s.Close()
	putAll(t, s, corpus(t))
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{
		"account": 2, "person": 5, "message": 7,
		"commitment": 4, "objection": 1, "pain_point": 1,
	}, st.Nodes)
	assert.Equal(t, int64(expectedQuads(corpus(t))), st.Quads)
}

// expectedQuads counts the quads the schema prescribes for fs.
func expectedQuads(fs []fixture) int {
	n := 0
	accounts := map[string]bool{}
	people := map[string]ingest.Participant{}
	for _, f := range fs {
		m := f.msg
		if !accounts[m.Account.ID] {
			accounts[m.Account.ID] = true
			n += 3 // type, name, updated_at
		}
		for _, p := range m.Participants {
			people[p.ID] = p
		}
		n += 4 + len(m.Participants) // type, account, channel, occurred_at, participants
		if m.Subject != "" {
			n++
		}
		if m.From != "" {
			n++
		}
		if m.Activity != nil {
			n += 2
			if m.Activity.Ref != "" {
				n++
			}
		}
		for _, it := range f.items {
			n += 11 // type, party, message, account, text, confidence, model, field, start, end, status
			for _, s := range []string{it.Subtype, it.Speaker, it.Due} {
				if s != "" {
					n++
				}
			}
			if it.Type == extract.Commitment {
				for _, p := range m.Participants {
					if string(p.Side) != it.Party {
						n++
					}
				}
			}
		}
	}
	for _, p := range people {
		n += 4 // type, name, side, updated_at
		if p.Title != "" {
			n++
		}
		if p.Side == ingest.SideCustomer {
			n++
		}
	}
	return n
}

func TestRePutReplacesChangedFacts(t *testing.T) {
	for _, backend := range persistentBackends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			s := openTest(t, backend, t.TempDir())
			defer s.Close()
			fs := corpus(t)
			putAll(t, s, fs)
			email := fs[0]
			promise := email.items[0]
			promiseID := ItemID(promise.MessageID, promise.Field, promise.Start, promise.End, promise.Type)
			require.NoError(t, s.SetItemStatus(ctx, promiseID, "fulfilled"))

			// A newer model finds the commitment with another confidence and
			// no longer finds the objection; the subject was corrected and a
			// participant was added.
			promise.Confidence, promise.Model = 0.95, "guanxi-items@1.3.0"
			msg := email.msg
			msg.Subject = "报价跟进"
			msg.Participants = append(msg.Participants, zhang)
			require.NoError(t, s.PutMessage(ctx, msg, []extract.Item{promise}))

			f, err := s.AccountFacts(ctx, "ACME")
			require.NoError(t, err)
			assert.Equal(t, "报价跟进", f.Interactions[0].Subject)
			assert.Equal(t, []string{"p1", "p2", "v1"}, f.Interactions[0].Participants)
			var got []ItemFact
			for _, it := range f.Items {
				if it.MessageID == "m-001" {
					got = append(got, it)
				}
			}
			require.Len(t, got, 1, "the objection is gone")
			assert.Equal(t, promiseID, got[0].ID)
			assert.Equal(t, 0.95, got[0].Confidence)
			assert.Equal(t, "guanxi-items@1.3.0", got[0].Model)
			assert.Equal(t, "fulfilled", got[0].Status, "status survives re-extraction")
			assert.Equal(t, []string{"p1", "p2"}, got[0].PromisedTo)

			st, err := s.Stats(ctx)
			require.NoError(t, err)
			fs[0] = fixture{msg, []extract.Item{promise}}
			assert.Equal(t, int64(expectedQuads(fs)), st.Quads)
			assert.Equal(t, int64(0), st.Nodes["objection"])

			// Open again, the commitment comes back once, promised to both
			// customer participants.
			require.NoError(t, s.SetItemStatus(ctx, promiseID, StatusOpen))
			vendor, err := s.OpenCommitments(ctx, "ACME", "vendor")
			require.NoError(t, err)
			require.Len(t, vendor, 2)
			assert.Equal(t, promiseID, vendor[0].ID)
			assert.Equal(t, []string{"p1", "p2"}, vendor[0].PromisedTo)
			assert.Equal(t, "报价跟进", vendor[0].Message.Subject)
		})
	}
}

// A message that loses more participant edges than it gains exercises the
// case where a node is referenced by more removed than added quads.
func TestRePutWithFewerParticipants(t *testing.T) {
	for _, backend := range append(persistentBackends, BackendMemstore) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			dir := ""
			if backend != BackendMemstore {
				dir = t.TempDir()
			}
			s := openTest(t, backend, dir)
			defer s.Close()
			msg := ingest.Message{
				ID: "m-9", Channel: ingest.ChannelMeeting, Account: acme,
				OccurredAt:   cst(t, "2024-06-01T09:00:00Z"),
				Participants: []ingest.Participant{li, zhao, wang, zhang},
				Subject:      "季度回顾",
			}
			require.NoError(t, s.PutMessage(ctx, msg, nil))
			msg.Participants = []ingest.Participant{li}
			require.NoError(t, s.PutMessage(ctx, msg, nil))

			f, err := s.AccountFacts(ctx, "ACME")
			require.NoError(t, err)
			require.Len(t, f.Interactions, 1)
			assert.Equal(t, []string{"v1"}, f.Interactions[0].Participants)
			assert.Equal(t, "季度回顾", f.Interactions[0].Subject)

			msg.Participants = []ingest.Participant{chen}
			msg.Subject = ""
			require.NoError(t, s.PutMessage(ctx, msg, nil))
			f, err = s.AccountFacts(ctx, "ACME")
			require.NoError(t, err)
			assert.Equal(t, []string{"q1"}, f.Interactions[0].Participants)
			assert.Empty(t, f.Interactions[0].Subject)
		})
	}
}

func TestReopen(t *testing.T) {
	for _, backend := range persistentBackends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			s := openTest(t, backend, dir)
			putAll(t, s, corpus(t))
			want, err := s.AccountFacts(ctx, "ACME")
			require.NoError(t, err)
			wantStats, err := s.Stats(ctx)
			require.NoError(t, err)
			require.NoError(t, s.Close())

			s = openTest(t, backend, dir)
			defer s.Close()
			got, err := s.AccountFacts(ctx, "ACME")
			require.NoError(t, err)
			assert.Equal(t, want, got)
			gotStats, err := s.Stats(ctx)
			require.NoError(t, err)
			assert.Equal(t, wantStats, gotStats)
			ok, err := s.HasMessage(ctx, "b-001")
			require.NoError(t, err)
			assert.True(t, ok)

			// The reopened store keeps writing where it left off.
			putAll(t, s, corpus(t))
			again, err := s.Stats(ctx)
			require.NoError(t, err)
			assert.Equal(t, wantStats, again)
		})
	}
}

func TestOpenCommitments(t *testing.T) {
	for _, backend := range persistentBackends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			s := openTest(t, backend, t.TempDir())
			defer s.Close()
			fs := corpus(t)
			putAll(t, s, fs)
			promise, review, fix := fs[0].items[0], fs[1].items[0], fs[2].items[0]

			all, err := s.OpenCommitments(ctx, "ACME", "")
			require.NoError(t, err)
			require.Len(t, all, 3)
			assert.Equal(t, Commitment{
				ItemFact: ItemFact{
					ID:         ItemID("m-001", "body", promise.Start, promise.End, extract.Commitment),
					OccurredAt: cst(t, "2024-05-06T01:30:00.123456789Z"),
					Item:       promise,
					Status:     StatusOpen,
					PromisedTo: []string{"p1"},
				},
				Message: MessageRef{
					ID:         "m-001",
					Channel:    "email",
					OccurredAt: cst(t, "2024-05-06T01:30:00.123456789Z"),
					Subject:    "报价跟进：第二季度（含税）",
				},
			}, all[0])
			assert.Equal(t, review, all[1].Item)
			assert.Equal(t, MessageRef{ID: "m-002", Channel: "call", OccurredAt: cst(t, "2024-05-08T06:00:00Z")}, all[1].Message)
			assert.Equal(t, []string{"v1"}, all[1].PromisedTo)
			assert.Equal(t, fix, all[2].Item)
			assert.Equal(t, "chat", all[2].Message.Channel)

			vendor, err := s.OpenCommitments(ctx, "ACME", "vendor")
			require.NoError(t, err)
			assert.Equal(t, []Commitment{all[0], all[2]}, vendor)
			customer, err := s.OpenCommitments(ctx, "ACME", "customer")
			require.NoError(t, err)
			assert.Equal(t, []Commitment{all[1]}, customer)

			// Only open ones: fulfil the first vendor commitment.
			require.NoError(t, s.SetItemStatus(ctx, all[0].ID, "fulfilled"))
			vendor, err = s.OpenCommitments(ctx, "ACME", "vendor")
			require.NoError(t, err)
			assert.Equal(t, []Commitment{all[2]}, vendor)
			require.NoError(t, s.SetItemStatus(ctx, all[0].ID, StatusOpen))
			vendor, err = s.OpenCommitments(ctx, "ACME", "vendor")
			require.NoError(t, err)
			assert.Len(t, vendor, 2)

			other, err := s.OpenCommitments(ctx, "BETA", "")
			require.NoError(t, err)
			require.Len(t, other, 1)
			assert.Equal(t, "b-001", other[0].Message.ID)

			none, err := s.OpenCommitments(ctx, "NOPE", "")
			require.NoError(t, err)
			assert.Empty(t, none)

			_, err = s.OpenCommitments(ctx, "ACME", "客户")
			assert.ErrorIs(t, err, ErrInvalid)
		})
	}
}

func TestSetItemStatus(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, BackendBBolt, t.TempDir())
	defer s.Close()
	putAll(t, s, corpus(t))
	err := s.SetItemStatus(ctx, "0123456789abcdef0123456789abcdef", "fulfilled")
	assert.ErrorIs(t, err, ErrNotFound)
	err = s.SetItemStatus(ctx, "0123456789abcdef0123456789abcdef", "已完成")
	assert.ErrorIs(t, err, ErrInvalid)
	// Messages are not items.
	err = s.SetItemStatus(ctx, "m-001", "fulfilled")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestTimesRoundTripInUTC(t *testing.T) {
	for _, backend := range persistentBackends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			s := openTest(t, backend, t.TempDir())
			defer s.Close()
			shanghai := time.FixedZone("CST", 8*3600)
			// Within one second of each other: they must stay distinct.
			times := []time.Time{
				time.Date(2024, 3, 1, 9, 0, 0, 100_000_000, shanghai),
				time.Date(2024, 3, 1, 9, 0, 0, 700_000_001, shanghai),
				time.Date(2024, 3, 1, 1, 0, 1, 0, time.UTC),
			}
			for i, at := range times {
				require.NoError(t, s.PutMessage(ctx, ingest.Message{
					ID: fmt.Sprintf("t-%d", i), Channel: ingest.ChannelChat, Account: acme,
					OccurredAt: at, Participants: []ingest.Participant{li},
				}, nil))
			}
			f, err := s.AccountFacts(ctx, "ACME")
			require.NoError(t, err)
			require.Len(t, f.Interactions, len(times))
			for i, in := range f.Interactions {
				assert.Equal(t, fmt.Sprintf("t-%d", i), in.MessageID)
				assert.True(t, times[i].Equal(in.OccurredAt), "%s: got %s want %s", in.MessageID, in.OccurredAt, times[i])
				assert.Equal(t, time.UTC, in.OccurredAt.Location())
				assert.Equal(t, times[i].UTC(), in.OccurredAt)
			}
		})
	}
}

func TestChineseTextRoundTrips(t *testing.T) {
	texts := []string{
		"我们保证下周三（5月15日）之前完成部署！",
		"“这个价格我们真的接受不了”——采购部",
		"贵司的 SaaS 方案在 SLA 上只有 99.9%，我们需要 99.99%；能否调整？",
		"老板说：先试用一个月😅，再决定。",
		"第一行\n第二行\t带制表符",
		`反斜杠\和"引号"以及<尖括号>`,
		"ｆｕｌｌ－ｗｉｄｔｈ　ＡＳＣＩＩ　和全角空格",
		"é́ 组合字符",
	}
	for _, backend := range persistentBackends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			s := openTest(t, backend, dir)
			for i, text := range texts {
				msg := ingest.Message{
					ID: fmt.Sprintf("c-%d", i), Channel: ingest.ChannelEmail, Account: ingest.Account{ID: "客户-甲", Name: "甲公司（华东）"},
					OccurredAt:   time.Date(2024, 4, 1, 0, i, 0, 0, time.UTC),
					Participants: []ingest.Participant{li, {ID: "联系人-1", Name: "欧阳娜娜", Side: ingest.SideCustomer}},
					From:         "联系人-1", Subject: text, Body: text,
				}
				it := item(t, msg, extract.Commitment, ingest.SideCustomer, "联系人-1", "body", msg.Body, text)
				require.NoError(t, s.PutMessage(ctx, msg, []extract.Item{it}))
			}
			require.NoError(t, s.Close())

			s = openTest(t, backend, dir)
			defer s.Close()
			f, err := s.AccountFacts(ctx, "客户-甲")
			require.NoError(t, err)
			assert.Equal(t, "甲公司（华东）", f.Account.Name)
			require.Len(t, f.Items, len(texts))
			for i, it := range f.Items {
				assert.Equal(t, texts[i], it.Text)
				assert.Equal(t, texts[i], f.Interactions[i].Subject)
				assert.Equal(t, "联系人-1", it.Speaker)
			}
			assert.Equal(t, "欧阳娜娜", f.People[1].Name)
			open, err := s.OpenCommitments(ctx, "客户-甲", "customer")
			require.NoError(t, err)
			require.Len(t, open, len(texts))
			for i, c := range open {
				assert.Equal(t, texts[i], c.Text)
				assert.Equal(t, texts[i], c.Message.Subject)
			}
		})
	}
}

func TestPersonAttributesNewestWins(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, BackendLevelDB, t.TempDir())
	defer s.Close()
	msg := func(id, at string, p ingest.Participant, acc ingest.Account) ingest.Message {
		return ingest.Message{
			ID: id, Channel: ingest.ChannelChat, Account: acc, OccurredAt: cst(t, at),
			Participants: []ingest.Participant{p, li},
		}
	}
	person := func(id string) Person {
		t.Helper()
		f, err := s.AccountFacts(ctx, "ACME")
		require.NoError(t, err)
		for _, p := range f.People {
			if p.ID == id {
				return p
			}
		}
		t.Fatalf("no person %s", id)
		return Person{}
	}
	noTitle := wang
	noTitle.Title = ""
	require.NoError(t, s.PutMessage(ctx, msg("a", "2024-05-01T00:00:00Z", noTitle, acme), nil))
	assert.Equal(t, Person{ID: "p1", Name: "王芳", Side: "customer", Account: "ACME"}, person("p1"))

	// An older message fills in the missing title.
	require.NoError(t, s.PutMessage(ctx, msg("b", "2024-04-01T00:00:00Z", wang, acme), nil))
	assert.Equal(t, "IT总监", person("p1").Title)

	// A newer message changes it; replaying an older one does not undo that.
	promoted := wang
	promoted.Title = "CIO"
	require.NoError(t, s.PutMessage(ctx, msg("c", "2024-06-01T00:00:00Z", promoted, acme), nil))
	require.NoError(t, s.PutMessage(ctx, msg("b", "2024-04-01T00:00:00Z", wang, acme), nil))
	assert.Equal(t, "CIO", person("p1").Title)

	// A newer message without a title keeps it; the account name likewise.
	require.NoError(t, s.PutMessage(ctx, msg("d", "2024-07-01T00:00:00Z", noTitle, ingest.Account{ID: "ACME"}), nil))
	assert.Equal(t, "CIO", person("p1").Title)
	accounts, err := s.Accounts(ctx)
	require.NoError(t, err)
	assert.Equal(t, []Account{{ID: "ACME", Name: "艾克米科技"}}, accounts)

	// Exactly one value per attribute is stored.
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	// account 3; p1 type,name,side,title,account,updated_at = 6; v1 5;
	// four chat messages with two participants = 4×6.
	assert.Equal(t, int64(3+6+5+4*6), st.Quads)
}

func TestAccountsAndHasMessage(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, BackendBBolt, t.TempDir())
	defer s.Close()
	accounts, err := s.Accounts(ctx)
	require.NoError(t, err)
	assert.Empty(t, accounts)
	ok, err := s.HasMessage(ctx, "m-001")
	require.NoError(t, err)
	assert.False(t, ok)

	putAll(t, s, corpus(t))
	accounts, err = s.Accounts(ctx)
	require.NoError(t, err)
	assert.Equal(t, []Account{{ID: "ACME", Name: "艾克米科技"}, {ID: "BETA", Name: "贝塔物流"}}, accounts)
	for id, want := range map[string]bool{"m-001": true, "m-005": true, "b-001": true, "m-404": false, "ACME": false, "p1": false} {
		ok, err := s.HasMessage(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, want, ok, id)
	}
}

func TestInvalidInputIsRejectedWhole(t *testing.T) {
	good := corpus(t)[0]
	cases := []struct {
		name string
		edit func(*ingest.Message, []extract.Item) []extract.Item
		want string
	}{
		{"empty message id", func(m *ingest.Message, it []extract.Item) []extract.Item { m.ID = ""; return it }, "message id: empty id"},
		{"space in account id", func(m *ingest.Message, it []extract.Item) []extract.Item { m.Account.ID = "AC ME"; return it }, "account id"},
		{"no time", func(m *ingest.Message, it []extract.Item) []extract.Item { m.OccurredAt = time.Time{}; return it }, "no occurred_at"},
		{"no channel", func(m *ingest.Message, it []extract.Item) []extract.Item { m.Channel = ""; return it }, "no channel"},
		{"bad side", func(m *ingest.Message, it []extract.Item) []extract.Item {
			m.Participants = []ingest.Participant{li, {ID: "p1", Name: "王芳", Side: "客户"}}
			return it
		}, `side "客户"`},
		{"duplicate participant", func(m *ingest.Message, it []extract.Item) []extract.Item {
			m.Participants = []ingest.Participant{li, wang, wang}
			return it
		}, "listed twice"},
		{"from is a stranger", func(m *ingest.Message, it []extract.Item) []extract.Item { m.From = "x9"; return it }, `from "x9"`},
		{"activity without actor", func(m *ingest.Message, it []extract.Item) []extract.Item {
			m.Activity = &ingest.Activity{Kind: ingest.ActivityEmailOpened}
			return it
		}, "activity actor"},
		{"item of another message", func(m *ingest.Message, it []extract.Item) []extract.Item { it[1].MessageID = "m-002"; return it }, "items[1]: message_id"},
		{"item of another account", func(m *ingest.Message, it []extract.Item) []extract.Item { it[0].AccountID = "BETA"; return it }, "account_id"},
		{"unknown type", func(m *ingest.Message, it []extract.Item) []extract.Item { it[0].Type = "promise"; return it }, `unknown type "promise"`},
		{"unknown party", func(m *ingest.Message, it []extract.Item) []extract.Item { it[0].Party = "both"; return it }, `party "both"`},
		{"stranger speaks", func(m *ingest.Message, it []extract.Item) []extract.Item { it[0].Speaker = "x9"; return it }, `speaker "x9"`},
		{"byte offsets", func(m *ingest.Message, it []extract.Item) []extract.Item {
			it[0].End = it[0].Start + len(it[0].Text)
			return it
		}, "covers 39 runes but text has 13"},
		{"negative start", func(m *ingest.Message, it []extract.Item) []extract.Item { it[0].Start = -1; return it }, "bad span"},
		{"bad due", func(m *ingest.Message, it []extract.Item) []extract.Item { it[0].Due = "5月10日"; return it }, "not YYYY-MM-DD"},
		{"confidence", func(m *ingest.Message, it []extract.Item) []extract.Item { it[0].Confidence = 1.5; return it }, "confidence 1.5"},
		{"model without version", func(m *ingest.Message, it []extract.Item) []extract.Item { it[0].Model = "guanxi-items"; return it }, "name@version"},
		{"no field", func(m *ingest.Message, it []extract.Item) []extract.Item { it[0].Field = ""; return it }, "no field"},
		{"conflicting duplicate", func(m *ingest.Message, it []extract.Item) []extract.Item {
			dup := it[0]
			dup.Confidence = 0.1
			return append(it, dup)
		}, "different content"},
	}
	ctx := context.Background()
	s := openTest(t, BackendBBolt, t.TempDir())
	defer s.Close()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := good.msg
			msg.Participants = append([]ingest.Participant(nil), good.msg.Participants...)
			items := tc.edit(&msg, append([]extract.Item(nil), good.items...))
			err := s.PutMessage(ctx, msg, items)
			require.ErrorIs(t, err, ErrInvalid)
			assert.ErrorContains(t, err, tc.want)
			st, err := s.Stats(ctx)
			require.NoError(t, err)
			assert.Zero(t, st.Quads, "nothing of a rejected message is written")
		})
	}

	// Identical duplicates collapse into one item.
	items := append(append([]extract.Item(nil), good.items...), good.items[0])
	require.NoError(t, s.PutMessage(ctx, good.msg, items))
	f, err := s.AccountFacts(ctx, "ACME")
	require.NoError(t, err)
	assert.Len(t, f.Items, 2)
}

func TestOpenConfig(t *testing.T) {
	ctx := context.Background()
	_, err := Open(ctx, Config{Backend: "badger", Path: t.TempDir()})
	assert.ErrorContains(t, err, `unknown backend "badger"`)
	_, err = Open(ctx, Config{Backend: BackendLevelDB})
	assert.ErrorContains(t, err, "needs a database path")
	_, err = Open(ctx, Config{Backend: BackendMemstore, Path: t.TempDir()})
	assert.ErrorContains(t, err, "keeps no files")

	// The default backend is bbolt, on disk, created with missing parents.
	dir := t.TempDir() + "/nested/graph"
	s, err := Open(ctx, Config{Path: dir})
	require.NoError(t, err)
	assert.FileExists(t, dir+"/"+boltFile)

	// A second opener of a locked bbolt database fails instead of hanging.
	_, err = Open(ctx, Config{Path: dir, LockTimeout: 50 * time.Millisecond})
	assert.ErrorContains(t, err, "locked by another process")
	require.NoError(t, s.Close())

	ldir := t.TempDir()
	l := openTest(t, BackendLevelDB, ldir)
	_, err = Open(ctx, Config{Backend: BackendLevelDB, Path: ldir})
	assert.Error(t, err, "leveldb is locked too")
	require.NoError(t, l.Close())
}

func TestClosedStore(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, BackendMemstore, "")
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close is idempotent")
	f := corpus(t)[0]
	assert.ErrorIs(t, s.PutMessage(ctx, f.msg, f.items), ErrClosed)
	_, err := s.HasMessage(ctx, "m-001")
	assert.ErrorIs(t, err, ErrClosed)
	_, err = s.Accounts(ctx)
	assert.ErrorIs(t, err, ErrClosed)
	_, err = s.AccountFacts(ctx, "ACME")
	assert.ErrorIs(t, err, ErrClosed)
	_, err = s.OpenCommitments(ctx, "ACME", "")
	assert.ErrorIs(t, err, ErrClosed)
	_, err = s.Stats(ctx)
	assert.ErrorIs(t, err, ErrClosed)
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := openTest(t, BackendMemstore, "")
	defer s.Close()
	f := corpus(t)[0]
	assert.ErrorIs(t, s.PutMessage(ctx, f.msg, f.items), context.Canceled)
	_, err := Open(ctx, Config{Backend: BackendMemstore})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestConcurrentUse(t *testing.T) {
	for _, backend := range persistentBackends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			s := openTest(t, backend, t.TempDir())
			defer s.Close()
			fs := corpus(t)
			var wg sync.WaitGroup
			errs := make(chan error, 64)
			for w := 0; w < 4; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i, f := range fs {
						msg := f.msg
						msg.ID = fmt.Sprintf("%s-w%d", msg.ID, w)
						items := append([]extract.Item(nil), f.items...)
						for j := range items {
							items[j].MessageID = msg.ID
						}
						if err := s.PutMessage(ctx, msg, items); err != nil {
							errs <- err
							return
						}
						if i%2 == 0 {
							if _, err := s.AccountFacts(ctx, "ACME"); err != nil {
								errs <- err
								return
							}
						}
					}
				}(w)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			f, err := s.AccountFacts(ctx, "ACME")
			require.NoError(t, err)
			assert.Len(t, f.Interactions, 4*6)
			assert.Len(t, f.Items, 4*5)
			open, err := s.OpenCommitments(ctx, "ACME", "")
			require.NoError(t, err)
			assert.Len(t, open, 4*3)
		})
	}
}

func TestItemID(t *testing.T) {
	base := ItemID("m-001", "body", 3, 16, extract.Commitment)
	assert.Len(t, base, 32)
	assert.Equal(t, base, ItemID("m-001", "body", 3, 16, extract.Commitment))
	for _, other := range []string{
		ItemID("m-002", "body", 3, 16, extract.Commitment),
		ItemID("m-001", "subject", 3, 16, extract.Commitment),
		ItemID("m-001", "body", 4, 16, extract.Commitment),
		ItemID("m-001", "body", 3, 17, extract.Commitment),
		ItemID("m-001", "body", 3, 16, extract.Objection),
		ItemID("m-001", "body3", 1, 16, extract.Commitment),
	} {
		assert.NotEqual(t, base, other)
	}
}

func TestRecoverAfterFailedWrite(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTest(t, BackendBBolt, dir)
	defer s.Close()
	fs := corpus(t)
	putAll(t, s, fs[:3])

	// Reopening drops the kv layer's caches and keeps the data.
	s.mu.Lock()
	s.recover(errors.New("simulated commit failure"))
	s.mu.Unlock()
	putAll(t, s, fs[3:])
	f, err := s.AccountFacts(ctx, "ACME")
	require.NoError(t, err)
	assert.Len(t, f.Interactions, 6)
	assert.Len(t, f.Items, 5)

	// When the database cannot be reopened, the store says so on every call.
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.WriteFile(dir, []byte("not a directory"), 0o600))
	s.mu.Lock()
	s.recover(errors.New("simulated commit failure"))
	s.mu.Unlock()
	_, err = s.Stats(ctx)
	assert.ErrorContains(t, err, "unusable after a failed write")
	assert.ErrorContains(t, s.PutMessage(ctx, fs[0].msg, fs[0].items), "simulated commit failure")
}
