package api

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/scoring"
)

func TestIsCommercial(t *testing.T) {
	tests := []struct {
		typ     extract.Type
		subtype string
		want    bool
	}{
		{extract.Objection, "price", true},
		{extract.Objection, "terms", true},
		{extract.Objection, "payment", true},
		{extract.Objection, "cost", true},
		{extract.Objection, "competitor", true},
		{extract.Objection, "technical", false},
		{extract.Objection, "risk", false},
		{extract.Objection, "", false},
		{extract.Commitment, "payment", true},
		{extract.Commitment, "deliver", false},
		{extract.PainPoint, "cost", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, isCommercial(tt.typ, tt.subtype), "%s/%s", tt.typ, tt.subtype)
	}
}

func testReport() (graph.AccountFacts, report) {
	f := graph.AccountFacts{Items: []graph.ItemFact{
		{ID: "i1", Item: extract.Item{Type: extract.Objection, Subtype: "price", Text: "太贵了"}},
		{ID: "i2", Item: extract.Item{Type: extract.Objection, Subtype: "technical", Text: "接口不稳定"}},
	}}
	r := report{
		Score: newScoreView(scoring.Score{Technical: 70, Commercial: 30, Emotional: 60, AtRisk: true, Evidence: []scoring.Evidence{
			{Dimension: scoring.Commercial, MessageID: "m1", Quote: "太贵了", Signal: "objection_price", Delta: -6},
			{Dimension: scoring.Technical, MessageID: "m2", Quote: "接口不稳定", Signal: "objection_technical", Delta: -7},
			{Dimension: scoring.Emotional, MessageID: "m1", Quote: "太贵了", Signal: "cold_tone", Delta: -4},
		}}),
		Warnings: []scoring.Warning{
			{Kind: scoring.CommercialSensitivity, Severity: scoring.SeverityHigh, Evidence: []scoring.Evidence{{MessageID: "m1", Quote: "太贵了"}}},
			{Kind: scoring.UnresolvedObjection, Severity: scoring.SeverityMedium, Message: "客户说“太贵了”和“接口不稳定”，请跟进。",
				Evidence: []scoring.Evidence{{MessageID: "m1", Quote: "太贵了"}, {MessageID: "m2", Quote: "接口不稳定"}}},
			{Kind: scoring.OverdueCommitment, Severity: scoring.SeverityLow, Evidence: []scoring.Evidence{{MessageID: "m1", Quote: "太贵了"}}},
			{Kind: scoring.GoingDark, Severity: scoring.SeverityLow, Since: time.Unix(0, 0)},
		},
		Objections: []graph.ItemEvidence{
			{ItemID: "i1", Type: extract.Objection, Subtype: "price", Quote: "太贵了"},
			{ItemID: "i2", Type: extract.Objection, Subtype: "technical", Quote: "接口不稳定"},
		},
		Timeline: []graph.Event{
			{Kind: graph.EventInteraction, MessageID: "m1", Summary: "邮件"},
			{Kind: graph.EventItem, ItemID: "i1", ItemType: extract.Objection, Subtype: "price"},
			{Kind: graph.EventItem, ItemID: "i2", ItemType: extract.Objection, Subtype: "technical"},
		},
	}
	return f, r
}

func TestRedactDelivery(t *testing.T) {
	f, r := testReport()
	redact(&User{Role: RoleDelivery}, f, &r, 45)

	require.NotNil(t, r.Score)
	assert.Nil(t, r.Score.Commercial)
	assert.False(t, r.Score.AtRisk, "only the hidden commercial score was low")
	require.Len(t, r.Score.Evidence, 1, "commercial evidence and commercial quotes are gone")
	assert.Equal(t, "objection_technical", r.Score.Evidence[0].Signal)

	var kinds []scoring.Kind
	for _, w := range r.Warnings {
		kinds = append(kinds, w.Kind)
	}
	assert.Equal(t, []scoring.Kind{scoring.UnresolvedObjection, scoring.GoingDark}, kinds,
		"commercial kinds dropped, and a warning resting only on commercial quotes")
	assert.Equal(t, "客户说“［商务信息已隐藏］”和“接口不稳定”，请跟进。", r.Warnings[0].Message)
	assert.Len(t, r.Warnings[0].Evidence, 1)

	require.Len(t, r.Objections, 1)
	assert.Equal(t, "i2", r.Objections[0].ItemID)
	require.Len(t, r.Timeline, 2)
	assert.Equal(t, "i2", r.Timeline[1].ItemID)
}

func TestRedactOtherRolesSeeAll(t *testing.T) {
	for _, role := range []Role{RoleRep, RoleManager, RoleOps, RoleAdmin} {
		t.Run(string(role), func(t *testing.T) {
			f, r := testReport()
			_, want := testReport()
			redact(&User{Role: role}, f, &r, 45)
			assert.Equal(t, want, r)
		})
	}
}

func TestRedactDeliveryKeepsHighWarningRisk(t *testing.T) {
	f, r := testReport()
	r.Warnings = append(r.Warnings, scoring.Warning{Kind: scoring.ChampionLeft, Severity: scoring.SeverityHigh})
	redact(&User{Role: RoleDelivery}, f, &r, 45)
	assert.True(t, r.Score.AtRisk)
}

func TestRedactDeliveryContactsAndTrend(t *testing.T) {
	since := time.Date(2024, 4, 25, 12, 0, 0, 0, time.UTC)
	trend := &scoring.Trend{Since: since, Technical: -4.2, Commercial: -12, Emotional: 1.5,
		Before: scoring.Levels{Technical: 64.2, Commercial: 52, Emotional: 58.5}}
	scores := []scoring.ContactScore{
		{ContactID: "c1", Technical: 40, Commercial: 60, Emotional: 60, WeakLink: true, WeakIn: []scoring.Dimension{scoring.Technical},
			Evidence: []scoring.Evidence{{Dimension: scoring.Technical, MessageID: "m2", Quote: "接口不稳定", Signal: "objection_technical", Delta: -7}},
			Trend:    trend},
		{ContactID: "c2", Technical: 60, Commercial: 30, Emotional: 55, WeakLink: true, WeakIn: []scoring.Dimension{scoring.Commercial},
			Evidence: []scoring.Evidence{
				{Dimension: scoring.Commercial, MessageID: "m1", Quote: "太贵了", Signal: "objection_price", Delta: -6},
				{Dimension: scoring.Emotional, MessageID: "m1", Quote: "太贵了", Signal: "cold_tone", Delta: -4},
				{Dimension: scoring.Emotional, MessageID: "m3", Quote: "例行沟通", Signal: "customer_message", Delta: 0.8},
			},
			Trend: trend},
	}
	cov := []graph.Coverage{{ID: "c2", Name: "张伟"}, {ID: "c1", Name: "王芳"}, {ID: "c9", Name: "新人"}}

	tests := []struct {
		role  Role
		check func(t *testing.T, r report)
	}{
		{RoleOps, func(t *testing.T, r report) {
			require.Len(t, r.Contacts, 3)
			c2 := r.Contacts[0]
			assert.Equal(t, "张伟", c2.Name, "in the order of the coverage")
			require.NotNil(t, c2.Commercial)
			assert.Equal(t, 30.0, *c2.Commercial)
			assert.True(t, c2.WeakLink)
			assert.Len(t, c2.Evidence, 3)
			require.NotNil(t, c2.Trend.Commercial)
			assert.Equal(t, -12.0, *c2.Trend.Commercial)
			assert.Equal(t, 52.0, *r.Score.Trend.Before.Commercial)
			c9 := r.Contacts[2]
			assert.Equal(t, 60.0, c9.Technical, "a contact without a score is at the baseline")
			assert.NotNil(t, c9.Evidence)
		}},
		{RoleDelivery, func(t *testing.T, r report) {
			require.Len(t, r.Contacts, 3)
			c2, c1 := r.Contacts[0], r.Contacts[1]
			assert.Nil(t, c2.Commercial)
			assert.False(t, c2.WeakLink, "weak only in the hidden commercial dimension")
			assert.Empty(t, c2.WeakIn)
			require.Len(t, c2.Evidence, 1, "commercial evidence and commercial quotes are gone")
			assert.Equal(t, "m3", c2.Evidence[0].MessageID)
			assert.Nil(t, c2.Trend.Commercial)
			assert.Nil(t, c2.Trend.Before.Commercial)
			assert.Equal(t, -4.2, c2.Trend.Technical)

			assert.True(t, c1.WeakLink, "a technical weakness stays visible")
			assert.Equal(t, []scoring.Dimension{scoring.Technical}, c1.WeakIn)
			assert.Len(t, c1.Evidence, 1)

			assert.Nil(t, r.Score.Trend.Commercial)
			assert.Nil(t, r.Score.Trend.Before.Commercial)
			assert.Equal(t, 64.2, r.Score.Trend.Before.Technical)
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			f, r := testReport()
			r.Score.Trend = newTrendView(trend)
			r.Contacts = newContactViews(cov, scores, 60)
			redact(&User{Role: tt.role}, f, &r, 45)
			tt.check(t, r)
			// The scores the views were made from are untouched.
			assert.Equal(t, -12.0, scores[1].Trend.Commercial)
			assert.Len(t, scores[1].Evidence, 3)
			assert.Equal(t, []scoring.Dimension{scoring.Commercial}, scores[1].WeakIn)
		})
	}
}
