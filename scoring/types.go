package scoring

import "time"

// Dimension names a trust dimension.
type Dimension string

// The dimensions of trust.
const (
	Technical  Dimension = "technical"
	Commercial Dimension = "commercial"
	Emotional  Dimension = "emotional"
)

// Evidence is one fact that moved a score or raised a warning.
type Evidence struct {
	Dimension Dimension `json:"dimension,omitempty"`
	MessageID string    `json:"message_id"`
	Quote     string    `json:"quote,omitempty"`
	Signal    string    `json:"signal"` // machine-readable name of the signal
	Delta     float64   `json:"delta,omitempty"`
	At        time.Time `json:"at"`
}

// Score is the pinned score-line contract: an account's trust as of a time.
type Score struct {
	AccountID  string     `json:"account_id"`
	AsOf       time.Time  `json:"as_of"`
	Technical  float64    `json:"technical"`
	Commercial float64    `json:"commercial"`
	Emotional  float64    `json:"emotional"`
	AtRisk     bool       `json:"at_risk"`
	Evidence   []Evidence `json:"evidence"`
}

// Kind is the vocabulary of churn-risk warnings.
type Kind string

// The warning kinds; Kinds lists them in reporting order.
const (
	OverdueCommitment     Kind = "overdue_commitment"
	UnresolvedObjection   Kind = "unresolved_objection"
	CommercialSensitivity Kind = "commercial_sensitivity"
	TechnicalTrustDecline Kind = "technical_trust_decline"
	EmotionalTrustDecline Kind = "emotional_trust_decline"
	GoingDark             Kind = "going_dark"
	SingleThreaded        Kind = "single_threaded"
	ChampionLeft          Kind = "champion_left"
	CompetitorThreat      Kind = "competitor_threat"
)

// Severity grades a warning.
type Severity string

// The severities, mildest first.
const (
	SeverityLow    Severity = "low"
	SeverityMedium Severity = "medium"
	SeverityHigh   Severity = "high"
)

// Warning is the pinned warning-line contract.
type Warning struct {
	AccountID string     `json:"account_id"`
	Kind      Kind       `json:"kind"`
	Severity  Severity   `json:"severity"`
	Since     time.Time  `json:"since"`
	Evidence  []Evidence `json:"evidence"`
	// Message explains the warning in Chinese, with a next step for the rep.
	Message string `json:"message"`
}
