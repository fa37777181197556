package scoring_test

import (
	"fmt"
	"time"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/scoring"
)

// cst is where the test accounts are.
var cst = time.FixedZone("CST", 8*60*60)

// at reads "2025-03-07 10:00" (or "2025-03-07") as a time in cst.
func at(s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) == len(time.DateOnly) {
		layout = time.DateOnly
	}
	t, err := time.ParseInLocation(layout, s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

// account builds AccountFacts as a timeline.
type account struct {
	f   graph.AccountFacts
	seq int
}

// The people of the test accounts.
const (
	wang  = "c-wang"  // 王工, 技术总监
	li    = "c-li"    // 李娜, 采购经理
	zhao  = "c-zhao"  // 赵敏, 项目经理
	chen  = "c-chen"  // 陈总, 总经理
	zhang = "v-zhang" // 张伟, our account manager
	liu   = "v-liu"   // 刘洋, our solution architect
)

func newAccount() *account {
	a := &account{f: graph.AccountFacts{Account: graph.Account{ID: "acct-hengtong", Name: "恒通制造"}}}
	a.person(wang, "王工", "customer", "技术总监")
	a.person(li, "李娜", "customer", "采购经理")
	a.person(zhao, "赵敏", "customer", "项目经理")
	a.person(chen, "陈总", "customer", "总经理")
	a.person(zhang, "张伟", "vendor", "客户经理")
	a.person(liu, "刘洋", "vendor", "解决方案架构师")
	return a
}

func (a *account) person(id, name, side, title string) {
	a.f.People = append(a.f.People, graph.Person{ID: id, Name: name, Side: side, Title: title, Account: a.f.Account.ID})
}

// msg adds a message and returns its id. Participants default to the
// author and our account manager.
func (a *account) msg(when, channel, from, subject string, participants ...string) string {
	a.seq++
	id := fmt.Sprintf("m%03d", a.seq)
	if len(participants) == 0 {
		participants = []string{from, zhang}
	}
	a.f.Interactions = append(a.f.Interactions, graph.Interaction{
		MessageID: id, Channel: channel, OccurredAt: at(when), Subject: subject, From: from, Participants: participants,
	})
	return id
}

// item adds an extracted item to a message.
func (a *account) item(msgID string, typ extract.Type, subtype, party, speaker, text, due string) {
	var when time.Time
	for _, in := range a.f.Interactions {
		if in.MessageID == msgID {
			when = in.OccurredAt
		}
	}
	a.f.Items = append(a.f.Items, graph.ItemFact{
		ID:         fmt.Sprintf("%s#%d", msgID, len(a.f.Items)),
		OccurredAt: when,
		Item: extract.Item{
			MessageID: msgID, AccountID: a.f.Account.ID, Type: typ, Subtype: subtype, Party: party,
			Speaker: speaker, Text: text, Due: due, Confidence: 0.9, Model: "test@1", Field: "body",
		},
	})
}

// act adds an activity event and returns its message id.
func (a *account) act(when, kind, actor, ref string) string {
	id := a.msg(when, "activity", "", "", actor, zhang)
	a.f.Activities = append(a.f.Activities, graph.ActivityFact{MessageID: id, OccurredAt: at(when), Kind: kind, Actor: actor, Ref: ref})
	return id
}

// regular adds a customer message every `every` days from..to, the
// authors taking turns, each answered by us the next day.
func (a *account) regular(from, to string, every int, authors ...string) {
	i := 0
	for d := at(from); !d.After(at(to)); d = d.AddDate(0, 0, every) {
		who := authors[i%len(authors)]
		i++
		a.msg(d.Add(10*time.Hour).Format("2006-01-02 15:04"), "email", who, fmt.Sprintf("例行沟通 第%d期", i))
		a.msg(d.Add(34*time.Hour).Format("2006-01-02 15:04"), "email", zhang, fmt.Sprintf("Re: 例行沟通 第%d期", i), zhang, who)
	}
}

func (a *account) facts() graph.AccountFacts { return a.f }

// kinds lists the kinds of warnings.
func kinds(ws []scoring.Warning) []scoring.Kind {
	out := []scoring.Kind{}
	for _, w := range ws {
		out = append(out, w.Kind)
	}
	return out
}

// find returns the warning of a kind.
func find(ws []scoring.Warning, k scoring.Kind) (scoring.Warning, bool) {
	for _, w := range ws {
		if w.Kind == k {
			return w, true
		}
	}
	return scoring.Warning{}, false
}

// evidenceIDs lists the message ids of a warning's evidence.
func evidenceIDs(w scoring.Warning) []string {
	var ids []string
	for _, e := range w.Evidence {
		ids = append(ids, e.MessageID)
	}
	return ids
}
