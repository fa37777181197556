package graph

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
)

func queryAt(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// queryFacts is a small account history: two of our people, three customer
// contacts (one of whom leaves), commitments of both sides, objections and
// activities.
func queryFacts() AccountFacts {
	left := queryAt("2024-06-01T10:00:00+08:00")
	return AccountFacts{
		Account: Account{ID: "ACME", Name: "艾克米科技"},
		People: []Person{
			{ID: "c1", Name: "王芳", Side: "customer", Title: "IT总监", Account: "ACME"},
			{ID: "c2", Name: "张伟", Side: "customer", Title: "采购经理", Account: "ACME"},
			{ID: "c3", Name: "刘洋", Side: "customer", Title: "副总经理", Account: "ACME", LeftAt: &left},
			{ID: "v1", Name: "李雷", Side: "vendor", Title: "客户经理"},
			{ID: "v2", Name: "赵敏", Side: "vendor", Title: "实施顾问"},
		},
		Interactions: []Interaction{
			{MessageID: "m1", Channel: "email", OccurredAt: queryAt("2024-05-06T09:30:00+08:00"), Subject: "报价跟进", From: "v1", Participants: []string{"c2", "v1"}},
			{MessageID: "m2", Channel: "meeting", OccurredAt: queryAt("2024-05-08T14:00:00+08:00"), Subject: "技术交流会", Participants: []string{"c1", "c3", "v1", "v2"}},
			{MessageID: "m3", Channel: "chat", OccurredAt: queryAt("2024-05-10T11:00:00+08:00"), Participants: []string{"c1", "v2"}},
			{MessageID: "m4", Channel: "activity", OccurredAt: queryAt("2024-05-11T08:00:00+08:00"), Participants: []string{"c1"}},
			{MessageID: "m5", Channel: "activity", OccurredAt: queryAt("2024-06-01T10:00:00+08:00"), Participants: []string{"c3"}},
			{MessageID: "m6", Channel: "email", OccurredAt: queryAt("2024-07-01T10:00:00+08:00"), From: "c1", Participants: []string{"c1", "v1"}},
		},
		Items: []ItemFact{
			{ID: "i1", OccurredAt: queryAt("2024-05-06T09:30:00+08:00"), Status: StatusOpen, Item: extract.Item{
				MessageID: "m1", Type: extract.Objection, Subtype: "price", Party: "customer", Speaker: "c2", Text: "价格比预算高了三成", Field: "body", Start: 0, End: 9, Confidence: 0.9}},
			{ID: "i2", OccurredAt: queryAt("2024-05-08T14:00:00+08:00"), Status: StatusOpen, PromisedTo: []string{"c1", "c3"}, Item: extract.Item{
				MessageID: "m2", Type: extract.Commitment, Subtype: "deliver", Party: "vendor", Speaker: "v2", Text: "我们下周五前提供接口文档", Due: "2024-05-17", Field: "body", Start: 3, End: 15, Confidence: 0.8}},
			{ID: "i3", OccurredAt: queryAt("2024-05-08T14:00:00+08:00"), Status: StatusKept, Item: extract.Item{
				MessageID: "m2", Type: extract.Commitment, Party: "vendor", Speaker: "v1", Text: "报价单明天发", Due: "2024-05-09", Field: "body", Start: 20, End: 26, Confidence: 0.8}},
			{ID: "i4", OccurredAt: queryAt("2024-05-10T11:00:00+08:00"), Status: StatusOpen, Item: extract.Item{
				MessageID: "m3", Type: extract.Commitment, Party: "customer", Speaker: "c1", Text: "我这周内安排测试环境", Due: "2024-05-12", Field: "turns[0]", Start: 0, End: 10, Confidence: 0.7}},
			{ID: "i5", OccurredAt: queryAt("2024-05-10T11:00:00+08:00"), Status: StatusOpen, Item: extract.Item{
				MessageID: "m3", Type: extract.Objection, Subtype: "technical", Party: "customer", Speaker: "c1", Text: "接口并发撑不住", Field: "turns[1]", Start: 0, End: 7, Confidence: 0.8}},
			{ID: "i6", OccurredAt: queryAt("2024-05-10T11:00:00+08:00"), Status: StatusAnswered, Item: extract.Item{
				MessageID: "m3", Type: extract.Objection, Subtype: "risk", Party: "customer", Speaker: "c1", Text: "担心数据安全", Field: "turns[2]", Start: 0, End: 6, Confidence: 0.8}},
			{ID: "i7", OccurredAt: queryAt("2024-05-10T11:00:00+08:00"), Status: StatusOpen, Item: extract.Item{
				MessageID: "m3", Type: extract.PainPoint, Subtype: "efficiency", Party: "customer", Speaker: "c1", Text: "每天手工对账两小时", Field: "turns[3]", Start: 0, End: 9, Confidence: 0.8}},
			{ID: "i8", OccurredAt: queryAt("2024-07-01T10:00:00+08:00"), Status: StatusOpen, Item: extract.Item{
				MessageID: "m6", Type: extract.Objection, Subtype: "timing", Party: "customer", Speaker: "c1", Text: "下半年再说", Field: "body", Start: 0, End: 5, Confidence: 0.8}},
		},
		Activities: []ActivityFact{
			{MessageID: "m4", OccurredAt: queryAt("2024-05-11T08:00:00+08:00"), Kind: "attachment_opened", Actor: "c1", Ref: "接口文档v2.pdf"},
			{MessageID: "m5", OccurredAt: queryAt("2024-06-01T10:00:00+08:00"), Kind: "contact_left", Actor: "c3"},
		},
	}
}

func itemIDs(es []ItemEvidence) []string {
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ItemID)
	}
	return ids
}

func TestOpenCommitmentsAsOf(t *testing.T) {
	f := queryFacts()
	tests := []struct {
		name        string
		asOf        time.Time
		want        []string
		overdue     map[string]int // item id → days overdue; absent means not overdue
		wantDaysOld map[string]int
	}{
		{"before anything", queryAt("2024-05-01T00:00:00+08:00"), nil, nil, nil},
		{"due day itself is not overdue", queryAt("2024-05-12T23:00:00+08:00"), []string{"i2", "i4"}, map[string]int{}, map[string]int{"i2": 4, "i4": 2}},
		{"day after due", queryAt("2024-05-13T00:30:00+08:00"), []string{"i2", "i4"}, map[string]int{"i4": 1}, nil},
		// 2024-05-17 16:30 UTC is already 2024-05-18 in China.
		{"days counted in China", queryAt("2024-05-17T16:30:00Z"), []string{"i2", "i4"}, map[string]int{"i2": 1, "i4": 6}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := OpenCommitmentsAsOf(f, tt.asOf)
			assert.Equal(t, tt.want, itemIDs(got))
			for _, e := range got {
				days, late := tt.overdue[e.ItemID]
				if tt.overdue != nil {
					assert.Equal(t, late, e.Overdue, e.ItemID)
					assert.Equal(t, days, e.DaysOverdue, e.ItemID)
				}
				if d, ok := tt.wantDaysOld[e.ItemID]; ok {
					assert.Equal(t, d, e.DaysOpen, e.ItemID)
				}
				assert.Equal(t, extract.Commitment, e.Type)
				// An overdue promise nobody kept is broken as of then.
				if e.Overdue {
					assert.Equal(t, StatusBroken, e.Status)
				} else {
					assert.Equal(t, StatusOpen, e.Status)
				}
			}
		})
	}

	got := OpenCommitmentsAsOf(f, queryAt("2024-05-20T00:00:00+08:00"))
	require.Len(t, got, 2)
	assert.Equal(t, ItemEvidence{
		ItemID: "i2", Type: extract.Commitment, Subtype: "deliver", Party: "vendor",
		Speaker: "v2", SpeakerName: "赵敏", Status: StatusBroken, MessageID: "m2",
		Channel: "meeting", Subject: "技术交流会", OccurredAt: queryAt("2024-05-08T14:00:00+08:00"),
		Quote: "我们下周五前提供接口文档", Field: "body", Start: 3, End: 15, Confidence: 0.8,
		Due: "2024-05-17", Overdue: true, DaysOverdue: 3, PromisedTo: []string{"c1", "c3"}, DaysOpen: 12,
	}, got[0])
}

func TestUnresolvedObjections(t *testing.T) {
	f := queryFacts()
	tests := []struct {
		asOf time.Time
		want []string
	}{
		{queryAt("2024-05-06T09:00:00+08:00"), nil},
		{queryAt("2024-05-06T09:30:00+08:00"), []string{"i1"}},
		{queryAt("2024-06-30T00:00:00+08:00"), []string{"i1", "i5", "i6"}},
		{queryAt("2024-07-02T00:00:00+08:00"), []string{"i1", "i5", "i6", "i8"}},
	}
	for _, tt := range tests {
		t.Run(tt.asOf.String(), func(t *testing.T) {
			got := UnresolvedObjections(f, tt.asOf)
			assert.Equal(t, tt.want, itemIDs(got))
			for _, e := range got {
				assert.NotEmpty(t, e.MessageID)
				assert.NotEmpty(t, e.Quote)
				assert.False(t, e.Overdue)
			}
		})
	}
	assert.Equal(t, []string{"i7"}, itemIDs(OpenPainPoints(f, queryAt("2024-07-02T00:00:00+08:00"))))
}

func TestRoleOf(t *testing.T) {
	tests := []struct {
		title string
		want  ContactRole
	}{
		{"", RoleUser},
		{"运营专员", RoleUser},
		{"IT总监", RoleTechnical},
		{"IT经理", RoleTechnical},
		{"技术总监", RoleTechnical},
		{"高级架构师", RoleTechnical},
		{"Senior Engineer", RoleTechnical},
		{"CTO", RoleDecisionMaker},
		{"集团CIO", RoleDecisionMaker},
		{"总经理", RoleDecisionMaker},
		{"副总裁", RoleDecisionMaker},
		{"VP of Sales", RoleDecisionMaker},
		{"MVP用户", RoleUser},
		{"市场部总监", RoleDecisionMaker},
		{"Head of Operations", RoleDecisionMaker},
		{"采购经理", RoleProcurementFinance},
		{"财务总监", RoleProcurementFinance},
		{"CFO", RoleProcurementFinance},
		{"Procurement Lead", RoleProcurementFinance},
		{"unit manager", RoleUser},
		{"commit作者", RoleUser},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			assert.Equal(t, tt.want, RoleOf(tt.title))
		})
	}
}

func TestContactCoverage(t *testing.T) {
	f := queryFacts()
	tests := []struct {
		name string
		asOf time.Time
		want []Coverage
	}{
		{
			name: "before the departure; no champion yet",
			asOf: queryAt("2024-05-09T00:00:00+08:00"),
			want: []Coverage{
				{ID: "c1", Name: "王芳", Title: "IT总监", Role: RoleTechnical, TitleRole: RoleTechnical, Interactions: 1,
					LastInteraction: queryPtr(queryAt("2024-05-08T14:00:00+08:00")), Via: []PersonRef{{"v1", "李雷"}, {"v2", "赵敏"}}},
				{ID: "c2", Name: "张伟", Title: "采购经理", Role: RoleProcurementFinance, TitleRole: RoleProcurementFinance, Interactions: 1,
					LastInteraction: queryPtr(queryAt("2024-05-06T09:30:00+08:00")), Via: []PersonRef{{"v1", "李雷"}}},
				{ID: "c3", Name: "刘洋", Title: "副总经理", Role: RoleDecisionMaker, TitleRole: RoleDecisionMaker, Interactions: 1,
					LastInteraction: queryPtr(queryAt("2024-05-08T14:00:00+08:00")), Via: []PersonRef{{"v1", "李雷"}, {"v2", "赵敏"}}},
			},
		},
		{
			name: "after: the champion engaged most and committed; contact_left is not an interaction",
			asOf: queryAt("2024-07-02T00:00:00+08:00"),
			want: []Coverage{
				{ID: "c1", Name: "王芳", Title: "IT总监", Role: RoleChampion, TitleRole: RoleTechnical, Interactions: 4,
					LastInteraction: queryPtr(queryAt("2024-07-01T10:00:00+08:00")), Via: []PersonRef{{"v1", "李雷"}, {"v2", "赵敏"}}},
				{ID: "c2", Name: "张伟", Title: "采购经理", Role: RoleProcurementFinance, TitleRole: RoleProcurementFinance, Interactions: 1,
					LastInteraction: queryPtr(queryAt("2024-05-06T09:30:00+08:00")), Via: []PersonRef{{"v1", "李雷"}}},
				{ID: "c3", Name: "刘洋", Title: "副总经理", Role: RoleDecisionMaker, TitleRole: RoleDecisionMaker, Interactions: 1,
					LastInteraction: queryPtr(queryAt("2024-05-08T14:00:00+08:00")), Via: []PersonRef{{"v1", "李雷"}, {"v2", "赵敏"}},
					LeftAt: queryPtr(queryAt("2024-06-01T10:00:00+08:00"))},
			},
		},
		{
			name: "no interactions yet",
			asOf: queryAt("2024-01-01T00:00:00+08:00"),
			want: []Coverage{
				{ID: "c1", Name: "王芳", Title: "IT总监", Role: RoleTechnical, TitleRole: RoleTechnical, Via: []PersonRef{}},
				{ID: "c2", Name: "张伟", Title: "采购经理", Role: RoleProcurementFinance, TitleRole: RoleProcurementFinance, Via: []PersonRef{}},
				{ID: "c3", Name: "刘洋", Title: "副总经理", Role: RoleDecisionMaker, TitleRole: RoleDecisionMaker, Via: []PersonRef{}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ContactCoverage(f, tt.asOf)
			require.Len(t, got, len(tt.want))
			for i := range got {
				assertCoverage(t, tt.want[i], got[i])
			}
		})
	}
}

func assertCoverage(t *testing.T, want, got Coverage) {
	t.Helper()
	assert.Equal(t, want.ID, got.ID)
	assert.Equal(t, want.Role, got.Role, want.ID)
	assert.Equal(t, want.TitleRole, got.TitleRole, want.ID)
	assert.Equal(t, want.Interactions, got.Interactions, want.ID)
	assert.Equal(t, want.Via, got.Via, want.ID)
	assert.Equal(t, want.Name, got.Name)
	assert.Equal(t, want.Title, got.Title)
	assertTimePtr(t, want.LastInteraction, got.LastInteraction)
	assertTimePtr(t, want.LeftAt, got.LeftAt)
}

func assertTimePtr(t *testing.T, want, got *time.Time) {
	t.Helper()
	if want == nil {
		assert.Nil(t, got)
		return
	}
	require.NotNil(t, got)
	assert.True(t, want.Equal(*got), "want %v, got %v", *want, *got)
}

func queryPtr[T any](v T) *T { return &v }

func TestLeftContacts(t *testing.T) {
	f := queryFacts()
	assert.Empty(t, LeftContacts(f, queryAt("2024-05-31T00:00:00+08:00")), "not yet left")

	got := LeftContacts(f, queryAt("2024-07-02T00:00:00+08:00"))
	require.Len(t, got, 1)
	assert.Equal(t, "c3", got[0].ID)
	assert.Equal(t, "ACME", got[0].AccountID)
	assert.Equal(t, "艾克米科技", got[0].AccountName)
	assert.False(t, got[0].Key, "王芳 was more active")

	// Before 王芳 grew ahead, 刘洋 was as active as anyone: key.
	f.People[2].LeftAt = queryPtr(queryAt("2024-05-09T00:00:00+08:00"))
	got = LeftContacts(f, queryAt("2024-05-09T12:00:00+08:00"))
	require.Len(t, got, 1)
	assert.True(t, got[0].Key)
}

func TestTimeline(t *testing.T) {
	f := queryFacts()
	got := Timeline(f, queryAt("2024-06-01T10:00:00+08:00"))
	type ev struct{ kind, msg, item, summary string }
	var evs []ev
	for _, e := range got {
		evs = append(evs, ev{e.Kind, e.MessageID, e.ItemID, e.Summary})
	}
	assert.Equal(t, []ev{
		{EventInteraction, "m1", "", "邮件「报价跟进」：李雷 → 张伟"},
		{EventItem, "m1", "i1", "客户异议（张伟）：价格比预算高了三成"},
		{EventInteraction, "m2", "", "会议「技术交流会」：王芳、刘洋、李雷、赵敏"},
		{EventItem, "m2", "i2", "我方承诺（赵敏）：我们下周五前提供接口文档（截止 2024-05-17） [broken]"},
		{EventItem, "m2", "i3", "我方承诺（李雷）：报价单明天发（截止 2024-05-09） [kept]"},
		{EventInteraction, "m3", "", "聊天：王芳、赵敏"},
		{EventItem, "m3", "i4", "客户承诺（王芳）：我这周内安排测试环境（截止 2024-05-12） [broken]"},
		{EventItem, "m3", "i5", "客户异议（王芳）：接口并发撑不住"},
		{EventItem, "m3", "i6", "客户异议（王芳）：担心数据安全 [answered]"},
		{EventItem, "m3", "i7", "客户痛点（王芳）：每天手工对账两小时"},
		{EventActivity, "m4", "", "王芳 打开了附件：接口文档v2.pdf"},
		{EventActivity, "m5", "", "刘洋 已离职"},
	}, evs)
	for i := 1; i < len(got); i++ {
		assert.False(t, got[i].At.Before(got[i-1].At), "sorted by time")
	}
	assert.Equal(t, extract.Objection, got[1].ItemType)
	assert.Equal(t, "price", got[1].Subtype)
	assert.Equal(t, "customer", got[1].Party)
	assert.Equal(t, "attachment_opened", got[10].Activity)
	assert.Len(t, Timeline(f, queryAt("2024-08-01T00:00:00+08:00")), 14)
}

func TestClipCountsRunes(t *testing.T) {
	assert.Equal(t, "报价", clip("报价", 2))
	assert.Equal(t, "报价单…", clip("报价单明天发", 4))
}

func TestStatuses(t *testing.T) {
	assert.Equal(t, []string{"open", "kept", "broken", "withdrawn"}, Statuses(extract.Commitment))
	assert.Equal(t, []string{"open", "answered", "resolved"}, Statuses(extract.Objection))
	assert.Equal(t, []string{"open", "resolved"}, Statuses(extract.PainPoint))
	assert.Nil(t, Statuses("other"))
	for _, typ := range []extract.Type{extract.Commitment, extract.Objection, extract.PainPoint} {
		for _, s := range Statuses(typ) {
			assert.NoError(t, checkStatus(s))
		}
	}
}

func TestFindItemAndTookPart(t *testing.T) {
	f := queryFacts()
	it, ok := FindItem(f, "i5")
	require.True(t, ok)
	assert.Equal(t, "接口并发撑不住", it.Text)
	_, ok = FindItem(f, "nope")
	assert.False(t, ok)
	assert.True(t, TookPart(f, "v2"))
	assert.True(t, TookPart(f, "c1"))
	assert.False(t, TookPart(f, "v9"))
}
